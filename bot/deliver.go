package bot

import (
	"context"
	"sync"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Where request cards go (Config.Delivery, MFABOT_APPROVAL_DELIVERY).
const (
	DeliverPersonal     = "personal"
	DeliverConversation = "conversation"
	DeliverBoth         = "both"
)

// deliverWorkers bounds the cards posted at once to approvers' chats.
const deliverWorkers = 4

// deliver tells everyone about the new request r, made by act: it asks the
// target user "Was this you?", posts each approver their own card in their
// personal chat and the base card in the approvals conversation (as the
// delivery setting says), and the target's manager theirs; then it records
// where the card went with the service and returns the request as recorded.
func (b *Bot) deliver(ctx context.Context, r *mfa.Request, act *botframework.Activity) *mfa.Request {
	rc, err := b.svc.Recipients(ctx, r)
	if err != nil {
		b.log.Error("the approvers could not be listed; the request reaches nobody by personal chat", "request", r.ID, "err", err)
	}
	ask := mfa.TargetAsk{Tried: rc.AskTarget}
	if rc.AskTarget {
		ask.Reached, ask.Err = b.askTarget(ctx, r)
	}
	// Render the copies with the confirmation as it will be recorded.
	view := *r
	if ask.Tried {
		view.Confirmation = mfa.ConfirmUnreachable
		if ask.Reached {
			view.Confirmation = mfa.ConfirmAsked
		}
	}
	d := mfa.Delivery{Eligible: len(rc.Approvers)}
	conv, mode := b.approvalTargets(ctx)
	if mode != DeliverConversation || conv == nil {
		d.Approvers, d.Unreachable = b.postToApprovers(ctx, &view, rc.Approvers)
	}
	if mode != DeliverPersonal && conv != nil {
		if b.postToApprovals(ctx, &view, conv, act.Conversation.ID, b.mentions(ctx, rc.Approvers)) {
			d.Conversation = conv.Conversation.ConversationType
			if d.Conversation == "" {
				d.Conversation = "channel"
			}
		}
	}
	if rc.Manager != nil {
		d.Manager = b.postToManager(ctx, &view, *rc.Manager)
	}
	next, err := b.svc.Delivered(ctx, r.ID, d, ask)
	if err != nil {
		b.logError("record delivery", err, "request", r.ID)
		if next == nil {
			return r
		}
	}
	return next
}

// postToApprovers posts each approver, up to mfa.MaxApprovers, their own
// card (Approve with the verification choice, Reject) in their personal
// chat, a few at a time. It returns how many got it and how many could not
// be reached.
func (b *Messenger) postToApprovers(ctx context.Context, r *mfa.Request, approvers []mfa.User) (reached, unreachable int) {
	card := b.requestCard(ctx, r, cards.RequestView{Role: cards.ViewApprover})
	return b.fanOut(approvers, "requests", func(a mfa.User) bool {
		return b.postToPerson(ctx, r, a, botstate.RoleApprover, card)
	})
}

// approvalTargets is where approvers' cards go: the approvals conversation
// (nil when none was set or it cannot be read) and the delivery setting.
func (b *Bot) approvalTargets(ctx context.Context) (*botframework.ConversationReference, string) {
	var conv *botframework.ConversationReference
	if ref, err := b.approvalsRef(ctx); err == nil {
		conv = &ref
	} else if mfa.Code(err) != mfa.ENotFound {
		b.log.Warn("approvals conversation unreadable", "err", err)
	}
	mode := b.cfg.Delivery
	if mode == "" {
		mode = DeliverBoth
	}
	return conv, mode
}

// fanOut calls post for each approver, up to mfa.MaxApprovers (the rest
// are logged: an approvals channel reaches them), deliverWorkers at a
// time, and counts who was reached and who not. what names the cards in
// the log.
func (b *Messenger) fanOut(approvers []mfa.User, what string, post func(mfa.User) bool) (reached, unreachable int) {
	if len(approvers) > mfa.MaxApprovers {
		b.log.Warn("more approvers than get "+what+" in their chat; use an approvals channel", "approvers", len(approvers), "max", mfa.MaxApprovers)
		approvers = approvers[:mfa.MaxApprovers]
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, deliverWorkers)
	)
	for _, a := range approvers {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ok := post(a)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				reached++
			} else {
				unreachable++
			}
		}()
	}
	wg.Wait()
	return reached, unreachable
}

