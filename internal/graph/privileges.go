package graph

import (
	"context"
	"slices"
	"sync"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/rolemanagement"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/mfabot/mfabot/internal/mfa"
)

// maxPages bounds how many @odata.nextLink pages a listing follows.
const maxPages = 50

// page is an SDK collection response.
type page[T any] interface {
	GetValue() []T
	GetOdataNextLink() *string
}

// all collects every item of a paged listing: get fetches the first page
// for "" and the page at a nextLink otherwise.
func all[T any, P page[T]](get func(next string) (P, error)) ([]T, error) {
	var out []T
	next := ""
	for range maxPages {
		p, err := get(next)
		if err != nil {
			return nil, err
		}
		if any(p) == nil {
			return out, nil
		}
		out = append(out, p.GetValue()...)
		if p.GetOdataNextLink() == nil || *p.GetOdataNextLink() == "" {
			return out, nil
		}
		next = *p.GetOdataNextLink()
	}
	return out, nil
}

// Privileges reports the user's active directory roles (direct, through a
// group, or scoped), PIM-eligible roles, and the role-assignable groups the
// user is a member or owner of. The lookups run concurrently; any failure
// fails the whole answer, so the caller refuses.
func (d *Directory) Privileges(ctx context.Context, userID string) (mfa.Privileges, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		p        mfa.Privileges
	)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	add := func(list *[]string, names ...string) {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range names {
			if n != "" && !slices.Contains(*list, n) {
				*list = append(*list, n)
			}
		}
	}
	user := d.client.Users().ByUserId(userID)
	// Graph documents advanced query mode (ConsistencyLevel: eventual and
	// $count) as required with an OData cast on these listings.
	eventual := abstractions.NewRequestHeaders()
	eventual.Add("ConsistencyLevel", "eventual")
	count := true
	filter := "principalId eq '" + userID + "'"

	run(func() error { // activated roles, including those held through groups
		roles, err := all(func(next string) (models.DirectoryRoleCollectionResponseable, error) {
			b := user.TransitiveMemberOf().GraphDirectoryRole()
			if next != "" {
				b = b.WithUrl(next)
			}
			return b.Get(ctx, &users.ItemTransitiveMemberOfGraphDirectoryRoleRequestBuilderGetRequestConfiguration{
				Headers:         eventual,
				QueryParameters: &users.ItemTransitiveMemberOfGraphDirectoryRoleRequestBuilderGetQueryParameters{Count: &count},
			})
		})
		if err != nil {
			return fail("list the user's directory roles", PermRoleRead, err)
		}
		for _, r := range roles {
			add(&p.ActiveRoles, str(r.GetDisplayName()))
		}
		return nil
	})
	run(func() error { // direct assignments, including scoped and custom roles
		as, err := all(func(next string) (models.UnifiedRoleAssignmentCollectionResponseable, error) {
			b := d.client.RoleManagement().Directory().RoleAssignments()
			if next != "" {
				b = b.WithUrl(next)
			}
			return b.Get(ctx, &rolemanagement.DirectoryRoleAssignmentsRequestBuilderGetRequestConfiguration{
				QueryParameters: &rolemanagement.DirectoryRoleAssignmentsRequestBuilderGetQueryParameters{Filter: &filter, Expand: []string{"roleDefinition"}},
			})
		})
		if err != nil {
			return fail("list the user's role assignments", PermRoleRead, err)
		}
		for _, a := range as {
			add(&p.ActiveRoles, roleName(a.GetRoleDefinition(), a.GetRoleDefinitionId()))
		}
		return nil
	})
	run(func() error { // PIM-eligible roles
		es, err := all(func(next string) (models.UnifiedRoleEligibilityScheduleInstanceCollectionResponseable, error) {
			b := d.client.RoleManagement().Directory().RoleEligibilityScheduleInstances()
			if next != "" {
				b = b.WithUrl(next)
			}
			return b.Get(ctx, &rolemanagement.DirectoryRoleEligibilityScheduleInstancesRequestBuilderGetRequestConfiguration{
				QueryParameters: &rolemanagement.DirectoryRoleEligibilityScheduleInstancesRequestBuilderGetQueryParameters{Filter: &filter, Expand: []string{"roleDefinition"}},
			})
		})
		if err != nil {
			return fail("list the user's eligible (PIM) roles", PermRoleRead, err)
		}
		for _, e := range es {
			add(&p.EligibleRoles, roleName(e.GetRoleDefinition(), e.GetRoleDefinitionId()))
		}
		return nil
	})
	groupSel := []string{"id", "displayName", "isAssignableToRole"}
	run(func() error { // role-assignable groups the user is in
		gs, err := all(func(next string) (models.GroupCollectionResponseable, error) {
			b := user.TransitiveMemberOf().GraphGroup()
			if next != "" {
				b = b.WithUrl(next)
			}
			return b.Get(ctx, &users.ItemTransitiveMemberOfGraphGroupRequestBuilderGetRequestConfiguration{
				Headers:         eventual,
				QueryParameters: &users.ItemTransitiveMemberOfGraphGroupRequestBuilderGetQueryParameters{Select: groupSel, Count: &count},
			})
		})
		if err != nil {
			return fail("list the user's groups", PermGroupMemberRead, err)
		}
		add(&p.RoleAssignableGroups, roleAssignable(gs)...)
		return nil
	})
	run(func() error { // role-assignable groups the user owns
		gs, err := all(func(next string) (models.GroupCollectionResponseable, error) {
			b := user.OwnedObjects().GraphGroup()
			if next != "" {
				b = b.WithUrl(next)
			}
			return b.Get(ctx, &users.ItemOwnedObjectsGraphGroupRequestBuilderGetRequestConfiguration{
				Headers:         eventual,
				QueryParameters: &users.ItemOwnedObjectsGraphGroupRequestBuilderGetQueryParameters{Select: groupSel, Count: &count},
			})
		})
		if err != nil {
			return fail("list the groups the user owns", PermGroupMemberRead, err)
		}
		add(&p.RoleAssignableGroups, roleAssignable(gs)...)
		return nil
	})
	wg.Wait()
	if firstErr != nil {
		return mfa.Privileges{}, firstErr
	}
	slices.Sort(p.ActiveRoles)
	slices.Sort(p.EligibleRoles)
	slices.Sort(p.RoleAssignableGroups)
	return p, nil
}

func roleName(def models.UnifiedRoleDefinitionable, id *string) string {
	if def != nil && def.GetDisplayName() != nil && *def.GetDisplayName() != "" {
		return *def.GetDisplayName()
	}
	if id != nil && *id != "" {
		return "role " + *id
	}
	return "an unnamed role"
}

func roleAssignable(gs []models.Groupable) []string {
	var out []string
	for _, g := range gs {
		if a := g.GetIsAssignableToRole(); a != nil && *a {
			name := str(g.GetDisplayName())
			if name == "" {
				name = str(g.GetId())
			}
			out = append(out, name)
		}
	}
	return out
}

// IsMemberOf reports whether the user is a transitive member of the group.
func (d *Directory) IsMemberOf(ctx context.Context, userID, groupID string) (bool, error) {
	body := users.NewItemCheckMemberGroupsPostRequestBody()
	body.SetGroupIds([]string{groupID})
	res, err := d.client.Users().ByUserId(userID).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, body, nil)
	if err != nil {
		return false, fail("check group membership", PermGroupMemberRead, err)
	}
	return res != nil && slices.Contains(res.GetValue(), groupID), nil
}
