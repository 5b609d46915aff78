package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// IsMemberOf reports whether the user is a transitive member of the group.
func (d *Directory) IsMemberOf(ctx context.Context, userID, groupID string) (bool, error) {
	body := users.NewItemCheckMemberGroupsPostRequestBody()
	body.SetGroupIds([]string{groupID})
	res, err := d.client.Users().ByUserId(userID).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, body, nil)
	if err != nil {
		return false, fail("check group membership", PermGroupMemberRead, err)
	}
	// Graph compares object ids case-insensitively.
	return res != nil && slices.ContainsFunc(res.GetValue(), func(id string) bool { return strings.EqualFold(id, groupID) }), nil
}
