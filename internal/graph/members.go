package graph

import (
	"context"

	"github.com/mfabot/mfabot/internal/mfa"
)

// GroupMembers lists the users who are transitive members of the group,
// every page (see EachGroupMember, the one listing both use): the approvers
// to send a request to.
func (d *Directory) GroupMembers(ctx context.Context, groupID string) ([]mfa.User, error) {
	out := []mfa.User{}
	if err := d.EachGroupMember(ctx, groupID, func(u mfa.User) error {
		out = append(out, u)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}
