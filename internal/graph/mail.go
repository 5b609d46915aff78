package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// SendMail sends a plain-text mail from a mailbox, without keeping a copy
// in its Sent Items.
func (d *Directory) SendMail(ctx context.Context, from string, to []string, subject, text string) error {
	msg := models.NewMessage()
	msg.SetSubject(&subject)
	b := models.NewItemBody()
	ct := models.TEXT_BODYTYPE
	b.SetContentType(&ct)
	b.SetContent(&text)
	msg.SetBody(b)
	rcpts := make([]models.Recipientable, 0, len(to))
	for _, addr := range to {
		addr := addr
		e := models.NewEmailAddress()
		e.SetAddress(&addr)
		r := models.NewRecipient()
		r.SetEmailAddress(e)
		rcpts = append(rcpts, r)
	}
	msg.SetToRecipients(rcpts)
	body := users.NewItemSendMailPostRequestBody()
	body.SetMessage(msg)
	save := false
	body.SetSaveToSentItems(&save)
	return fail("send mail as "+from, PermMailSend, d.client.Users().ByUserId(from).SendMail().Post(ctx, body, nil))
}
