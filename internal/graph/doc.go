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
// The application permissions mfabot needs, least privileged per call, are
// listed once, in Permissions (permissions.go): the README's table is
// rendered from it and `mfabot check` names each.
//
// Privileges reads every path to power without ConsistencyLevel: eventual
// and without OData casts (Graph documents both as needing that header,
// whose index may lag behind recent changes), reading every page.
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
