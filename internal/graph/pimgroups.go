package graph

import (
	"strings"
	"sync"
	"time"
)

// pimGroupCollections are the PIM for Groups listings read for the user:
// schedules hold what is granted now and what starts later, instances
// what is in force now. Each needs a filter on principalId or groupId.
// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-eligibilityschedules
// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-eligibilityscheduleinstances
// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-assignmentschedules
// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-assignmentscheduleinstances
var pimGroupCollections = []struct{ coll, what, perm string }{
	{"eligibilitySchedules", "eligible", PermPIMGroupEligibilityRead},
	{"eligibilityScheduleInstances", "eligible", PermPIMGroupEligibilityRead},
	{"assignmentSchedules", "assigned", PermPIMGroupAssignmentRead},
	{"assignmentScheduleInstances", "assigned", PermPIMGroupAssignmentRead},
}

// pimGroups reads the user's PIM for Groups eligibility and assignments,
// then judges each group they lead to.
func (r *privReader) pimGroups() {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		hows = map[string][]string{} // group id → how the user gets in
	)
	for _, c := range pimGroupCollections {
		wg.Go(func() {
			op := "list the user's PIM for Groups " + c.coll
			os, err := r.d.listAll(r.ctx, op, c.perm, query("/identityGovernance/privilegedAccess/group/"+c.coll, "$filter", "principalId eq '"+r.userID+"'"))
			if err != nil {
				r.unread("the user's PIM for Groups "+c.coll, err)
				return
			}
			for _, o := range os {
				gid, _ := o.str("groupId")
				access, _ := o.str("accessId")
				if gid == "" || (access != "member" && access != "owner") {
					r.unread("a PIM for Groups "+c.coll+" entry without a group or access (member/owner)", nil)
					continue
				}
				how := c.what + " " + access
				if start, _ := o.str("startDateTime"); start != "" {
					if t, err := time.Parse(time.RFC3339, start); err == nil && t.After(time.Now()) {
						how += " from " + t.UTC().Format("2006-01-02")
					}
				}
				mu.Lock()
				hows[gid] = appendNew(hows[gid], how)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for gid, hs := range hows {
		how := "PIM for Groups: " + strings.Join(hs, ", ")
		r.spawn(func() { r.pimGroup(gid, how) })
	}
}

// pimGroup judges one group the user may join or own through PIM.
func (r *privReader) pimGroup(groupID, how string) {
	if r.isWatched(groupID) {
		r.watched(groupID, how)
		return
	}
	o, err := r.d.getObject(r.ctx, "read the group "+groupID, PermGroupMemberRead, query("/groups/"+groupID, "$select", "id,displayName,isAssignableToRole"))
	if err != nil {
		r.unread("the group "+groupID+" the user reaches through PIM for Groups", err)
		return
	}
	ra, ok := o.boolean("isAssignableToRole")
	switch {
	case !ok:
		r.unread("whether the group "+o.name()+" is role-assignable (isAssignableToRole missing)", nil)
	case ra:
		r.add(&r.p.EligibleGroups, o.name()+" ("+how+")")
	default:
		r.nested(groupID, how+" of the nested group "+o.name())
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
