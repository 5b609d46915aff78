package graphfake

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

func groupJSON(g *Group) map[string]any {
	if g.Limited {
		return map[string]any{"@odata.type": "#microsoft.graph.group", "id": g.ID, "displayName": nil, "isAssignableToRole": nil}
	}
	return map[string]any{"@odata.type": "#microsoft.graph.group", "id": g.ID, "displayName": g.DisplayName,
		"isAssignableToRole": g.IsAssignableToRole, "securityEnabled": true, "mailEnabled": false}
}

func roleJSON(r Role) map[string]any {
	return map[string]any{"@odata.type": "#microsoft.graph.directoryRole", "id": r.ID, "displayName": r.DisplayName,
		"roleTemplateId": r.TemplateID, "description": r.DisplayName + " role"}
}

// transitiveMemberOf lists groups and directory roles, optionally cast.
func (s *Server) transitiveMemberOf(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	cast, ok := castType(r.PathValue("cast"))
	if !ok || (cast != "" && cast != "group" && cast != "directoryRole") {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("cast")+"'.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var items []map[string]any
	if u != nil {
		if cast != "directoryRole" {
			for _, id := range s.groupsOf(u.ID) {
				items = append(items, groupJSON(s.groups[id]))
			}
		}
		if cast != "group" {
			for _, role := range s.rolesOf(u.ID) {
				items = append(items, roleJSON(role))
			}
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	collection(w, r, "directoryObjects", selectObjects(r, items))
}

// ownedObjects lists what the user owns: groups, applications and service
// principals, uncast or cast to one type.
// https://learn.microsoft.com/en-us/graph/api/user-list-ownedobjects
func (s *Server) ownedObjects(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	cast, ok := castType(r.PathValue("cast"))
	if !ok || (cast != "" && cast != "group" && cast != "application" && cast != "servicePrincipal") {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("cast")+"'.")
		return
	}
	s.mu.Lock()
	u := s.user(key)
	var items []map[string]any
	if u != nil {
		if cast == "" || cast == "group" {
			for _, id := range s.ix.owns[u.ID] {
				items = append(items, groupJSON(s.groups[id]))
			}
		}
		if cast == "" || cast == "application" {
			for _, a := range positions(s.apps, s.ix.apps[u.ID]) {
				items = append(items, map[string]any{"@odata.type": "#microsoft.graph.application", "id": a.ID, "appId": a.AppID, "displayName": a.DisplayName})
			}
		}
		if cast == "" || cast == "servicePrincipal" {
			for _, sp := range positions(s.sps, s.ix.sps[u.ID]) {
				items = append(items, spJSON(sp))
			}
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	collection(w, r, "directoryObjects", selectObjects(r, items))
}

// selectObjects applies $select to a collection of directory objects of
// several types: each keeps @odata.type and those selected properties its
// type has.
func selectObjects(r *http.Request, items []map[string]any) []map[string]any {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return items
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		o := map[string]any{"@odata.type": it["@odata.type"]}
		for _, k := range strings.Split(sel, ",") {
			if v, ok := it[strings.TrimSpace(k)]; ok {
				o[strings.TrimSpace(k)] = v
			}
		}
		out[i] = o
	}
	return out
}

// principalFilter reads "$filter=principalId eq '…'" (required here).
func principalFilter(w http.ResponseWriter, r *http.Request) (string, bool) {
	cs, err := parseEqFilter(r.URL.Query().Get("$filter"), "principalId")
	if err != nil || len(cs) != 1 {
		msg := "A filter on principalId is required."
		if err != nil {
			msg = err.Error()
		}
		writeError(w, r, http.StatusBadRequest, "BadRequest", msg)
		return "", false
	}
	return cs[0].value, true
}

func expandsRoleDefinition(r *http.Request) bool {
	return strings.Contains(r.URL.Query().Get("$expand"), "roleDefinition")
}

func roleDefinitionJSON(templateID, name string) map[string]any {
	var dn any
	if name != "" {
		dn = name
	}
	return map[string]any{"id": templateID, "templateId": templateID, "displayName": dn, "isBuiltIn": true, "isEnabled": true}
}

// roleAssignments lists a principal's direct role assignments: the
// tenant-wide members of activated roles, and the scoped assignments.
// https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleassignments
func (s *Server) roleAssignments(w http.ResponseWriter, r *http.Request) {
	pid, ok := principalFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, role := range positions(s.roles, s.ix.roles[pid]) {
		items = append(items, roleItem(r, role.TemplateID+"_"+pid, pid, role.TemplateID, role.DisplayName, "/", time.Time{}))
	}
	for _, a := range positions(s.assigns, s.ix.assigns[pid]) {
		items = append(items, roleItem(r, a.ID, pid, a.RoleTemplateID, a.RoleName, a.Scope, time.Time{}))
	}
	s.mu.Unlock()
	collection(w, r, "roleManagement/directory/roleAssignments", items)
}

// roleItem is a role assignment, eligibility or schedule as Graph answers
// it, with its roleDefinition when $expand asks for it.
func roleItem(r *http.Request, id, pid, templateID, name, scope string, start time.Time) map[string]any {
	if scope == "" {
		scope = "/"
	}
	it := map[string]any{"id": id, "principalId": pid, "roleDefinitionId": templateID, "directoryScopeId": scope, "appScopeId": nil}
	if !start.IsZero() {
		it["startDateTime"] = start.UTC().Format(time.RFC3339)
	}
	if expandsRoleDefinition(r) {
		it["roleDefinition"] = roleDefinitionJSON(templateID, name)
	}
	return it
}

// eligibilityInstances lists a principal's PIM-eligible role assignments
// in force now (instances) or, for schedules, also those that start later.
// https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleeligibilityscheduleinstances
// https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleeligibilityschedules
func (s *Server) eligibilityInstances(w http.ResponseWriter, r *http.Request) {
	s.eligibility(w, r, false)
}

func (s *Server) eligibilitySchedules(w http.ResponseWriter, r *http.Request) {
	s.eligibility(w, r, true)
}

func (s *Server) eligibility(w http.ResponseWriter, r *http.Request, schedules bool) {
	pid, ok := principalFilter(w, r)
	if !ok {
		return
	}
	now := s.opts.Now()
	s.mu.Lock()
	var items []map[string]any
	for _, e := range positions(s.eligible, s.ix.eligible[pid]) {
		if !schedules && e.Start.After(now) {
			continue
		}
		start := e.Start
		if start.IsZero() {
			start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		it := roleItem(r, e.ID, pid, e.RoleTemplateID, e.RoleName, e.Scope, start)
		it["memberType"] = "Direct"
		items = append(items, it)
	}
	s.mu.Unlock()
	coll := "roleEligibilityScheduleInstances"
	if schedules {
		coll = "roleEligibilitySchedules"
	}
	collection(w, r, "roleManagement/directory/"+coll, items)
}

// checkMemberGroups answers which of up to 20 groups the user is a
// transitive member of.
func (s *Server) checkMemberGroups(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	s.memberGroups(w, r, func() (string, bool) {
		if u := s.user(key); u != nil {
			return u.ID, true
		}
		return "", false
	}, func() { notFoundUser(w, r, key) })
}

// memberGroups answers checkMemberGroups for the object resolve names
// (called with s.mu held): which of up to 20 groups it is a transitive
// member of, ids compared without case as Graph compares its GUIDs.
// https://learn.microsoft.com/en-us/graph/api/directoryobject-checkmembergroups
func (s *Server) memberGroups(w http.ResponseWriter, r *http.Request, resolve func() (string, bool), notFound func()) {
	var body struct {
		GroupIDs []string `json:"groupIds"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if len(body.GroupIDs) == 0 || len(body.GroupIDs) > 20 {
		writeError(w, r, http.StatusBadRequest, "Request_BadRequest", "groupIds must hold between 1 and 20 ids.")
		return
	}
	s.mu.Lock()
	id, ok := resolve()
	in := []string{}
	if ok {
		all := s.groupsOf(id)
		for _, gid := range body.GroupIDs {
			if slices.ContainsFunc(all, func(x string) bool { return strings.EqualFold(x, gid) }) {
				in = append(in, gid)
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		notFound()
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/" + version(r) + "/$metadata#Collection(Edm.String)", "value": in})
}
