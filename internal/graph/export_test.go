package graph

import "time"

// Tests do not wait seconds for a backoff without Retry-After.
func init() { retryBase = 20 * time.Millisecond }
