package mfa

import "context"

// ApprovalsConversation is a conversation an approver chose to receive a
// copy of every request card ("approvals here").
type ApprovalsConversation struct {
	ID   string
	Type string // "personal", "groupChat" or "channel"
}

// SetApprovalsConversation lets an approver choose where request cards go:
// it checks that actor is an approver and records the choice in the audit.
// The caller keeps the conversation itself (it is the bot's state) and
// saves it only when this returns nil, so no change goes unaudited. A
// refusal is audited too.
func (s *Service) SetApprovalsConversation(ctx context.Context, actor Actor, c ApprovalsConversation) error {
	if err := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"); err != nil {
		s.auditTarget(ctx, AuditRefused, "", actor, map[string]string{"action": "approvals here", "reason": Message(err)})
		return err
	}
	_, err := s.audit(ctx, AuditApprovalsSet, nil, actor.ID, map[string]string{"by": actor.String(), "conversation": c.ID, "type": c.Type})
	return err
}
