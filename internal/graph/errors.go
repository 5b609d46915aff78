package graph

import (
	"errors"
	"strconv"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mfabot/mfabot/internal/graphrules"
	"github.com/mfabot/mfabot/internal/mfa"
)

// fail converts any error of the SDK into an *mfa.DirectoryError whose
// Reason says what Graph's answer means; the domain never sees the HTTP
// status. It never calls Error() on an ODataError, which panics when the
// body lacks a message.
func fail(op, permission string, err error) error {
	if err == nil {
		return nil
	}
	de := &mfa.DirectoryError{Op: op}
	var oe *odataerrors.ODataError
	var ae abstractions.ApiErrorable
	status := 0
	switch {
	case errors.As(err, &oe):
		status = oe.GetStatusCode()
		if main := oe.GetErrorEscaped(); main != nil {
			de.Code = str(main.GetCode())
			de.Message = str(main.GetMessage())
			if in := main.GetInnerError(); in != nil {
				de.RequestID = str(in.GetRequestId())
			}
		}
		if de.RequestID == "" {
			de.RequestID = header(oe.GetResponseHeaders(), "request-id")
		}
	case errors.As(err, &ae):
		status = ae.GetStatusCode()
		de.RequestID = header(ae.GetResponseHeaders(), "request-id")
	default:
		de.Err = err
	}
	de.Reason = reason(status, de.Code, de.Message)
	if de.Reason == mfa.ReasonForbidden {
		de.Permission = permission
	}
	if de.Reason == mfa.ReasonUnexpected && de.Message == "" {
		de.Message = "unexpected answer " + statusText(status)
	}
	return de
}

// reason translates Graph's status and error code into what it means.
func reason(status int, code, message string) mfa.DirectoryReason {
	switch {
	case status == 0:
		return mfa.ReasonUnavailable
	case status == 400 && graphrules.IsDefaultMethodRefusal(code, message):
		return mfa.ReasonDefaultMethod
	case status == 404:
		return mfa.ReasonNotFound
	case status == 409:
		return mfa.ReasonConflict
	case status == 401:
		return mfa.ReasonUnauthenticated
	case status == 403:
		return mfa.ReasonForbidden
	case status == 429:
		return mfa.ReasonThrottled
	case status >= 500:
		return mfa.ReasonUnavailable
	case status >= 400:
		return mfa.ReasonRejected
	}
	return mfa.ReasonUnexpected
}

func statusText(status int) string {
	return "with status " + strconv.Itoa(status)
}

func header(h *abstractions.ResponseHeaders, key string) string {
	if h == nil {
		return ""
	}
	if v := h.Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
