package graph

import (
	"context"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfabot/mfabot/internal/mfa"
)

// memberPage is the page size asked for: Graph's maximum for
// transitiveMembers (the default is 100). maxMemberPages bounds the pages
// followed (50,000 members).
const (
	memberPage     int32 = 999
	maxMemberPages int   = 50
)

// GroupMembers lists the users who are transitive members of the group,
// following every @odata.nextLink:
// GET /groups/{id}/transitiveMembers/microsoft.graph.user
// (https://learn.microsoft.com/en-us/graph/api/group-list-transitivemembers).
// The OData cast needs advanced query mode (ConsistencyLevel: eventual and
// $count), as for the user's own memberships.
func (d *Directory) GroupMembers(ctx context.Context, groupID string) ([]mfa.User, error) {
	eventual := abstractions.NewRequestHeaders()
	eventual.Add("ConsistencyLevel", "eventual")
	count, top := true, memberPage
	cfg := &groups.ItemTransitiveMembersGraphUserRequestBuilderGetRequestConfiguration{
		Headers:         eventual,
		QueryParameters: &groups.ItemTransitiveMembersGraphUserRequestBuilderGetQueryParameters{Select: userFields, Count: &count, Top: &top},
	}
	b := d.client.Groups().ByGroupId(groupID).TransitiveMembers().GraphUser()
	var us []models.Userable
	for range maxMemberPages {
		res, err := b.Get(ctx, cfg)
		if err != nil {
			err = fail("list the members of group "+groupID, PermGroupMemberRead, err)
			if mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
				return nil, mfa.Wrap(mfa.ENotFound, err, "there is no group %s in the directory", groupID)
			}
			return nil, err
		}
		if res == nil {
			break
		}
		us = append(us, res.GetValue()...)
		next := res.GetOdataNextLink()
		if next == nil || *next == "" {
			break
		}
		// The nextLink carries the query; the headers still go.
		b, cfg = b.WithUrl(*next), &groups.ItemTransitiveMembersGraphUserRequestBuilderGetRequestConfiguration{Headers: eventual}
	}
	out := make([]mfa.User, 0, len(us))
	for _, u := range us {
		out = append(out, toUser(u))
	}
	return out, nil
}
