// Package graph implements mfa.Directory and mfa.Mailer over Microsoft
// Graph with msgraph-sdk-go. It is the only package that imports the SDK:
// Graph models become the domain's plain types here, and every failure
// becomes an *mfa.DirectoryError (status, Graph code and message,
// request-id, and on 403 the permission the call needs).
//
// Phone numbers are masked with mfa.MaskPhone before they leave the
// package. Methods are deleted only through their typed collections
// (phoneMethods, fido2Methods, …; hardware OATH through beta) — Graph
// refuses DELETE on authentication/methods/{id} — and the password is
// never deleted.
//
// The HTTP pipeline keeps the SDK's middleware in a fixed order (kiota-http-go
// builds its default list from a Go map) with two changes: request bodies
// are not compressed (Graph documents no endpoint that takes gzip; see
// middlewares), and retry is mfabot's own (see retry): Retry-After honoured
// to the millisecond, and a POST whose outcome is unknown never resent.
//
// # Permissions
//
// Application permissions mfabot needs, least privileged first (the
// Permissions table holds the same data for the README and error
// messages):
//
//	Feature                           Permission                          Why
//	find users, manager               User.Read.All                       GET /users/{id}, /users?$filter=mail, /users/{id}/manager
//	list methods                      UserAuthenticationMethod.Read.All   GET /users/{id}/authentication/methods
//	delete methods, issue TAP         UserAuthenticationMethod.ReadWrite.All  typed DELETEs, POST temporaryAccessPassMethods
//	revoke sessions                   User.RevokeSessions.All             POST /users/{id}/revokeSignInSessions
//	group membership, role groups     GroupMember.Read.All                checkMemberGroups, transitiveMemberOf, ownedObjects
//	directory roles (active, PIM)     RoleManagement.Read.Directory       roleAssignments, roleEligibilityScheduleInstances
//	notify by mail (optional)         Mail.Send                           POST /users/{from}/sendMail
//	install the bot for a user (opt.) TeamsAppInstallation.ReadWriteSelfForUser.All  POST/GET /users/{id}/teamwork/installedApps, GET …/chat
//
// UserAuthenticationMethod.ReadWrite.All includes the read permission, so
// a deployment may grant it alone for the methods. Hardware OATH tokens are
// beta only (listed and unassigned through /beta/users/{id}/authentication/
// hardwareOathMethods) and need UserAuthMethod-HardwareOATH.ReadWrite.All.
//
// TeamsAppInstallation.ReadWriteSelfForUser.All lets the app install,
// read and remove only itself in users' personal scope; it also covers
// reading the installation's chat. Teams honours it only when the app
// manifest's webApplicationInfo names the app's Entra application id.
package graph
