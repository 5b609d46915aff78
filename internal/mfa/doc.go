// Package mfa is the domain of mfabot: the reset request and its lifecycle,
// the policy that decides who may request, approve and be reset, the reset
// plan and its execution, verification, and the audit trail.
//
// It imports no SDK, HTTP or SQL package. It defines the narrow interfaces
// it needs from the outside world (Directory, Store, Notifier, Clock) and
// the adapters in internal/graph, internal/store and bot implement them.
package mfa
