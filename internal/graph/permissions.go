package graph

// Permission is an application permission mfabot needs, and why.
type Permission struct {
	Feature    string
	Permission string
	Why        string
}

// Least-privileged application permissions per call.
const (
	PermUserRead        = "User.Read.All"
	PermMethodsRead     = "UserAuthenticationMethod.Read.All"
	PermMethodsWrite    = "UserAuthenticationMethod.ReadWrite.All"
	PermRevokeSessions  = "User.RevokeSessions.All"
	PermGroupMemberRead = "GroupMember.Read.All"
	PermRoleRead        = "RoleManagement.Read.Directory"
	PermMailSend        = "Mail.Send"
	PermHardwareOATH    = "UserAuthMethod-HardwareOATH.ReadWrite.All"
	PermTeamsAppInstall = "TeamsAppInstallation.ReadWriteSelfForUser.All"
)

// Permissions lists every application permission mfabot uses, for the
// README and for setup checks.
var Permissions = []Permission{
	{"Find users and their manager", PermUserRead, "GET /users/{id|upn}, /users?$filter=mail eq '…', /users/{id}/manager"},
	{"List authentication methods", PermMethodsRead, "GET /users/{id}/authentication/methods (covered by the ReadWrite permission)"},
	{"Delete methods, issue a Temporary Access Pass", PermMethodsWrite, "typed DELETE /users/{id}/authentication/{type}Methods/{id}, POST temporaryAccessPassMethods"},
	{"List and unassign hardware OATH tokens (Graph beta, global cloud only)", PermHardwareOATH, "GET /beta/users/{id}/authentication/hardwareOathMethods, DELETE …/hardwareOathMethods/{id}; without it a reset ends partial, naming the tokens as unchecked"},
	{"Revoke sign-in sessions", PermRevokeSessions, "POST /users/{id}/revokeSignInSessions"},
	{"Group membership and role-assignable groups", PermGroupMemberRead, "POST /users/{id}/checkMemberGroups, GET transitiveMemberOf, ownedObjects"},
	{"Directory roles, active and PIM-eligible", PermRoleRead, "GET roleManagement/directory/roleAssignments and roleEligibilityScheduleInstances"},
	{"Notify users by mail (optional)", PermMailSend, "POST /users/{from}/sendMail"},
	{"Install mfabot for a target user so they can be asked 'Was this you?' (optional)", PermTeamsAppInstall,
		"POST /users/{id}/teamwork/installedApps, GET installedApps?$expand=teamsApp&$filter=teamsApp/id eq '…', GET installedApps/{id}/chat; lets the app install only itself"},
}
