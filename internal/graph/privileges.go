package graph

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Privileges reads every path from the user to power, completely and with
// strong consistency (no ConsistencyLevel: eventual, no OData casts, which
// need it; every page):
//
//   - directory roles held now, directly or through a group, at any scope
//     (transitiveMemberOf, roleAssignments);
//   - PIM eligibility for a directory role, now or starting later
//     (roleEligibilitySchedules and roleEligibilityScheduleInstances);
//   - membership or ownership of role-assignable groups, active
//     (transitiveMemberOf, ownedObjects) or through PIM for Groups, eligible
//     or assigned, now or later (privilegedAccess/group schedules and
//     instances);
//   - membership or ownership of the watched groups (the bot's own), direct,
//     nested (an owner of a group inside a watched group controls its
//     members) or through PIM for Groups;
//   - ownership of applications and service principals that hold a
//     directory role or a high-privilege application permission.
//
// Every lookup runs concurrently; a failed lookup, a listing that cannot
// be read to its end, a missing property (isAssignableToRole missing is
// not false) or an object of no known type is named in Unread, and the
// error is non-nil: the domain refuses.
func (d *Directory) Privileges(ctx context.Context, userID string, watch []string) (mfa.Privileges, error) {
	r := &privReader{d: d, ctx: ctx, userID: userID, watch: map[string]bool{}, roles: map[string]map[string]string{}}
	for _, id := range watch {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" && !slices.Contains(r.watchList, id) {
			r.watch[id] = true
			r.watchList = append(r.watchList, id)
		}
	}
	r.spawn(r.memberships)
	r.spawn(r.owned)
	r.spawn(r.directRoles)
	r.spawn(func() { r.eligibleRoles("roleEligibilitySchedules", "list the user's eligible (PIM) role schedules") })
	r.spawn(func() {
		r.eligibleRoles("roleEligibilityScheduleInstances", "list the user's eligible (PIM) role instances")
	})
	r.spawn(r.pimGroups)
	r.wg.Wait()
	p := r.p
	for _, l := range [][]string{p.ActiveRoles, p.EligibleRoles, p.RoleAssignableGroups, p.EligibleGroups, p.OwnedApps, p.Unread} {
		slices.Sort(l)
	}
	slices.SortFunc(p.Watched, func(a, b mfa.GroupPath) int { return strings.Compare(a.GroupID+a.How, b.GroupID+b.How) })
	return p, errors.Join(r.errs...)
}

// privReader gathers one user's privileges from concurrent lookups.
type privReader struct {
	d         *Directory
	ctx       context.Context
	userID    string
	watch     map[string]bool
	watchList []string

	wg    sync.WaitGroup
	mu    sync.Mutex
	p     mfa.Privileges
	errs  []error
	roles map[string]map[string]string // resource service principal id → app role id → value
}

func (r *privReader) spawn(f func()) { r.wg.Go(f) }

// unread records what could not be read and why.
func (r *privReader) unread(what string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		err = &mfa.DirectoryError{Op: what, Reason: mfa.ReasonUnexpected, Message: "incomplete answer"}
		r.p.Unread = append(r.p.Unread, what)
	} else {
		r.p.Unread = append(r.p.Unread, what+": "+mfa.Message(err))
	}
	r.errs = append(r.errs, err)
}

func (r *privReader) add(list *[]string, item string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(*list, item) {
		*list = append(*list, item)
	}
}

func (r *privReader) watched(groupID, how string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	gp := mfa.GroupPath{GroupID: strings.ToLower(groupID), How: how}
	if !slices.Contains(r.p.Watched, gp) {
		r.p.Watched = append(r.p.Watched, gp)
	}
}

func (r *privReader) isWatched(id string) bool { return r.watch[strings.ToLower(id)] }

func (r *privReader) userPath(rest string) string { return "/users/" + r.userID + rest }

// memberships reads the user's transitive memberships, uncast: groups,
// directory roles and administrative units, each with its type.
func (r *privReader) memberships() {
	op := "list the user's groups and directory roles"
	os, err := r.d.listAll(r.ctx, op, PermGroupMemberRead, query(r.userPath("/transitiveMemberOf"), "$select", "id,displayName,isAssignableToRole"))
	if err != nil {
		r.unread("the user's groups and directory roles", err)
		return
	}
	for _, o := range os {
		id, _ := o.str("id")
		switch o.kind() {
		case "directoryRole":
			name, _ := o.str("displayName")
			if name == "" {
				name = "directory role " + id + " (its name could not be read)"
			}
			r.add(&r.p.ActiveRoles, name)
		case "group":
			r.group(o, "member", "")
		case "administrativeUnit":
			// Membership of an administrative unit grants nothing.
		default:
			r.unread("the type of the membership "+id+" ("+o.kind()+")", nil)
		}
	}
}