// postToPerson posts card in the personal chat of u, installing the app for
// them when the bot never talked to them and may install itself, and keeps
// it in sync as their view (role).
func (b *Messenger) postToPerson(ctx context.Context, r *mfa.Request, u mfa.User, role string, card cards.Card) bool {
	ref, conv, err := b.reachUser(ctx, u)
	if err != nil {
		b.log.Info("could not reach a person for a request", "request", r.ID, "user", u.ID, "role", role, "err", err)
		return false
	}
	c := botstate.Card{Kind: kindRequest, ServiceURL: ref.ServiceURL, ConversationID: conv, Viewer: u.ID, ViewerTeams: ref.User.ID, Role: role}
	id, err := b.send.SendToConversation(ctx, ref.ServiceURL, conv, b.newMessage(ref, conv, "", botframework.CardAttachment(card)))
	if err != nil {
		b.log.Warn("could not post the request card to a personal chat", "request", r.ID, "user", u.ID, "role", role, "err", err)
		return false
	}
	c.ActivityID = id
	b.addCardRef(ctx, r.ID, c)
	return true
}

// postToApprovals posts the base card, @mentioning the approvers, to the
// approvals conversation unless the request was made there, and reports
// whether the conversation has the card.
func (b *Messenger) postToApprovals(ctx context.Context, r *mfa.Request, ref *botframework.ConversationReference, from string, mentions []botstate.Mention) bool {
	if baseConversationID(ref.Conversation.ID) == baseConversationID(from) {
		return true
	}
	c := botstate.Card{Kind: kindRequest, ServiceURL: ref.ServiceURL, ConversationID: ref.Conversation.ID}
	if ref.Conversation.ConversationType == "personal" && ref.User.AadObjectID != "" {
		c.Viewer, c.ViewerTeams, c.Role = ref.User.AadObjectID, ref.User.ID, botstate.RoleApprover
	} else {
		c.Mentions = mentions
	}
	id, err := b.send.SendToConversation(ctx, ref.ServiceURL, ref.Conversation.ID, ref.NewCardMessage(b.cardFor(ctx, r, c)))
	if err != nil {
		b.log.Error("could not post the request to the approvals conversation", "request", r.ID, "err", err)
		return false
	}
	c.ActivityID = id
	b.addCardRef(ctx, r.ID, c)
	return true
}

// postToManager posts the request card, with the Approve button, in the
// personal chat of the target's manager when the manager policy gives them
// a part and the bot can reach them.
func (b *Messenger) postToManager(ctx context.Context, r *mfa.Request, m mfa.User) bool {
	card := b.requestCard(ctx, r, cards.RequestView{Role: cards.ViewApprover})
	return b.postToPerson(ctx, r, m, botstate.RoleApprover, card)
}

// mentions are the approvers a card in a channel @mentions: by Teams id
// when the bot knows it, else by Entra object id.
func (b *Messenger) mentions(ctx context.Context, approvers []mfa.User) []botstate.Mention {
	out := make([]botstate.Mention, 0, min(len(approvers), mfa.MaxApprovers))
	for _, a := range approvers[:min(len(approvers), mfa.MaxApprovers)] {
		id := a.ID
		if u, err := b.state.User(ctx, a.ID); err == nil && u.User.ID != "" {
			id = u.User.ID
		}
		out = append(out, botstate.Mention{ID: id, Name: a.DisplayName})
	}
	return out
}
