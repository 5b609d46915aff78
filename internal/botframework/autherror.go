package botframework

import (
	"errors"
	"net/http"
)

// Sentinel errors of Authenticate; match them with errors.Is.
var (
	// ErrUnauthorized: the request is not authenticated (HTTP 401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: authenticated, but the tenant or the channel is not
	// allowed (HTTP 403).
	ErrForbidden = errors.New("forbidden")
	// ErrKeysUnavailable: the OpenID metadata or signing keys could not be
	// fetched, so nothing can be authenticated (HTTP 503). It is reported
	// together with ErrUnauthorized.
	ErrKeysUnavailable = errors.New("signing keys unavailable")
)

// AuthError is an authentication failure. Reason is for logs and never
// contains the token.
type AuthError struct {
	Kind   error // ErrUnauthorized or ErrForbidden
	Reason string
	Err    error
}

func (e *AuthError) Error() string {
	s := e.Kind.Error() + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches the error's kind.
func (e *AuthError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

func unauthorized(reason string, err error) *AuthError {
	return &AuthError{Kind: ErrUnauthorized, Reason: reason, Err: err}
}

func forbidden(reason string) *AuthError {
	return &AuthError{Kind: ErrForbidden, Reason: reason}
}

// StatusCode maps an Authenticate error to the HTTP status to answer: 503
// when the signing keys are unavailable, 403 for ErrForbidden, 401 for any
// other error, 200 for nil.
func StatusCode(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrKeysUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	}
	return http.StatusUnauthorized
}
