// Package reset measures a full MFA reset against the Graph fake with a
// fixed latency per call: mfabot's plan (list, concurrent deletes, default
// method beside session revocation, verify) beside the sequential
// list-then-delete-one-by-one algorithm of Microsoft's
// Reset-EntraStrongAuthenticationMethodByUpn, both through the same
// msgraph-sdk-go adapter. See bench/README.md.
package reset
