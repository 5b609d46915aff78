package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// SendMail sends a plain-text mail from a mailbox, without keeping a copy
// in its Sent Items.
func (d *Directory) SendMail(ctx context.Context, from string, to []string, subject, text string) error {
	msg := textMessage(subject, text)
	msg.SetToRecipients(recipients(to))
	return d.sendMessage(ctx, from, msg)
}

// SendBcc sends one plain-text mail from a mailbox to itself with the
// recipients in Bcc, so none of them sees the others: one Graph write for
// many users (Exchange accepts up to 500 recipients a message:
// https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits-1).
func (d *Directory) SendBcc(ctx context.Context, from string, bcc []string, subject, text string) error {
	msg := textMessage(subject, text)
	msg.SetToRecipients(recipients([]string{from}))
	msg.SetBccRecipients(recipients(bcc))
	return d.sendMessage(ctx, from, msg)
}

func (d *Directory) sendMessage(ctx context.Context, from string, msg models.Messageable) error {
	body := users.NewItemSendMailPostRequestBody()
	body.SetMessage(msg)
	save := false
	body.SetSaveToSentItems(&save)
	return fail("send mail as "+from, PermMailSend, d.client.Users().ByUserId(from).SendMail().Post(ctx, body, nil))
}

func textMessage(subject, text string) models.Messageable {
	msg := models.NewMessage()
	msg.SetSubject(&subject)
	b := models.NewItemBody()
	ct := models.TEXT_BODYTYPE
	b.SetContentType(&ct)
	b.SetContent(&text)
	msg.SetBody(b)
	return msg
}

func recipients(addrs []string) []models.Recipientable {
	out := make([]models.Recipientable, 0, len(addrs))
	for _, addr := range addrs {
		e := models.NewEmailAddress()
		e.SetAddress(&addr)
		r := models.NewRecipient()
		r.SetEmailAddress(e)
		out = append(out, r)
	}
	return out
}