// group judges a group the user reaches as how ("member", "owner"); label
// is added to role-assignable group names ("" or " (owner)"). It reports
// whether the group needs a nested check (not watched, not role-assignable).
func (r *privReader) group(o object, how, label string) bool {
	id, _ := o.str("id")
	if r.isWatched(id) {
		r.watched(id, how)
		return false
	}
	ra, ok := o.boolean("isAssignableToRole")
	switch {
	case !ok:
		r.unread("whether the group "+o.name()+" is role-assignable (isAssignableToRole missing)", nil)
	case ra:
		r.add(&r.p.RoleAssignableGroups, o.name()+label)
	default:
		return true
	}
	return false
}

// owned reads what the user owns: groups, applications, service principals.
func (r *privReader) owned() {
	os, err := r.d.listAll(r.ctx, "list what the user owns", PermUserRead, query(r.userPath("/ownedObjects"), "$select", "id,displayName,isAssignableToRole,appId"))
	if err != nil {
		r.unread("what the user owns", err)
		return
	}
	for _, o := range os {
		id, _ := o.str("id")
		switch o.kind() {
		case "group":
			if r.group(o, "owner", " (owner)") {
				r.spawn(func() { r.nested(id, "owner of the nested group "+o.name()) })
			}
		case "application":
			r.spawn(func() { r.application(o) })
		case "servicePrincipal":
			r.spawn(func() { r.servicePrincipal(id, "the service principal "+o.name()) })
		default:
			// Devices and other objects an owner controls grant no role.
		}
	}
}

// nested checks whether a group the user controls sits inside a watched
// group: its owner decides who is in it, and so who may request or approve.
func (r *privReader) nested(groupID, how string) {
	if len(r.watchList) == 0 {
		return
	}
	o, err := r.d.postObject(r.ctx, "check whether a group is inside mfabot's groups", PermGroupMemberRead,
		"/groups/"+groupID+"/checkMemberGroups", map[string]any{"groupIds": r.watchList})
	if err != nil {
		r.unread("whether the group "+groupID+" is inside mfabot's groups", err)
		return
	}
	ids, ok := o["value"].([]any)
	if !ok {
		r.unread("whether the group "+groupID+" is inside mfabot's groups (no value list)", nil)
		return
	}
	for _, v := range ids {
		if id, _ := v.(string); r.isWatched(id) {
			r.watched(id, how)
		}
	}
}

// roleLabel names a role assignment or eligibility: the role's name (or
// its id when the definition cannot be read) and its scope when it is not
// the whole tenant.
func roleLabel(o object, now time.Time) string {
	name := ""
	if def, ok := o["roleDefinition"].(map[string]any); ok {
		name, _ = object(def).str("displayName")
	}
	if name == "" {
		id, _ := o.str("roleDefinitionId")
		if id == "" {
			id = "of unknown definition"
		}
		name = "role " + id + " (its name could not be read)"
	}
	if scope, _ := o.str("directoryScopeId"); scope != "" && scope != "/" {
		name += " (scope " + scope + ")"
	}
	if start, _ := o.str("startDateTime"); start != "" {
		if t, err := time.Parse(time.RFC3339, start); err == nil && t.After(now) {
			name += " (from " + t.UTC().Format("2006-01-02") + ")"
		}
	}
	return name
}

func (r *privReader) principalFilter(id string) []string {
	return []string{"$filter", "principalId eq '" + id + "'", "$expand", "roleDefinition"}
}

// directRoles reads role assignments to the user, at every scope.
func (r *privReader) directRoles() {
	as, err := r.d.listAll(r.ctx, "list the user's role assignments", PermRoleRead,
		query("/roleManagement/directory/roleAssignments", r.principalFilter(r.userID)...))
	if err != nil {
		r.unread("the user's directory role assignments", err)
		return
	}
	for _, a := range as {
		r.add(&r.p.ActiveRoles, roleLabel(a, time.Now()))
	}
}

// eligibleRoles reads PIM role eligibility: schedules (now and later) or
// instances (now).
func (r *privReader) eligibleRoles(coll, op string) {
	es, err := r.d.listAll(r.ctx, op, PermRoleEligibilityRead, query("/roleManagement/directory/"+coll, r.principalFilter(r.userID)...))
	if err != nil {
		r.unread("the user's eligible (PIM) directory roles ("+coll+")", err)
		return
	}
	for _, e := range es {
		r.add(&r.p.EligibleRoles, roleLabel(e, time.Now()))
	}
}
