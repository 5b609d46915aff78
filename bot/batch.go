package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// kindBatch is an incident reset's card, as stored.
const kindBatch = botstate.CardBatch

// cmdResetGroup asks for an incident reset of a group's members. Who may
// ask is checked first, so a refusal is the answer; then the bot answers
// at once with a card naming the batch ("Planning …") and makes the plan
// off the turn — reading and checking every member of a group of hundreds
// takes seconds, and Teams wants its answer sooner. The card turns into
// the plan when it is made, and the plan goes to the approvers.
func (b *Bot) cmdResetGroup(ctx context.Context, t *turn, actor mfa.Actor, cmd Command) error {
	act := t.act
	if err := b.svc.MayPlanBatch(ctx, actor); err != nil {
		switch mfa.Code(err) {
		case mfa.EUnavailable, mfa.EInternal:
			return b.replyError(ctx, act, "Incident reset", err)
		}
		b.logError("incident reset", err, "activity", act.ID)
		return b.replyCard(ctx, act, cards.Message("Incident MFA reset refused", humanError("Incident reset", err), "attention"))
	}
	// Nothing is planned before the card is posted: a turn whose card
	// could not be posted is asked again by its redelivery.
	id := mfa.NewBatchID()
	ref := batchCardRef(act, actor, botstate.RoleRequester)
	posted, err := b.replyCardID(ctx, act, cards.BatchPlanning(id, "group "+quoted(cmd.Group)))
	if err != nil {
		return err
	}
	ref.ActivityID = posted
	b.addCardRef(ctx, id, ref)
	b.log.Info("incident reset planning", "batch", id, "activity", act.ID, "actor", actor.ID)
	in := mfa.BatchInput{ID: id, Group: cmd.Group, Reason: cmd.Reason}
	// The plan outlives the turn: it keeps the turn's values, not its end.
	plan := context.WithoutCancel(ctx)
	b.background(func(context.Context) { b.planBatch(plan, actor, in, ref) })
	return nil
}

// quoted is a group as typed, in quotes.
func quoted(g string) string { return "\u201c" + g + "\u201d" }

// planBatch makes the plan and delivers it to the approvers, or turns the
// requester's "Planning" card into the refusal.
func (b *Bot) planBatch(ctx context.Context, actor mfa.Actor, in mfa.BatchInput, ref botstate.Card) {
	batch, err := b.svc.PlanBatch(ctx, actor, in)
	if err != nil {
		b.logError("incident reset plan", err, "batch", in.ID)
		msg := humanError("Incident reset", err)
		b.updateCard(ctx, in.ID, ref, cards.Message("Incident MFA reset "+in.ID+" not planned", msg, "attention"))
		return
	}
	b.log.Info("incident reset planned", "batch", batch.ID, "toReset", batch.Plan.ToReset, "skipped", batch.Plan.SkippedTotal())
	b.deliverBatch(ctx, batch, ref)
}

// deliverBatch posts the plan to the approvers as request cards go (each
// approver's personal chat, the approvals conversation, as the delivery
// setting says) and tells the requester where it went.
func (b *Bot) deliverBatch(ctx context.Context, batch *mfa.Batch, requester botstate.Card) {
	st := b.batchStatusOf(batch)
	approvers, err := b.svc.BatchApprovers(ctx, batch)
	if err != nil {
		b.log.Error("the approvers could not be listed; the incident reset reaches nobody by personal chat", "batch", batch.ID, "err", err)
	}
	conv, mode := b.approvalTargets(ctx)
	var reached, unreachable int
	if mode != DeliverConversation || conv == nil {
		reached, unreachable = b.postBatchToApprovers(ctx, st, approvers)
	}
	inConversation := false
	if mode != DeliverPersonal && conv != nil {
		inConversation = b.postBatchToApprovals(ctx, st, conv, requester.ConversationID)
	}
	b.tellBatchRequester(ctx, batch, requester, reached, unreachable, inConversation)
	if reached == 0 && !inConversation {
		b.log.Error("no approver could be reached for an incident reset", "batch", batch.ID, "approvers", len(approvers))
	}
	// A change published while the copies were being posted may have
	// missed the copies posted after it: bring every copy to the newest.
	if cur, ok := b.latestBatch(batch.ID); ok && (cur.Batch.State != batch.State || len(cur.Batch.Approvals) != len(batch.Approvals)) {
		b.cards.schedule(b.bg, batch.ID)
	}
}

