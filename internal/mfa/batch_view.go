package mfa

import "context"

// MayPlanBatch checks, before anything is planned, that the actor may ask
// for an incident reset: incident mode is on and they are in the incident
// group. PlanBatch checks it again; a caller that answers at once ("Planning
// B-…") asks first so a refusal is the answer instead.
func (s *Service) MayPlanBatch(ctx context.Context, actor Actor) error {
	return s.mayAskBatch(ctx, actor)
}

// BatchAccess is the part a person plays towards a batch, which decides
// the buttons of their card.
type BatchAccess struct {
	// Requester says they asked for it.
	Requester bool
	// Approver says they are in the approver group: they may approve
	// someone else's plan, and pause, resume or cancel a running batch.
	Approver bool
}

// SeeBatch returns a batch with its progress and the actor's part in it,
// for a card's own view; incident responders and approvers may see
// batches. Unlike BatchStatus it is not audited: a card refreshes it
// whenever a viewer opens it, as a request card's view.
func (s *Service) SeeBatch(ctx context.Context, actor Actor, id string) (*BatchStatus, BatchAccess, error) {
	if err := s.mayLookAtBatch(ctx, actor); err != nil {
		return nil, BatchAccess{}, err
	}
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return nil, BatchAccess{}, err
	}
	st, err := s.batchStatus(ctx, b)
	if err != nil {
		return nil, BatchAccess{}, err
	}
	a := BatchAccess{Requester: SameID(actor.ID, b.Requester.ID)}
	a.Approver = s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver") == nil
	return st, a, nil
}
