package graph

import (
	"errors"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mfabot/mfabot/internal/mfa"
)

// fail converts any error of the SDK into an *mfa.DirectoryError. It never
// calls Error() on an ODataError, which panics when the body lacks a
// message.
func fail(op, permission string, err error) error {
	if err == nil {
		return nil
	}
	de := &mfa.DirectoryError{Op: op}
	var oe *odataerrors.ODataError
	var ae abstractions.ApiErrorable
	switch {
	case errors.As(err, &oe):
		de.Status = oe.GetStatusCode()
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
		de.Status = ae.GetStatusCode()
		de.RequestID = header(ae.GetResponseHeaders(), "request-id")
	default:
		de.Err = err
	}
	if de.Status == 403 {
		de.Permission = permission
	}
	return de
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