// batchStatusOf is the newest published status of batch, or the batch as
// planned when none was published.
func (b *Messenger) batchStatusOf(batch *mfa.Batch) *mfa.BatchStatus {
	if st, ok := b.latestBatch(batch.ID); ok && !st.Batch.UpdatedAt.Before(batch.UpdatedAt) {
		return st
	}
	return &mfa.BatchStatus{Batch: batch, At: b.now(),
		Counts: mfa.BatchCounts{Pending: batch.Plan.ToReset, Skipped: batch.Plan.SkippedTotal()}}
}

// tellBatchRequester says, in the conversation of the request, where the
// plan went, or that nobody who can approve got it.
func (b *Bot) tellBatchRequester(ctx context.Context, batch *mfa.Batch, ref botstate.Card, reached, unreachable int, conversation bool) {
	var where []string
	switch {
	case reached == 1:
		where = append(where, "1 approver in their chat with mfabot")
	case reached > 1:
		where = append(where, fmt.Sprintf("%d approvers in their chats with mfabot", reached))
	}
	if conversation {
		where = append(where, "the approvals conversation")
	}
	text := fmt.Sprintf("Incident reset %s is planned and sent for approval to %s. Two of them must approve it, each naming the incident.", batch.ID, strings.Join(where, " and "))
	if len(where) == 0 {
		text = fmt.Sprintf("Incident reset %s is planned, but no approver could be reached, so nobody can approve it yet. Ask two approvers to open a chat with mfabot and type `status %s`.", batch.ID, batch.ID)
	}
	if unreachable > 0 {
		text += fmt.Sprintf(" %d more approver(s) have no chat with mfabot yet and did not get it.", unreachable)
	}
	act := &botframework.Activity{Type: botframework.TypeMessage, Text: text}
	if err := b.pace.wait(ctx, ref.ConversationID); err != nil {
		return
	}
	if _, err := b.send.SendToConversation(ctx, ref.ServiceURL, ref.ConversationID, act); err != nil {
		b.log.Warn("could not tell the requester where the incident reset went", "batch", batch.ID, "err", err)
	}
}

// postBatchToApprovers posts each approver, up to mfa.MaxApprovers, their
// own plan card (the ticket input, Approve and Cancel) in their personal
// chat, a few at a time, and returns how many got it and how many could
// not be reached.
func (b *Messenger) postBatchToApprovers(ctx context.Context, st *mfa.BatchStatus, approvers []mfa.User) (reached, unreachable int) {
	card := b.batchCard(ctx, st, cards.BatchView{Role: cards.ViewApprover})
	return b.fanOut(approvers, "incident resets", func(a mfa.User) bool {
		return b.postBatchToPerson(ctx, st.Batch.ID, a, card)
	})
}

// postBatchToPerson posts an approver's card in their personal chat and
// keeps it in sync as their view.
func (b *Messenger) postBatchToPerson(ctx context.Context, id string, u mfa.User, card cards.Card) bool {
	ref, conv, err := b.reachUser(ctx, u)
	if err != nil {
		b.log.Info("could not reach an approver for an incident reset", "batch", id, "user", u.ID, "err", err)
		return false
	}
	c := botstate.Card{Kind: kindBatch, ServiceURL: ref.ServiceURL, ConversationID: conv, Viewer: u.ID, ViewerTeams: ref.User.ID, Role: botstate.RoleApprover}
	posted, err := b.send.SendToConversation(ctx, ref.ServiceURL, conv, b.newMessage(ref, conv, "", botframework.CardAttachment(card)))
	if err != nil {
		b.log.Warn("could not post the incident reset to a personal chat", "batch", id, "user", u.ID, "err", err)
		return false
	}
	c.ActivityID = posted
	b.addCardRef(ctx, id, c)
	return true
}

