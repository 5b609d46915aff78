package mfa

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxApprovers is how many approvers get a new request in their personal
// chat. A larger approver group should use an approvals channel instead
// (README: "How approvers get requests").
const MaxApprovers = 25

// Recipients is whom to tell about a new request: the caller (the bot)
// delivers, then reports what it reached with Delivered.
type Recipients struct {
	// AskTarget says the policy asks the target user "Was this you?".
	AskTarget bool
	// Approvers are the people who may approve: the enabled transitive
	// members of the approver group, without the requester and the target,
	// ordered by name.
	Approvers []User
	// Manager is the target's manager when the manager policy gives them a
	// part and they are not already an approver.
	Manager *User
}

// Recipients returns whom to tell about the pending request r. A failed
// group listing is returned with what could be decided (AskTarget, the
// manager), so the caller can still ask the target and report nobody reached.
func (s *Service) Recipients(ctx context.Context, r *Request) (Recipients, error) {
	rc := Recipients{AskTarget: s.policy.Confirm != ConfirmOff}
	if m, err := s.ApprovingManager(ctx, r); err == nil {
		rc.Manager = &m
	}
	approvers, err := s.approversBut(ctx, r.ID, r.Requester.ID, r.Target.ID)
	if err != nil {
		return rc, err
	}
	rc.Approvers = approvers
	if rc.Manager != nil && (slices.ContainsFunc(approvers, func(u User) bool { return SameID(u.ID, rc.Manager.ID) }) ||
		SameID(rc.Manager.ID, r.Requester.ID) || SameID(rc.Manager.ID, r.Target.ID)) {
		rc.Manager = nil
	}
	return rc, nil
}

// BatchApprovers returns who may approve batch b: the enabled transitive
// members of the approver group without the requester, ordered by name,
// as Recipients does for a request.
func (s *Service) BatchApprovers(ctx context.Context, b *Batch) ([]User, error) {
	return s.approversBut(ctx, b.ID, b.Requester.ID)
}

// approversBut lists the enabled transitive members of the approver group
// except the given users, once each, ordered by name; about names the
// request or batch in the log.
func (s *Service) approversBut(ctx context.Context, about string, except ...string) ([]User, error) {
	if s.policy.ApproverGroupID == "" {
		return nil, nil
	}
	members, err := s.dir.GroupMembers(ctx, s.policy.ApproverGroupID)
	if err != nil {
		s.log.Warn("could not list the approver group", "request", about, "err", err)
		return nil, Wrap(Code(err), err, "the approver group could not be listed: %s", Message(err))
	}
	var out []User
	seen := map[string]bool{}
	for _, u := range members {
		id := strings.ToLower(u.ID)
		if id == "" || seen[id] || !u.AccountEnabled || slices.ContainsFunc(except, func(x string) bool { return SameID(u.ID, x) }) {
			continue
		}
		seen[id] = true
		out = append(out, u)
	}
	slices.SortStableFunc(out, func(a, b User) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Delivery is where a new request's card went, as the bot recorded it.
type Delivery struct {
	// Approvers is how many approvers got the card in their personal chat.
	Approvers int `json:"approvers"`
	// Eligible is how many approvers may act on it (Recipients.Approvers).
	Eligible int `json:"eligible"`
	// Unreachable is how many approvers the bot tried and could not reach
	// (never talked to it, and it cannot install itself for them).
	Unreachable int `json:"unreachable,omitempty"`
	// Conversation is the kind of the approvals conversation that got the
	// card ("channel", "groupChat", "personal"), empty when none did.
	Conversation string `json:"conversation,omitempty"`
	// Manager says the target's manager got the card.
	Manager bool `json:"manager,omitempty"`
}

// Reached reports whether anybody who can approve got the card.
func (d Delivery) Reached() bool { return d.Approvers > 0 || d.Conversation != "" || d.Manager }

// TargetAsk is what became of asking the target user "Was this you?".
type TargetAsk struct {
	Tried   bool // the question was due (Recipients.AskTarget)
	Reached bool // it was sent
	Err     error
}

// Delivered records where the card of the new request id went and whether
// the target user was asked. When nobody who can approve was reached it
// raises an alert: the request would otherwise wait unseen until it expires.
// The cards were rendered with this outcome, so no change is published.
func (s *Service) Delivered(ctx context.Context, id string, d Delivery, ask TargetAsk) (*Request, error) {
	r, err := s.store.GetRequest(ctx, normalizeID(id))
	if err != nil {
		return nil, err
	}
	next, err := s.transition(ctx, r, func(n *Request) {
		n.Delivery = &d
		if ask.Tried && n.Confirmation == ConfirmNotAsked {
			n.Confirmation = ConfirmUnreachable
			if ask.Reached {
				n.Confirmation = ConfirmAsked
			}
		}
	}, StatePending)
	if err != nil {
		// Decided already (cancelled at once): nothing is left to record.
		return next, err
	}
	if ask.Tried {
		detail := map[string]string{"reached": strconv.FormatBool(ask.Reached)}
		if ask.Err != nil {
			detail["error"] = ask.Err.Error()
			s.log.Warn("could not ask the target user", "request", r.ID, "err", ask.Err)
		}
		_, _ = s.audit(ctx, AuditConfirmAsked, next, "system", detail)
	}
	_, _ = s.audit(ctx, AuditDelivered, next, "system", map[string]string{
		"approvers": strconv.Itoa(d.Approvers), "eligible": strconv.Itoa(d.Eligible), "unreachable": strconv.Itoa(d.Unreachable), "conversation": d.Conversation, "manager": strconv.FormatBool(d.Manager)})
	if !d.Reached() {
		s.raise(ctx, Alert{Kind: "no_approver_reached", RequestID: r.ID, Target: r.Target.UPN, Actor: r.Requester.String(),
			Summary: fmt.Sprintf("Nobody can approve request %s (MFA reset of %s by %s): no approver has a chat with mfabot and no approvals channel is set. Ask an approver to open a chat with mfabot, or type \"approvals here\" in the approvers' channel.", r.ID, r.Target.UPN, r.Requester)})
	}
	return next, nil
}

// RemindDue reminds the approvers, once, of every request still pending at
// half its lifetime, and returns how many it reminded.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	rs, err := s.store.ListRequests(ctx, RequestFilter{States: []State{StatePending}})
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	n := 0
	for _, r := range rs {
		half := r.CreatedAt.Add(r.ExpiresAt.Sub(r.CreatedAt) / 2)
		if r.Reminded || now.Before(half) || !now.Before(r.ExpiresAt) {
			continue
		}
		next, err := s.transition(ctx, r, func(n *Request) { n.Reminded = true }, StatePending)
		if err != nil {
			continue // decided meanwhile
		}
		_, _ = s.audit(ctx, AuditReminded, next, "system", map[string]string{"expires": r.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z")})
		s.notify.Remind(context.WithoutCancel(ctx), next)
		n++
	}
	return n, nil
}
