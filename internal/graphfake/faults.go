package graphfake

import (
	"net/http"
	"path"
)

// Fault makes matching requests fail. Faults are checked in the order
// added, after the token check and before routing.
type Fault struct {
	// Method matches the HTTP method; "" matches any.
	Method string
	// Path is a path.Match pattern over the path without its version
	// prefix, e.g. "/users/*/authentication/phoneMethods/*"; "" matches any.
	Path string
	// Status is the status to answer.
	Status int
	// Body is the raw response body. "" answers Graph's usual ODataError for
	// the status; "-" answers no body at all.
	Body string
	// RetryAfter is the Retry-After header; a 429 without one gets "0.25".
	RetryAfter string
	// Count is how many requests fail; 0 means one, -1 means every one.
	Count int
	// Skip lets this many matching requests through first (to fail, say,
	// the third page of a listing).
	Skip int

	hits, skipped int
}

// AddFault adds a fault rule.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Count == 0 {
		f.Count = 1
	}
	s.faults = append(s.faults, &f)
}

// FailNext makes the next request matching method and pathPattern fail
// with status and body (see Fault).
func (s *Server) FailNext(method, pathPattern string, status int, body string) {
	s.AddFault(Fault{Method: method, Path: pathPattern, Status: status, Body: body})
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// fault returns the first live rule matching the request, counting the hit.
func (s *Server) fault(method, p string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.Count >= 0 && f.hits >= f.Count {
			continue
		}
		if f.Method != "" && f.Method != method {
			continue
		}
		if f.Path != "" {
			if ok, _ := path.Match(f.Path, p); !ok {
				continue
			}
		}
		if f.skipped < f.Skip {
			f.skipped++
			continue
		}
		f.hits++
		c := *f
		return &c
	}
	return nil
}

func (f *Fault) write(w http.ResponseWriter, r *http.Request) {
	ra := f.RetryAfter
	if ra == "" && f.Status == http.StatusTooManyRequests {
		ra = "0.25"
	}
	if ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	switch f.Body {
	case "-":
		w.WriteHeader(f.Status)
	case "":
		code, msg := standardError(f.Status)
		var inner map[string]any
		if f.Status == http.StatusTooManyRequests {
			inner = map[string]any{"code": "429", "message": "Please retry after", "status": "429"}
		}
		writeErrorInner(w, r, f.Status, code, msg, inner)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
	}
}

// standardError is Graph's usual code and message for a status.
func standardError(status int) (code, msg string) {
	switch status {
	case 400:
		return "badRequest", "Bad request."
	case 401:
		return "InvalidAuthenticationToken", "Access token validation failure."
	case 403:
		return "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
	case 404:
		return "itemNotFound", "The resource could not be found."
	case 429:
		return "TooManyRequests", "Please retry again later."
	case 500:
		return "generalException", "General exception while processing."
	case 503:
		return "serviceNotAvailable", "Service unavailable."
	case 504:
		return "gatewayTimeout", "Gateway timeout."
	}
	return "UnknownError", http.StatusText(status)
}
