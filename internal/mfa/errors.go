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

// DirectoryReason is what an answer of the directory means to the domain.
// internal/graph translates Microsoft Graph's statuses and error codes into
// one of these; the domain never sees an HTTP status.
type DirectoryReason string

// Directory reasons.
const (
	// ReasonNotFound: the user or method does not exist (or no longer).
	ReasonNotFound DirectoryReason = "not_found"
	// ReasonDefaultMethod: Graph keeps the user's default method while other
	// methods remain ("Cannot delete default method with other methods
	// configured").
	ReasonDefaultMethod DirectoryReason = "default_method"
	// ReasonRejected: Graph refused the request as it was (any other bad
	// request); Message says why.
	ReasonRejected DirectoryReason = "rejected"
	// ReasonConflict: the object already exists.
	ReasonConflict DirectoryReason = "conflict"
	// ReasonUnauthenticated: Graph did not accept the app's credentials.
	ReasonUnauthenticated DirectoryReason = "unauthenticated"
	// ReasonForbidden: the app lacks a permission (Permission names it).
	ReasonForbidden DirectoryReason = "forbidden"
	// ReasonThrottled: Graph is throttling the app.
	ReasonThrottled DirectoryReason = "throttled"
	// ReasonUnavailable: Graph failed or could not be reached; the outcome
	// of a write is unknown.
	ReasonUnavailable DirectoryReason = "unavailable"
	// ReasonUnexpected: an answer mfabot does not understand.
	ReasonUnexpected DirectoryReason = "unexpected"
)

// DirectoryError is an error answered by the directory (Microsoft Graph),
// reduced to what the domain needs: what it means, Graph's error code and
// message, and the request id that Microsoft support asks for.
type DirectoryError struct {
	Op         string          // what was attempted, e.g. "delete phone method"
	Reason     DirectoryReason // what the answer means
	Code       string          // Graph error code, e.g. "badRequest"
	Message    string          // Graph error message
	RequestID  string          // Graph request-id
	Permission string          // the permission the call needs, named when forbidden
	Err        error           // transport error, when there was no answer
}

func (e *DirectoryError) Error() string {
	s := e.Op + ": " + string(e.Reason)
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
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *DirectoryError) Unwrap() error { return e.Err }

// NotFound reports that the object does not exist.
func (e *DirectoryError) NotFound() bool { return e.Reason == ReasonNotFound }

// IsDirectoryReason reports whether err is a DirectoryError with the reason.
func IsDirectoryReason(err error, r DirectoryReason) bool {
	var d *DirectoryError
	return errors.As(err, &d) && d.Reason == r
}

func (e *DirectoryError) code() ErrorCode {
	switch e.Reason {
	case ReasonNotFound:
		return ENotFound
	case ReasonRejected, ReasonDefaultMethod:
		return EInvalid
	case ReasonConflict:
		return EConflict
	case ReasonUnauthenticated, ReasonForbidden:
		return EForbidden
	case ReasonThrottled:
		return ERateLimited
	case ReasonUnavailable:
		return EUnavailable
	}
	return EInternal
}

// Human explains the error to people, naming the missing permission when
// the app lacks one.
func (e *DirectoryError) Human() string {
	switch e.Reason {
	case ReasonForbidden:
		if e.Permission != "" {
			return fmt.Sprintf("Microsoft Graph refused to %s: the app lacks the permission %s (ask an admin to grant it and consent).", e.Op, e.Permission)
		}
		return fmt.Sprintf("Microsoft Graph refused to %s: permission denied.", e.Op)
	case ReasonUnauthenticated:
		return fmt.Sprintf("Microsoft Graph did not accept mfabot's credentials while trying to %s; check the app registration's client id and its secret or certificate.", e.Op)
	case ReasonThrottled:
		return fmt.Sprintf("Microsoft Graph is throttling mfabot (while trying to %s); try again in a minute.", e.Op)
	case ReasonUnavailable:
		if e.Err != nil {
			return fmt.Sprintf("Microsoft Graph could not be reached while trying to %s.", e.Op)
		}
		return fmt.Sprintf("Microsoft Graph failed while trying to %s; try again later.", e.Op)
	case ReasonNotFound:
		return fmt.Sprintf("Microsoft Graph found nothing to %s.", e.Op)
	}
	msg := fmt.Sprintf("Microsoft Graph refused to %s", e.Op)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// IncompleteListError is returned by Directory.ListMethods beside the
// methods it could list when one kind could not be listed (hardware OATH
// tokens are listed through Graph's beta API, which a tenant's cloud or the
// app's permissions may not allow). The domain treats the kind as unknown:
// a reset that includes it ends partial, naming it.
type IncompleteListError struct {
	Kind MethodKind
	Err  error
}

func (e *IncompleteListError) Error() string {
	return KindName(e.Kind) + " methods could not be listed: " + e.Err.Error()
}

func (e *IncompleteListError) Unwrap() error { return e.Err }

// Human says which kind could not be checked and why.
func (e *IncompleteListError) Human() string {
	return KindName(e.Kind) + "s could not be checked: " + Message(e.Err)
}

// incomplete separates an *IncompleteListError from a listing's error: it
// returns what could not be checked and the error that still stops the
// caller (nil when the listing is only incomplete).
func incomplete(err error) (string, error) {
	var inc *IncompleteListError
	if errors.As(err, &inc) {
		return inc.Human(), nil
	}
	return "", err
}
