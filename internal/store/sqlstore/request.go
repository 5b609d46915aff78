package sqlstore

import (
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// DecodeRequest reads a request from the JSON of its data column, with every
// time in UTC. Unreadable data is EInternal.
func DecodeRequest(data string) (*mfa.Request, error) {
	r, err := decodeJSON[mfa.Request](data, "request")
	if err != nil {
		return nil, err
	}
	utcRequest(&r)
	return &r, nil
}

// ScanRequest decodes row, the data column of request id. noRows is the
// driver's error for a query that found no row: the store does not hold
// the request (ENotFound).
func ScanRequest(row Row, id string, noRows error, fail Fail) (*mfa.Request, error) {
	return scanOne(row, noRows, func() error { return RequestNotFound(id) }, fail, DecodeRequest)
}

// ScanRequests decodes rows of one column, a request's data, in order.
func ScanRequests(rows Rows, fail Fail) ([]*mfa.Request, error) {
	return scanData(rows, fail, DecodeRequest)
}

// ExecutedAt is the executed_at column of a write of r, for
// RequestFilter.ExecutedSince: r's UpdatedAt (now when that is unset) once
// r is executing or has a Result, nil (NULL) while its execution has not
// started. The stores keep the first value written.
func ExecutedAt(r *mfa.Request, now func() time.Time) *int64 {
	if r.State != mfa.StateExecuting && r.Result == nil {
		return nil
	}
	n := Nanos(r.UpdatedAt)
	if r.UpdatedAt.IsZero() {
		n = now().UnixNano()
	}
	return &n
}

// StateStrings returns the states as the text the state column holds.
func StateStrings[S ~string](ss []S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// joinStates renders states for people: "pending", "pending or approved".
func joinStates[S ~string](ss []S) string {
	parts := StateStrings(ss)
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// CheckNewRequest refuses a request that cannot be created: one without an
// id (EInvalid).
func CheckNewRequest(r *mfa.Request) error {
	if r.ID == "" {
		return mfa.Errorf(mfa.EInvalid, "a request needs an id")
	}
	return nil
}

// CheckUpdate refuses an update of r that names no state it may be in
// (EInvalid).
func CheckUpdate(r *mfa.Request, from []mfa.State) error {
	if len(from) == 0 {
		return mfa.Errorf(mfa.EInvalid, "updating request %s needs the states it may be in", r.ID)
	}
	return nil
}

// RequestNotFound is the ENotFound of a request id the store does not hold.
func RequestNotFound(id string) error {
	return mfa.Errorf(mfa.ENotFound, "request %s not found", id)
}

// CreateConflict is the EConflict of creating r when a unique index refused
// it, err being the database's refusal: the index on the target's open
// request, whose name contains "target", or the request id.
func CreateConflict(r *mfa.Request, err error) error {
	if strings.Contains(err.Error(), "target") {
		return mfa.Errorf(mfa.EConflict, "%s already has an open request", r.Target.UPN)
	}
	return mfa.Errorf(mfa.EConflict, "request %s already exists", r.ID)
}

// UpdateConflict is the EConflict of a conditional update of request id
// that found it in state cur, none of from.
func UpdateConflict(id, cur string, from []mfa.State) error {
	return mfa.Errorf(mfa.EConflict, "request %s is %s, not %s", id, cur, joinStates(from))
}
