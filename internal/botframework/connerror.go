package botframework

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ConnectorError is a failed call to the Bot Connector: the HTTP status (0
// when no answer came), the connector's error code and sub-code (e.g. 403
// with MessageWritesBlocked when the user blocked or uninstalled the bot),
// its message, or a transport error. It never contains the token.
type ConnectorError struct {
	Op      string
	Status  int
	Code    string
	SubCode string
	Message string
	Err     error
}

func (e *ConnectorError) Error() string {
	s := "bot connector: " + e.Op
	if e.Status != 0 {
		s += fmt.Sprintf(": status %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.SubCode != "" {
		s += " (" + e.SubCode + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the transport or context error.
func (e *ConnectorError) Unwrap() error { return e.Err }

// Blocked reports whether the conversation refuses the bot's messages (the
// user blocked or uninstalled the app, or an admin disabled it).
func (e *ConnectorError) Blocked() bool {
	return e.Status == http.StatusForbidden &&
		(e.SubCode == "MessageWritesBlocked" || e.Code == "MessageWritesBlocked" ||
			e.Code == "ConversationBlockedByUser" || e.Code == "BotDisabledByAdmin")
}

// IsBlocked reports whether err is a ConnectorError that is Blocked.
func IsBlocked(err error) bool {
	var ce *ConnectorError
	return errors.As(err, &ce) && ce.Blocked()
}

// errorBody covers the shapes of connector error answers.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		SubCode string `json:"subCode"`
		Message string `json:"message"`
	} `json:"error"`
	SubCode string `json:"subCode"`
	Message string `json:"message"`
}

// errorFromResponse reads and closes an error answer.
func errorFromResponse(op string, resp *http.Response) *ConnectorError {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := &ConnectorError{Op: op, Status: resp.StatusCode}
	var eb errorBody
	if json.Unmarshal(b, &eb) == nil {
		e.Code, e.SubCode, e.Message = eb.Error.Code, eb.Error.SubCode, eb.Error.Message
		if e.SubCode == "" {
			e.SubCode = eb.SubCode
		}
		if e.Message == "" {
			e.Message = eb.Message
		}
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	return e
}
