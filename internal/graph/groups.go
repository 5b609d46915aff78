package graph

import (
	"context"

	"github.com/mfabot/mfabot/internal/mfa"
)

// FindGroup resolves a group by object id.
// TODO(incident): display names, GET /groups/{id} and the $filter listing.
func (d *Directory) FindGroup(ctx context.Context, key string) (mfa.Group, error) {
	return mfa.Group{ID: key}, nil
}

// EachGroupMember calls f with every transitive member of the group.
// TODO(incident): stream page by page, with no page cap.
func (d *Directory) EachGroupMember(ctx context.Context, groupID string, f func(mfa.User) error) error {
	us, err := d.GroupMembers(ctx, groupID)
	if err != nil {
		return err
	}
	for _, u := range us {
		if err := f(u); err != nil {
			return err
		}
	}
	return nil
}
