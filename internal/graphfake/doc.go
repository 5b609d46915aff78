// Package graphfake is an HTTP fake of the Microsoft Graph endpoints mfabot
// uses, for tests, benchmarks and `mfabot demo`. It follows Graph's
// documented behaviour where mfabot depends on it: 415 to a gzip-compressed
// request body, ODataError bodies with request ids, typed authentication-method
// collections (the generic methods/{id} DELETE fails as it does in Graph),
// the default-method rule, the phone rule, 404 itemNotFound, the
// revokeSignInSessions 200-with-true answer, Temporary Access Pass
// validation and 429 with a fractional Retry-After.
//
// It imports no Graph SDK: it speaks JSON over HTTP, so the real client is
// exercised end to end.
package graphfake
