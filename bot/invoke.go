package bot

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// actionData is everything the bot reads from a card action: the request
// (or incident reset) id and the approver's inputs. Any other field (a
// target, a plan) is ignored; the request itself is always read from the
// store.
type actionData struct {
	RequestID    string `json:"requestId"`
	BatchID      string `json:"batchId"`
	Verification string `json:"verification"`
	Override     string `json:"override"`
	Note         string `json:"note"`
	Ticket       string `json:"ticket"`
}

// decodeActionData reads the known fields, tolerating values of other types
// (a forged action) by leaving those fields empty.
func decodeActionData(raw json.RawMessage) actionData {
	var m map[string]json.RawMessage
	var d actionData
	if err := json.Unmarshal(raw, &m); err != nil {
		return d
	}
	str := func(k string) string {
		var s string
		if v, ok := m[k]; ok && json.Unmarshal(v, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	d.RequestID, d.Verification, d.Override, d.Note = str("requestId"), str("verification"), str("override"), str("note")
	d.BatchID, d.Ticket = str(cards.BatchIDKey), str(cards.InputTicket)
	return d
}

// onInvoke answers an invoke. Card actions are answered with a card for
// the user who clicked, always with status 200 so Teams shows it; a refusal
// is shown on the card.
func (b *Bot) onInvoke(ctx context.Context, act *botframework.Activity) *botframework.InvokeResponse {
	if act.Name != botframework.InvokeAdaptiveCardAction {
		resp := botframework.ErrorResponse(501, "notImplemented", "mfabot does not handle "+act.Name+" invokes")
		return &resp
	}
	ca, err := act.CardAction()
	if err != nil {
		b.log.Info("malformed card action", "activity", act.ID, "err", err)
		resp := botframework.ErrorResponse(400, "badRequest", "The card action could not be read.")
		return &resp
	}
	actor, ok := actorOf(act)
	if !ok {
		resp := botframework.MessageResponse(noIdentity)
		return &resp
	}
	data := decodeActionData(ca.Action.Data)
	verb := ca.Action.Verb
	if cards.IsBatchVerb(verb) {
		return b.onBatchInvoke(ctx, act, actor, verb, data)
	}
	if data.RequestID == "" {
		resp := botframework.MessageResponse("This card names no request.")
		return &resp
	}
	first := act.ID == "" || b.firstSighting(ctx, "activity:"+act.ID, true)
	log := b.log.With("activity", act.ID, "verb", verb, "request", data.RequestID, "actor", actor.ID)
	if !first {
		log.Info("redelivered card action answered with the current card")
		if verb != cards.VerbConfirmYes && verb != cards.VerbConfirmNo && verb != cards.VerbTAPPassedOn {
			verb = cards.VerbRefresh
		}
	} else {
		log.Info("card action")
	}
	resp := b.cardAction(ctx, act, actor, verb, data, first)
	return &resp
}

// cardAction performs one verb and renders the clicking user's card.
func (b *Bot) cardAction(ctx context.Context, act *botframework.Activity, actor mfa.Actor, verb string, d actionData, first bool) botframework.InvokeResponse {
	var (
		r      *mfa.Request
		err    error
		what   string
		done   string
		doneOK = "good"
	)
	switch verb {
	case cards.VerbRefresh:
		r, err = b.svc.Get(ctx, d.RequestID)
		what = "Refresh"
	case cards.VerbApprove:
		what = "Approve"
		r, err = b.svc.Approve(ctx, actor, d.RequestID, mfa.ApproveInput{Verification: mfa.Verification(d.Verification), Override: d.Override})
		if err == nil {
			done = "You approved this request."
			if r.State == mfa.StateApproved {
				done = "You approved this request. The reset is running; this card updates when it is done."
				b.execute(r.ID)
			}
		}
	case cards.VerbReject:
		what = "Reject"
		r, err = b.svc.Reject(ctx, actor, d.RequestID, d.Note)
		done = "You rejected this request. Nothing was changed."
	case cards.VerbCancel:
		what = "Cancel"
		r, err = b.svc.Cancel(ctx, actor, d.RequestID)
		done = "You cancelled this request. Nothing was changed."
	case cards.VerbConfirmYes, cards.VerbConfirmNo:
		return b.confirmAction(ctx, actor, verb, d, first)
	case cards.VerbTAPPassedOn:
		return b.tapPassedOn(ctx, actor, d.RequestID)
	default:
		what = "Action"
		r, err = b.svc.Get(ctx, d.RequestID)
		if err == nil {
			done, doneOK = "That action is unknown to this version of mfabot.", "warning"
		}
	}
	if err != nil {
		b.logError(what, err, "activity", act.ID, "request", d.RequestID)
		if r == nil {
			resp := botframework.MessageResponse(humanError(what, err))
			return resp
		}
		return botframework.CardResponse(b.viewFor(ctx, act, actor, r, humanError(what, err), "attention"))
	}
	return botframework.CardResponse(b.viewFor(ctx, act, actor, r, done, doneOK))
}

// confirmAction records the target user's answer to "Was this you?".
func (b *Bot) confirmAction(ctx context.Context, actor mfa.Actor, verb string, d actionData, first bool) botframework.InvokeResponse {
	var (
		r   *mfa.Request
		err error
	)
	if first {
		r, err = b.svc.Confirm(ctx, actor, d.RequestID, verb == cards.VerbConfirmYes)
	} else {
		r, err = b.svc.Get(ctx, d.RequestID)
		if err == nil && !mfa.SameID(actor.ID, r.Target.ID) {
			return botframework.CardResponse(cards.Message("Not for you", "Answer refused: only the user whose MFA it concerns can answer this question", "attention"))
		}
	}
	if err != nil {
		b.logError("Confirm", err, "request", d.RequestID)
		if r == nil {
			return botframework.MessageResponse(humanError("Answer", err))
		}
		if mfa.Code(err) == mfa.EForbidden {
			// Not the target: show nothing of the request but the refusal.
			return botframework.CardResponse(cards.Message("Not for you", humanError("Answer", err), "attention"))
		}
		return botframework.CardResponse(cards.Confirm(r, humanError("Answer", err), "attention"))
	}
	return botframework.CardResponse(cards.Confirm(r, "", ""))
}

// viewFor renders a request card for the user who clicked: their role
// decides the buttons.
func (b *Bot) viewFor(ctx context.Context, act *botframework.Activity, actor mfa.Actor, r *mfa.Request, notice, style string) cards.Card {
	role, may := b.roleOf(ctx, r, actor, act.From.ID)
	if !may {
		// As for "status": a request is for the helpdesk, the approvers, the
		// requester and the user concerned, not for anyone who names its id.
		msg := "Only helpdesk agents, approvers, the requester and the user concerned can see this request."
		if notice != "" {
			msg = notice + "\n\n" + msg
		}
		return cards.Message("Request "+r.ID, msg, "attention")
	}
	return b.requestCard(ctx, r, cards.RequestView{Role: role, Notice: notice, NoticeStyle: style})
}

// roleOf decides which view of a request a user gets, and whether they may
// see it at all, by the domain's one view policy; teamsID is their Teams
// id, remembered for approvers so Teams refreshes their cards.
func (b *Bot) roleOf(ctx context.Context, r *mfa.Request, actor mfa.Actor, teamsID string) (role cards.Role, mayView bool) {
	a := b.svc.View(ctx, actor, r)
	if a.Checked && teamsID != "" {
		b.rememberRole(ctx, actor.ID, teamsID, a.Approver)
	}
	return roleOfAccess(a), a.May()
}

// roleOfAccess is the card view of the view policy's answer.
func roleOfAccess(a mfa.Access) cards.Role {
	switch a.As {
	case mfa.ViewRequester:
		return cards.ViewRequester
	case mfa.ViewApprover:
		return cards.ViewApprover
	}
	return cards.ViewOther
}

// execute runs an approved request in the background, off the invoke, so
// Teams gets its answer at once; the cards follow through RequestChanged.
func (b *Bot) execute(id string) {
	b.background(func(ctx context.Context) {
		r, err := b.svc.Execute(ctx, id)
		if err != nil {
			b.logError("execute", err, "request", id)
			return
		}
		b.log.Info("request executed", "request", id, "state", string(r.State))
	})
}
