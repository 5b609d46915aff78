package mfa

import (
	"errors"
	"fmt"
)

// ErrorCode classifies a domain error. Each edge (Teams reply, HTTP status,
// CLI exit code) translates codes once.
type ErrorCode string

// Error codes.
const (
	EInvalid     ErrorCode = "invalid"      // bad input from the caller
	ENotFound    ErrorCode = "not_found"    // user, request or method does not exist
	EForbidden   ErrorCode = "forbidden"    // policy refuses the caller or the target
	EConflict    ErrorCode = "conflict"     // the request is not in a state that allows this
	ERateLimited ErrorCode = "rate_limited" // a rate limit or the circuit breaker refused
	EUnavailable ErrorCode = "unavailable"  // Graph or the store could not be reached
	EInternal    ErrorCode = "internal"     // a bug or an unexpected answer
)

// Error is a domain error: Message is safe to show to people, Err carries
// the cause for logs.
type Error struct {
	Code    ErrorCode
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted human message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with a human message and a cause.
func Wrap(code ErrorCode, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Code returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func Code(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var d *DirectoryError
	if errors.As(err, &d) {
		return d.code()
	}
	return EInternal
}

// Message returns the human message of err: the *Error's message, a
// DirectoryError's explanation, or a generic sentence for anything else.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	var d *DirectoryError
	if errors.As(err, &d) {
		return d.Human()
	}
	return "Something went wrong inside mfabot; the details are in its log."
}

// DirectoryError is an error answered by the directory (Microsoft Graph),
// reduced to what the domain needs: the HTTP status, Graph's error code and
// message, and the request id that Microsoft support asks for.
type DirectoryError struct {
	Op         string // what was attempted, e.g. "delete phone method"
	Status     int    // HTTP status; 0 when the request did not get an answer
	Code       string // Graph error code, e.g. "badRequest"
	Message    string // Graph error message
	RequestID  string // Graph request-id
	Permission string // the permission the call needs, named on 403
	Err        error  // transport error, when Status is 0
}

func (e *DirectoryError) Error() string {
	s := e.Op + ": "
	if e.Status != 0 {
		s += fmt.Sprintf("status %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request-id " + e.RequestID + ")"
	}
	if e.Err != nil {
		s += e.Err.Error()
	}
	return s
}

func (e *DirectoryError) Unwrap() error { return e.Err }

// NotFound reports a 404 answer.
func (e *DirectoryError) NotFound() bool { return e.Status == 404 }

// IsDirectoryStatus reports whether err is a DirectoryError with the status.
func IsDirectoryStatus(err error, status int) bool {
	var d *DirectoryError
	return errors.As(err, &d) && d.Status == status
}

func (e *DirectoryError) code() ErrorCode {
	switch {
	case e.Status == 404:
		return ENotFound
	case e.Status == 400:
		return EInvalid
	case e.Status == 401 || e.Status == 403:
		return EForbidden
	case e.Status == 429:
		return ERateLimited
	case e.Status == 0 || e.Status >= 500:
		return EUnavailable
	}
	return EInternal
}

// Human explains the error to people, naming the missing permission on 403.
func (e *DirectoryError) Human() string {
	switch {
	case e.Status == 403 && e.Permission != "":
		return fmt.Sprintf("Microsoft Graph refused to %s: the app lacks the permission %s (ask an admin to grant it and consent).", e.Op, e.Permission)
	case e.Status == 403:
		return fmt.Sprintf("Microsoft Graph refused to %s: permission denied.", e.Op)
	case e.Status == 401:
		return fmt.Sprintf("Microsoft Graph did not accept mfabot's credentials while trying to %s; check AZURE_CLIENT_ID and its secret or certificate.", e.Op)
	case e.Status == 429:
		return fmt.Sprintf("Microsoft Graph is throttling mfabot (while trying to %s); try again in a minute.", e.Op)
	case e.Status == 0:
		return fmt.Sprintf("Microsoft Graph could not be reached while trying to %s.", e.Op)
	case e.Status >= 500:
		return fmt.Sprintf("Microsoft Graph failed (status %d) while trying to %s; try again later.", e.Status, e.Op)
	}
	msg := fmt.Sprintf("Microsoft Graph answered %d to %s", e.Status, e.Op)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}
