package graph

import (
	"slices"
	"strings"
)

// callPermissions is the least-privileged application permission of every
// Graph call mfabot makes, by route as the fake Graph records it (method,
// version, path with the user and object ids as {names}; see
// graphfake.SeenRoutes). A test derives the calls from the fake's request
// log and fails on a call missing here, or whose permission is missing from
// Permissions (and so from the README's table).
var callPermissions = func() map[string]string {
	m := map[string]string{
		"GET /v1.0/users":                                   PermUserRead,
		"GET /v1.0/users/{user}":                            PermUserRead,
		"GET /v1.0/users/{user}/manager":                    PermUserRead,
		"GET /v1.0/users/{user}/ownedObjects":               PermUserRead,
		"GET /v1.0/users/{user}/ownedObjects/{cast}":        PermUserRead,
		"POST /v1.0/users/{user}/revokeSignInSessions":      PermRevokeSessions,
		"POST /v1.0/users/{user}/checkMemberGroups":         PermGroupMemberRead,
		"GET /v1.0/users/{user}/transitiveMemberOf":         PermGroupMemberRead,
		"GET /v1.0/users/{user}/transitiveMemberOf/{cast}":  PermGroupMemberRead,
		"GET /v1.0/groups":                                  PermGroupMemberRead,
		"GET /v1.0/groups/{group}":                          PermGroupMemberRead,
		"POST /v1.0/groups/{group}/checkMemberGroups":       PermGroupMemberRead,
		"GET /v1.0/groups/{group}/transitiveMembers/{cast}": PermGroupMemberRead,
		"POST /v1.0/users/{user}/sendMail":                  PermMailSend,
		"GET /v1.0/users/{user}/authentication/methods":     PermMethodsRead,
		"GET /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass": PermPolicyRead,
		"GET /beta/users/{user}/authentication/hardwareOathMethods":                                             PermHardwareOATH,
		"DELETE /beta/users/{user}/authentication/hardwareOathMethods/{id}":                                     PermHardwareOATH,
		"GET /v1.0/roleManagement/directory/roleAssignments":                                                    PermRoleRead,
		"GET /v1.0/roleManagement/directory/roleEligibilitySchedules":                                           PermRoleEligibilityRead,
		"GET /v1.0/roleManagement/directory/roleEligibilityScheduleInstances":                                   PermRoleEligibilityRead,
		"GET /v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules":                              PermPIMGroupEligibilityRead,
		"GET /v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances":                      PermPIMGroupEligibilityRead,
		"GET /v1.0/identityGovernance/privilegedAccess/group/assignmentSchedules":                               PermPIMGroupAssignmentRead,
		"GET /v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleInstances":                       PermPIMGroupAssignmentRead,
		"GET /v1.0/servicePrincipals":                                                                           PermAppRead,
		"GET /v1.0/servicePrincipals/{sp}":                                                                      PermAppRead,
		"GET /v1.0/servicePrincipals/{sp}/appRoleAssignments":                                                   PermAppRead,
		"GET /v1.0/servicePrincipals/{sp}/ownedObjects":                                                         PermAppRead,
		"GET /v1.0/users/{user}/teamwork/installedApps":                                                         PermTeamsAppInstall,
		"POST /v1.0/users/{user}/teamwork/installedApps":                                                        PermTeamsAppInstall,
		"GET /v1.0/users/{user}/teamwork/installedApps/{installation}/chat":                                     PermTeamsAppInstall,
		"POST /v1.0/users/{user}/authentication/temporaryAccessPassMethods":                                     PermMethodsWrite,
		"POST /v1.0/users/{user}/authentication/phoneMethods":                                                   PermMethodsWrite,
	}
	// Typed method collections: read with the read permission, deleted
	// with the write one.
	for _, c := range []string{"phone", "microsoftAuthenticator", "softwareOath", "fido2", "email",
		"windowsHelloForBusiness", "temporaryAccessPass", "platformCredential"} {
		m["GET /v1.0/users/{user}/authentication/"+c+"Methods"] = PermMethodsRead
		m["DELETE /v1.0/users/{user}/authentication/"+c+"Methods/{id}"] = PermMethodsWrite
	}
	return m
}()

// CheckCalls returns, for each route (as graphfake.SeenRoutes gives them),
// what is wrong: a call with no least-privileged permission recorded, or
// whose permission the Permissions table (the README's) does not list.
func CheckCalls(routes []string) []string {
	listed := map[string]bool{}
	for _, p := range Permissions {
		listed[p.Permission] = true
	}
	var out []string
	for _, r := range routes {
		p, ok := callPermissions[r]
		switch {
		case !ok:
			out = append(out, r+": no least-privileged permission recorded for this call (internal/graph/calls.go)")
		case !listed[p]:
			out = append(out, r+": needs "+p+", which the permission table does not list")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PermissionFor returns the least-privileged permission of a route.
func PermissionFor(route string) (string, bool) {
	p, ok := callPermissions[strings.TrimSpace(route)]
	return p, ok
}
