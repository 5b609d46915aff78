package graph

import "strings"

// Permission is an application permission mfabot needs, and why.
type Permission struct {
	Feature    string
	Permission string
	Why        string
}

// Least-privileged application permissions per call, as each call's page
// on Microsoft Learn names them (cited at the call).
const (
	PermUserRead        = "User.Read.All"
	PermMethodsRead     = "UserAuthenticationMethod.Read.All"
	PermMethodsWrite    = "UserAuthenticationMethod.ReadWrite.All"
	PermRevokeSessions  = "User.RevokeSessions.All"
	PermGroupMemberRead = "GroupMember.Read.All"
	PermRoleRead        = "RoleManagement.Read.Directory"
	// PermRoleEligibilityRead reads roleEligibilitySchedules and their
	// instances. https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleeligibilityschedules
	PermRoleEligibilityRead = "RoleEligibilitySchedule.Read.Directory"
	// PermPIMGroupEligibilityRead reads PIM for Groups eligibility.
	// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroupeligibilityschedule-get
	PermPIMGroupEligibilityRead = "PrivilegedEligibilitySchedule.Read.AzureADGroup"
	// PermPIMGroupAssignmentRead reads PIM for Groups assignments.
	// https://learn.microsoft.com/en-us/graph/api/privilegedaccessgroup-list-assignmentscheduleinstances
	PermPIMGroupAssignmentRead = "PrivilegedAssignmentSchedule.Read.AzureADGroup"
	// PermAppRead reads service principals and the permissions granted to
	// them, and the groups they own.
	// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-approleassignments
	// https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-ownedobjects
	PermAppRead         = "Application.Read.All"
	PermMailSend        = "Mail.Send"
	PermHardwareOATH    = "UserAuthMethod-HardwareOATH.ReadWrite.All"
	PermPolicyRead      = "Policy.Read.All"
	PermTeamsAppInstall = "TeamsAppInstallation.ReadWriteSelfForUser.All"
)

// Permissions lists every application permission mfabot uses. It is the
// one source: the README's permission table is rendered from it (a test
// fails when they differ), and `mfabot check` names each.
var Permissions = []Permission{
	{"Find users (with their identities, to tell external members), their manager and what they own", PermUserRead,
		"GET /users/{id|upn}, /users?$filter=mail eq '…', /users/{id}/manager, /users/{id}/ownedObjects"},
	{"List authentication methods", PermMethodsRead, "GET /users/{id}/authentication/methods (covered by the ReadWrite permission)"},
	{"Delete methods, issue a Temporary Access Pass; register the smoke test's phone (mfabot check --write only)", PermMethodsWrite, "typed DELETE /users/{id}/authentication/{type}Methods/{id}, POST temporaryAccessPassMethods, POST phoneMethods"},
	{"List and unassign hardware OATH tokens (Graph beta, global cloud only)", PermHardwareOATH, "GET /beta/users/{id}/authentication/hardwareOathMethods, DELETE …/hardwareOathMethods/{id}; without it a reset ends partial, naming the tokens as unchecked"},
	{"Read the tenant's Temporary Access Pass policy (when passes are on)", PermPolicyRead, "GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"},
	{"Revoke sign-in sessions", PermRevokeSessions, "POST /users/{id}/revokeSignInSessions"},
	{"Group membership: the bot's groups, role-assignable groups, nested groups; the approvers to send requests to; an incident reset's group and its members", PermGroupMemberRead,
		"POST /users/{id}/checkMemberGroups, POST /groups/{id}/checkMemberGroups, GET /users/{id}/transitiveMemberOf, GET /groups/{id}, GET /groups?$filter=displayName eq '…', GET /groups/{id}/transitiveMembers/microsoft.graph.user"},
	{"Active directory roles of the user and of the apps they own, at any scope", PermRoleRead, "GET roleManagement/directory/roleAssignments"},
	{"PIM-eligible directory roles, now and starting later", PermRoleEligibilityRead,
		"GET roleManagement/directory/roleEligibilitySchedules, roleEligibilityScheduleInstances"},
	{"PIM for Groups: eligible membership or ownership", PermPIMGroupEligibilityRead,
		"GET identityGovernance/privilegedAccess/group/eligibilitySchedules, eligibilityScheduleInstances"},
	{"PIM for Groups: assigned membership or ownership", PermPIMGroupAssignmentRead,
		"GET identityGovernance/privilegedAccess/group/assignmentSchedules, assignmentScheduleInstances"},
	{"Apps and service principals the user owns, the permissions they hold and the groups they own", PermAppRead,
		"GET /servicePrincipals?$filter=appId eq '…', /servicePrincipals/{id}, /servicePrincipals/{id}/appRoleAssignments, /servicePrincipals/{id}/ownedObjects"},
	{"Notify users by mail (optional; grant it in Exchange Online RBAC for Applications, scoped to the sender mailbox — see Mail)", PermMailSend, "POST /users/{from}/sendMail"},
	{"Install mfabot for a target user so they can be asked 'Was this you?', or for an approver so they get requests (optional)", PermTeamsAppInstall,
		"POST /users/{id}/teamwork/installedApps, GET installedApps?$expand=teamsApp&$filter=teamsApp/id eq '…', GET installedApps/{id}/chat; lets the app install only itself"},
}

// PermissionTable renders Permissions as the README's Markdown table.
func PermissionTable() string {
	var b strings.Builder
	b.WriteString("| Feature | Permission | Calls |\n|---|---|---|\n")
	for _, p := range Permissions {
		b.WriteString("| " + p.Feature + " | `" + p.Permission + "` | " + strings.ReplaceAll(p.Why, "|", `\|`) + " |\n")
	}
	return b.String()
}
