package graphfake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// odataError is Graph's error body.
type odataError struct {
	Error odataMain `json:"error"`
}

type odataMain struct {
	Code       string         `json:"code"`
	Message    string         `json:"message"`
	InnerError map[string]any `json:"innerError,omitempty"`
}

// writeError answers an ODataError as Graph does: JSON, with the request
// id in the body and in the request-id header.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeErrorInner(w, r, status, code, message, nil)
}

func writeErrorInner(w http.ResponseWriter, r *http.Request, status int, code, message string, inner map[string]any) {
	// The body's request-id is the header's (set for every response).
	rid := w.Header().Get("request-id")
	if rid == "" {
		rid = newID()
	}
	if inner == nil {
		inner = map[string]any{}
	}
	inner["date"] = time.Now().UTC().Format("2006-01-02T15:04:05")
	inner["request-id"] = rid
	if c := r.Header.Get("client-request-id"); c != "" {
		inner["client-request-id"] = c
	}
	w.Header().Set("request-id", rid)
	writeJSON(w, status, odataError{Error: odataMain{Code: code, Message: message, InnerError: inner}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func notFoundUser(w http.ResponseWriter, r *http.Request, key string) {
	writeError(w, r, http.StatusNotFound, "Request_ResourceNotFound",
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", key))
}

func badRequest(w http.ResponseWriter, r *http.Request, msg string) {
	writeError(w, r, http.StatusBadRequest, "badRequest", msg)
}

// newID returns a random version-4 UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
