// Package graphfake is an HTTP fake of the Microsoft Graph endpoints mfabot
// uses, for tests, benchmarks and `mfabot demo`. It follows Graph's
// documented behaviour where mfabot depends on it: 415 to a gzip-compressed
// request body, ODataError bodies with request ids, typed authentication-method
// collections (the generic methods/{id} DELETE fails as it does in Graph),
// the default-method rule, the phone rule, 404 itemNotFound, the
// revokeSignInSessions 200-with-true answer, Temporary Access Pass
// validation and 429 with a fractional Retry-After.
//
// For incident resets at scale it has Graph's write quota for one app in
// one tenant as a token bucket (Options.WriteQuota, SetWriteQuota: 429 with
// a whole-second Retry-After once spent), a latency per call
// (Options.Latency, SetLatency), counters of writes, 429s and repeated
// deletes (Stats, and GET /_fake/stats for another process), a bounded
// request log (Options.MaxRequests) and cheap seeding of thousands of users
// in one group (Tenant.AddIncident, IncidentTenant). Every per-user lookup
// goes through an index by user: its cost does not grow with the tenant.
//
// It imports no Graph SDK: it speaks JSON over HTTP, so the real client is
// exercised end to end.
package graphfake