// postBatchToApprovals posts the plan to the approvals conversation unless
// the batch was asked for there, and reports whether the conversation has
// it.
func (b *Messenger) postBatchToApprovals(ctx context.Context, st *mfa.BatchStatus, ref *botframework.ConversationReference, from string) bool {
	if baseConversationID(ref.Conversation.ID) == baseConversationID(from) {
		return true
	}
	c := botstate.Card{Kind: kindBatch, ServiceURL: ref.ServiceURL, ConversationID: ref.Conversation.ID}
	if ref.Conversation.ConversationType == "personal" && ref.User.AadObjectID != "" {
		c.Viewer, c.ViewerTeams, c.Role = ref.User.AadObjectID, ref.User.ID, botstate.RoleApprover
	}
	posted, err := b.send.SendToConversation(ctx, ref.ServiceURL, ref.Conversation.ID, ref.NewCardMessage(b.batchCardFor(ctx, st, c)))
	if err != nil {
		b.log.Error("could not post the incident reset to the approvals conversation", "batch", st.Batch.ID, "err", err)
		return false
	}
	c.ActivityID = posted
	b.addCardRef(ctx, st.Batch.ID, c)
	return true
}

// batchCardRef is the reference of an incident reset card about to be
// posted in reply to act: in a personal chat its one reader is the actor,
// whose view is role.
func batchCardRef(act *botframework.Activity, actor mfa.Actor, role string) botstate.Card {
	ref := botstate.Card{Kind: kindBatch, ServiceURL: act.ServiceURL, ConversationID: act.Conversation.ID}
	if act.Personal() {
		ref.Viewer, ref.ViewerTeams, ref.Role = actor.ID, act.From.ID, role
	}
	return ref
}

// batchCardFor renders an incident reset card for where it is posted: the
// viewer's own view in a personal chat (as stored with the card), the base
// card (and Teams' refresh) elsewhere.
func (b *Messenger) batchCardFor(ctx context.Context, st *mfa.BatchStatus, c botstate.Card) cards.Card {
	v := cards.BatchView{Role: cards.ViewBase, Viewer: c.Viewer}
	switch {
	case c.Viewer == "":
	case c.Role == botstate.RoleApprover:
		v.Role = cards.ViewApprover
	case c.Role == botstate.RoleRequester:
		v.Role = cards.ViewRequester
	default:
		v.Role = cards.ViewOther
	}
	return b.batchCard(ctx, st, v)
}

// batchCard renders an incident reset card with the users Teams refreshes
// while it is open.
func (b *Messenger) batchCard(ctx context.Context, st *mfa.BatchStatus, v cards.BatchView) cards.Card {
	if st.Batch.State.Open() {
		v.RefreshUserIDs = b.refreshUserIDs(ctx, &mfa.Request{Requester: st.Batch.Requester})
	}
	return cards.Batch(st, v)
}

// batchRole is the view of a batch's card for a person with access a.
func batchRole(batch *mfa.Batch, a mfa.BatchAccess) cards.Role {
	switch {
	case batch.State == mfa.BatchPlanned && a.Requester:
		return cards.ViewRequester
	case a.Approver:
		return cards.ViewApprover
	}
	return cards.ViewOther
}

// postBatchStatus posts an incident reset's card in answer to act, in the
// actor's view, and keeps it in sync while the batch is open. audited
// says the look is recorded (the status command).
func (b *Bot) postBatchStatus(ctx context.Context, act *botframework.Activity, actor mfa.Actor, id string, audited bool) error {
	if audited {
		if _, err := b.svc.BatchStatus(ctx, actor, id); err != nil {
			return b.replyError(ctx, act, "Status", err)
		}
	}
	st, access, err := b.svc.SeeBatch(ctx, actor, id)
	if err != nil {
		return b.replyError(ctx, act, "Status", err)
	}
	b.rememberRole(ctx, actor.ID, act.From.ID, access.Approver)
	role := batchRole(st.Batch, access)
	ref := batchCardRef(act, actor, roleName(role))
	posted, err := b.replyCardID(ctx, act, b.batchCardFor(ctx, st, ref))
	if err != nil {
		return err
	}
	if st.Batch.State.Open() {
		ref.ActivityID = posted
		b.addCardRef(ctx, st.Batch.ID, ref)
	}
	return nil
}
