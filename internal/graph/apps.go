package graph

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// highPrivilegeAppRoles are application permissions that let an app take
// over the tenant or any account in it: change roles, credentials,
// authentication methods, groups or users, consent to more, or read and
// write every mailbox and file. Microsoft marks these as privileged
// permissions and documents app ownership as an escalation path (an owner
// adds a credential and acts as the app).
// https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/privileged-roles-permissions
// https://learn.microsoft.com/en-us/graph/permissions-reference
var highPrivilegeAppRoles = []string{
	"AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
	"DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All", "Domain.ReadWrite.All",
	"Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Organization.ReadWrite.All",
	"Policy.ReadWrite.AuthenticationMethod", "Policy.ReadWrite.ConditionalAccess", "Policy.ReadWrite.PermissionGrant",
	"PrivilegedAccess.ReadWrite.AzureADGroup", "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
	"PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup", "RoleAssignmentSchedule.ReadWrite.Directory",
	"RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory",
	"User.ReadWrite.All", "User-PasswordProfile.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All",
	"Mail.ReadWrite", "Mail.Send", "Files.ReadWrite.All", "Sites.FullControl.All", "Sites.ReadWrite.All",
	"full_access_as_app", "Exchange.ManageAsApp",
}

// defaultAccessRole is the app role id of an assignment that grants no
// permission (default access).
const defaultAccessRole = "00000000-0000-0000-0000-000000000000"

// application judges an owned application through its service principal
// in this tenant; an app without one holds nothing here.
func (r *privReader) application(o object) {
	appID, ok := o.str("appId")
	if !ok || appID == "" {
		r.unread("the application id of the app "+o.name()+" the user owns", nil)
		return
	}
	sps, err := r.d.listAll(r.ctx, "find the service principal of an app the user owns", PermAppRead,
		query("/servicePrincipals", "$filter", "appId eq '"+appID+"'", "$select", "id,displayName"))
	if err != nil {
		r.unread("the service principal of the app "+o.name()+" the user owns", err)
		return
	}
	for _, sp := range sps {
		id, _ := sp.str("id")
		r.servicePrincipal(id, "the app "+o.name())
	}
}

// servicePrincipal judges a service principal the user controls: directory
// roles assigned to it, and the application permissions granted to it.
func (r *privReader) servicePrincipal(spID, label string) {
	var (
		wg             sync.WaitGroup
		roles, grants  []object
		rolesE, grantE error
	)
	// The two listings do not depend on each other: one round trip.
	wg.Go(func() {
		roles, rolesE = r.d.listAll(r.ctx, "list the role assignments of "+label, PermRoleRead,
			query("/roleManagement/directory/roleAssignments", "$filter", "principalId eq '"+spID+"'", "$expand", "roleDefinition"))
	})
	// A service principal can own groups: whoever acts as it decides who
	// is in them (the bot's own groups, a role-assignable group, a group
	// nested in the bot's groups).
	wg.Go(func() { r.spOwned(spID, label) })
	grants, grantE = r.d.listAll(r.ctx, "list the permissions of "+label, PermAppRead, "/servicePrincipals/"+spID+"/appRoleAssignments")
	wg.Wait()
	var powers []string
	if rolesE != nil {
		r.unread("the directory roles of "+label+" the user owns", rolesE)
	}
	for _, a := range roles {
		powers = append(powers, roleLabel(a, time.Now()))
	}
	if grantE != nil {
		r.unread("the application permissions of "+label+" the user owns", grantE)
	}
	for _, g := range grants {
		roleID, _ := g.str("appRoleId")
		resID, _ := g.str("resourceId")
		if roleID == defaultAccessRole {
			continue
		}
		value, ok := r.appRoleValue(resID, roleID)
		if !ok {
			res, _ := g.str("resourceDisplayName")
			r.unread("the permission "+roleID+" that "+label+" holds on "+res, nil)
			continue
		}
		if slices.ContainsFunc(highPrivilegeAppRoles, func(p string) bool { return strings.EqualFold(p, value) }) {
			powers = append(powers, value)
		}
	}
	if len(powers) > 0 {
		slices.Sort(powers)
		r.add(&r.p.OwnedApps, label+" (holds "+strings.Join(slices.Compact(powers), ", ")+")")
	}
}

// appRoleValue resolves an app role id of a resource service principal to
// its permission name, reading the resource's app roles once.
func (r *privReader) appRoleValue(resourceID, roleID string) (string, bool) {
	r.mu.Lock()
	roles, ok := r.roles[resourceID]
	r.mu.Unlock()
	if !ok {
		o, err := r.d.getObject(r.ctx, "read the permissions of the resource "+resourceID, PermAppRead,
			query("/servicePrincipals/"+resourceID, "$select", "id,displayName,appRoles"))
		if err != nil {
			return "", false
		}
		roles = map[string]string{}
		list, _ := o["appRoles"].([]any)
		for _, x := range list {
			if ar, ok := x.(map[string]any); ok {
				id, _ := object(ar).str("id")
				v, _ := object(ar).str("value")
				roles[strings.ToLower(id)] = v
			}
		}
		r.mu.Lock()
		r.roles[resourceID] = roles
		r.mu.Unlock()
	}
	v, ok := roles[strings.ToLower(roleID)]
	return v, ok && v != ""
}

// spOwned judges the groups a service principal the user controls owns, as
// if the user owned them.
func (r *privReader) spOwned(spID, label string) {
	os, err := r.d.listAll(r.ctx, "list what "+label+" owns", PermAppRead,
		query("/servicePrincipals/"+spID+"/ownedObjects", "$select", "id,displayName,isAssignableToRole"))
	if err != nil {
		r.unread("what "+label+" (owned by the user) owns", err)
		return
	}
	for _, o := range os {
		if o.kind() != "group" {
			// Applications a service principal owns are not followed
			// (SECURITY.md, what is not covered).
			continue
		}
		id, _ := o.str("id")
		if r.group(o, "owner through "+label, " (owned by "+label+")") {
			r.nested(id, "owner of the nested group "+o.name()+" through "+label)
		}
	}
}
