package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"net/url"
	"strconv"
	"strings"

	abstractions "github.com/microsoft/kiota-abstractions-go"

	"github.com/mfabot/mfabot/internal/mfa"
)

// FindGroup resolves a group by object id or by exact display name.
//
// An object id is read with GET /groups/{id}?$select=id,displayName
// (https://learn.microsoft.com/en-us/graph/api/group-get; least privileged
// application permission GroupMember.Read.All); 404 is ENotFound.
//
// Anything else is a display name, listed with
// GET /groups?$filter=displayName eq '…'&$select=id,displayName, every page
// (https://learn.microsoft.com/en-us/graph/api/group-list, same
// permission). A single quote in the name is doubled, as OData string
// literals escape it. eq on a group's displayName is one of the filters
// Graph serves by default, without ConsistencyLevel: eventual and $count
// ("Default+Advanced" in the group properties table of
// https://learn.microsoft.com/en-us/graph/aad-advanced-queries), so the
// listing reads the directory as it is now, not an index that may lag
// behind. No group is ENotFound; several are EInvalid, naming how many and
// asking for the object id.
func (d *Directory) FindGroup(ctx context.Context, key string) (mfa.Group, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return mfa.Group{}, mfa.Errorf(mfa.EInvalid, "name a group by its object id or display name")
	}
	if mfa.IsObjectID(key) {
		o, err := d.getObject(ctx, "read the group "+key, PermGroupMemberRead, query("/groups/"+key, "$select", "id,displayName"))
		if err != nil {
			if mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
				return mfa.Group{}, mfa.Wrap(mfa.ENotFound, err, "there is no group %s in the directory", key)
			}
			return mfa.Group{}, err
		}
		id, _ := o.str("id")
		if id == "" {
			return mfa.Group{}, &mfa.DirectoryError{Op: "read the group " + key, Reason: mfa.ReasonUnexpected, Message: "the group has no id"}
		}
		name, _ := o.str("displayName")
		return mfa.Group{ID: id, Name: name}, nil
	}
	filter := "displayName eq '" + strings.ReplaceAll(key, "'", "''") + "'"
	os, err := d.listAll(ctx, fmt.Sprintf("find the group named %q", key), PermGroupMemberRead,
		query("/groups", "$filter", filter, "$select", "id,displayName"))
	if err != nil {
		return mfa.Group{}, err
	}
	switch len(os) {
	case 0:
		return mfa.Group{}, mfa.Errorf(mfa.ENotFound, "there is no group named %q in the directory", key)
	case 1:
		id, _ := os[0].str("id")
		name, _ := os[0].str("displayName")
		if id == "" {
			return mfa.Group{}, &mfa.DirectoryError{Op: fmt.Sprintf("find the group named %q", key), Reason: mfa.ReasonUnexpected, Message: "the group has no id"}
		}
		return mfa.Group{ID: id, Name: name}, nil
	}
	return mfa.Group{}, mfa.Errorf(mfa.EInvalid, "%d groups are named %q: use the group's object id", len(os), key)
}

// memberPage is the page size asked for: Graph's maximum for
// transitiveMembers (the default is 100).
const memberPage = 999

// EachGroupMember calls f with every user who is a transitive member of
// the group, one page at a time as Graph answers it:
// GET /groups/{id}/transitiveMembers/microsoft.graph.user?$top=999
// (https://learn.microsoft.com/en-us/graph/api/group-list-transitivemembers,
// least privileged application permission GroupMember.Read.All). The OData
// cast needs advanced query mode (ConsistencyLevel: eventual and $count;
// "Use OData cast with transitive members list" in
// https://learn.microsoft.com/en-us/graph/aad-advanced-queries).
//
// Every @odata.nextLink is followed, with no page cap: a listing cut short
// would leave users out without saying so. A page that fails fails the
// listing (after the users of the pages before it were handed to f), and
// so does a nextLink seen before, which would never end. Only one page is
// held at a time, decoded straight into the properties mfabot reads (the
// SDK's models cost ten times the time and memory, 30 MB a page); the
// links seen are kept as 64-bit hashes. An error from f stops the listing
// and is returned as it is.
func (d *Directory) EachGroupMember(ctx context.Context, groupID string, f func(mfa.User) error) error {
	op := "list the members of group " + groupID
	next := d.base + "/v1.0" + query("/groups/"+url.PathEscape(groupID)+"/transitiveMembers/microsoft.graph.user",
		"$select", strings.Join(userFields, ","), "$count", "true", "$top", strconv.Itoa(memberPage))
	seed := maphash.MakeSeed()
	seen := map[uint64]bool{}
	for page := 1; ; page++ {
		pageOp := op
		if page > 1 {
			pageOp = fmt.Sprintf("%s (page %d)", op, page)
		}
		b, err := d.send(ctx, abstractions.GET, next, nil, "ConsistencyLevel", "eventual")
		if err != nil {
			err = fail(pageOp, PermGroupMemberRead, err)
			if page == 1 && mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
				return mfa.Wrap(mfa.ENotFound, err, "there is no group %s in the directory", groupID)
			}
			return err
		}
		var p struct {
			Value    *[]rawUser `json:"value"`
			NextLink string     `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(b, &p); err != nil || p.Value == nil {
			return &mfa.DirectoryError{Op: pageOp, Reason: mfa.ReasonUnexpected, Message: "the answer has no value list"}
		}
		for _, u := range *p.Value {
			if err := f(u.user()); err != nil {
				return err
			}
		}
		if p.NextLink == "" {
			return nil
		}
		h := maphash.String(seed, p.NextLink)
		if seen[h] {
			return &mfa.DirectoryError{Op: op, Reason: mfa.ReasonUnexpected, Message: fmt.Sprintf("page %d links back to an earlier page", page+1)}
		}
		seen[h] = true
		next = p.NextLink // it carries the query; the header still goes
	}
}

// rawUser is a user as Graph answers userFields; toUser's twin for raw
// pages.
type rawUser struct {
	ID                string  `json:"id"`
	UPN               string  `json:"userPrincipalName"`
	Mail              *string `json:"mail"`
	DisplayName       *string `json:"displayName"`
	JobTitle          *string `json:"jobTitle"`
	Department        *string `json:"department"`
	AccountEnabled    *bool   `json:"accountEnabled"`
	UserType          *string `json:"userType"`
	CreationType      *string `json:"creationType"`
	ExternalUserState *string `json:"externalUserState"`
	Identities        []struct {
		Issuer *string `json:"issuer"`
	} `json:"identities"`
}

func (u rawUser) user() mfa.User {
	out := mfa.User{ID: u.ID, UPN: u.UPN, Mail: str(u.Mail), DisplayName: str(u.DisplayName), JobTitle: str(u.JobTitle),
		Department: str(u.Department), UserType: str(u.UserType), CreationType: str(u.CreationType), ExternalUserState: str(u.ExternalUserState)}
	if u.AccountEnabled != nil {
		out.AccountEnabled = *u.AccountEnabled
	}
	for _, id := range u.Identities {
		if str(id.Issuer) != "" {
			out.Issuers = append(out.Issuers, str(id.Issuer))
		}
	}
	return out
}
