package sqlstore

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mfabot/mfabot/internal/mfa"
)

// DecodeBatch reads a batch from the JSON of its data column, with every
// time in UTC. Unreadable data is EInternal.
func DecodeBatch(data string) (*mfa.Batch, error) {
	b, err := decodeJSON[mfa.Batch](data, "batch")
	if err != nil {
		return nil, err
	}
	b.CreatedAt, b.ExpiresAt, b.UpdatedAt = b.CreatedAt.UTC(), b.ExpiresAt.UTC(), b.UpdatedAt.UTC()
	b.StartedAt, b.FinishedAt = b.StartedAt.UTC(), b.FinishedAt.UTC()
	for i := range b.Approvals {
		b.Approvals[i].At = b.Approvals[i].At.UTC()
	}
	return &b, nil
}

// ScanBatch decodes row, the data column of batch id; no row is ENotFound.
func ScanBatch(row Row, id string, noRows error, fail Fail) (*mfa.Batch, error) {
	return scanOne(row, noRows, func() error { return BatchNotFound(id) }, fail, DecodeBatch)
}

// ScanBatches decodes rows of one column, a batch's data, in order.
func ScanBatches(rows Rows, fail Fail) ([]*mfa.Batch, error) {
	return scanData(rows, fail, DecodeBatch)
}

// BatchItemColumns are the columns of batch_items ScanBatchItems reads, in
// its order.
const BatchItemColumns = "lease_owner, lease_until, data"

// DecodeBatchItem reads an item from the JSON of its data column, with its
// time in UTC. Unreadable data is EInternal.
func DecodeBatchItem(data string) (mfa.BatchItem, error) {
	it, err := decodeJSON[mfa.BatchItem](data, "batch item")
	if err != nil {
		return mfa.BatchItem{}, err
	}
	it.FinishedAt = it.FinishedAt.UTC()
	return it, nil
}

// ScanBatchItems decodes rows of BatchItemColumns and returns the items in
// seq order, whatever order the rows came in (UPDATE ... RETURNING has
// none).
func ScanBatchItems(rows Rows, fail Fail) ([]mfa.BatchItem, error) {
	var out []mfa.BatchItem
	for rows.Next() {
		var (
			owner *string
			until *int64
			data  string
		)
		if err := rows.Scan(&owner, &until, &data); err != nil {
			return nil, fail(err)
		}
		it, err := DecodeBatchItem(data)
		if err != nil {
			return nil, err
		}
		if owner != nil {
			it.LeaseOwner = *owner
		}
		if until != nil {
			it.LeaseUntil = FromNanos(*until)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(err)
	}
	slices.SortFunc(out, func(a, b mfa.BatchItem) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// ScanBatchCounts adds up rows of two columns, an item state and how many
// items are in it. A state the store does not know is EInternal.
func ScanBatchCounts(rows Rows, fail Fail) (mfa.BatchCounts, error) {
	var c mfa.BatchCounts
	for rows.Next() {
		var (
			state string
			n     int
		)
		if err := rows.Scan(&state, &n); err != nil {
			return mfa.BatchCounts{}, fail(err)
		}
		p := countOf(&c, mfa.ItemState(state))
		if p == nil {
			return mfa.BatchCounts{}, mfa.Errorf(mfa.EInternal, "stored batch items have the unknown state %q", state)
		}
		*p += n
	}
	if err := rows.Err(); err != nil {
		return mfa.BatchCounts{}, fail(err)
	}
	return c, nil
}

// countOf is the counter of c for items in state s, nil for a state that
// does not exist.
func countOf(c *mfa.BatchCounts, s mfa.ItemState) *int {
	switch s {
	case mfa.ItemPending:
		return &c.Pending
	case mfa.ItemSkipped:
		return &c.Skipped
	case mfa.ItemDone:
		return &c.Done
	case mfa.ItemPartial:
		return &c.Partial
	case mfa.ItemFailed:
		return &c.Failed
	}
	return nil
}

// encodeItem is the data column of it as an item of batch batchID.
func encodeItem(batchID string, it mfa.BatchItem) (string, error) {
	it.BatchID = batchID
	data, err := json.Marshal(it)
	if err != nil {
		return "", fmt.Errorf("encode item %d of batch %s: %w", it.Seq, batchID, err)
	}
	return string(data), nil
}
