package botframework

import (
	"encoding/json"
	"fmt"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// Content types of Adaptive Cards and invoke responses.
const (
	ContentTypeAdaptiveCard = "application/vnd.microsoft.card.adaptive"
	ContentTypeMessage      = "application/vnd.microsoft.activity.message"
	ContentTypeError        = "application/vnd.microsoft.error"
)

// InvokeAdaptiveCardAction is the name of the invoke sent by Action.Execute.
const InvokeAdaptiveCardAction = "adaptiveCard/action"

// CardAttachment wraps an Adaptive Card (any JSON-marshalable value, or
// json.RawMessage) as an attachment.
func CardAttachment(card any) schema.Attachment {
	return schema.Attachment{ContentType: ContentTypeAdaptiveCard, Content: card}
}

// CardAction is the value of an adaptiveCard/action invoke.
type CardAction struct {
	Action struct {
		Type string          `json:"type"`
		ID   string          `json:"id,omitzero"`
		Verb string          `json:"verb"`
		Data json.RawMessage `json:"data,omitzero"`
	} `json:"action"`
	Trigger string `json:"trigger,omitzero"`
}

// CardAction decodes the value of an adaptiveCard/action invoke.
func (a *Activity) CardAction() (*CardAction, error) {
	if a.Type != TypeInvoke || a.Name != InvokeAdaptiveCardAction {
		return nil, fmt.Errorf("activity is %s %q, not an %s invoke", a.Type, a.Name, InvokeAdaptiveCardAction)
	}
	var v CardAction
	if err := a.DecodeValue(&v); err != nil {
		return nil, err
	}
	if v.Action.Type != "Action.Execute" {
		return nil, fmt.Errorf("card action type %q is not Action.Execute", v.Action.Type)
	}
	return &v, nil
}

// InvokeResponse is the body of the HTTP response to an adaptiveCard/action
// invoke; the HTTP status is 200 and StatusCode says how the action went.
type InvokeResponse struct {
	StatusCode int    `json:"statusCode"`
	Type       string `json:"type"`
	Value      any    `json:"value"`
}

// InvokeError is the value of an error invoke response.
type InvokeError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// CardResponse replaces the card that sent the action with card.
func CardResponse(card any) InvokeResponse {
	return InvokeResponse{StatusCode: 200, Type: ContentTypeAdaptiveCard, Value: card}
}

// MessageResponse shows text to the user who clicked; the card stays.
func MessageResponse(text string) InvokeResponse {
	return InvokeResponse{StatusCode: 200, Type: ContentTypeMessage, Value: text}
}

// ErrorResponse reports a failed action: status is 400 for bad input, 500
// for a failure on the bot's side.
func ErrorResponse(status int, code, message string) InvokeResponse {
	return InvokeResponse{StatusCode: status, Type: ContentTypeError, Value: InvokeError{Code: code, Message: message}}
}
