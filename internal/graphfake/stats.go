package graphfake

import (
	"encoding/json"
	"net/http"
	"strings"
)

// StatsPath is where the fake answers its counters as JSON (GET), for a
// benchmark in another process: outside /v1.0 and /beta, with no latency,
// no token and no quota.
const StatsPath = "/_fake/stats"

// Stats are the fake's counters since it started (or since ResetStats).
type Stats struct {
	// Requests is every Graph request answered.
	Requests int64 `json:"requests"`
	// Writes is every POST, PATCH, PUT and DELETE the write quota let
	// through (whatever the handler then answered); Charged is how many of
	// them took a token of the quota (see WriteQuota; counted with the
	// quota off too).
	Writes  int64 `json:"writes"`
	Charged int64 `json:"charged"`
	// Throttled is every 429 answered: by the write quota or by a fault.
	Throttled int64 `json:"throttled"`
	// MethodsDeleted is every authentication method a DELETE removed.
	MethodsDeleted int64 `json:"methodsDeleted"`
	// RepeatDeletes is every DELETE of a user's authentication method
	// that an earlier DELETE had already removed (and that was not
	// registered again since): work done twice.
	RepeatDeletes int64 `json:"repeatDeletes"`
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ResetStats sets the counters to zero (the record of deleted methods,
// which tells a repeat, is kept).
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = Stats{}
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.Stats())
}

// methodKey names one user's method.
type methodKey struct{ user, method string }

// countRepeatDelete counts a DELETE of
// /users/{user}/authentication/{coll}/{id} whose method an earlier DELETE
// removed; path is without its version.
func (s *Server) countRepeatDelete(method, path string) {
	if method != http.MethodDelete {
		return
	}
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(seg) != 5 || seg[0] != "users" || seg[2] != "authentication" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.user(seg[1]); u != nil && s.deleted[methodKey{u.ID, seg[4]}] {
		s.stats.RepeatDeletes++
	}
}

// methodDeleted records a method a DELETE removed; the caller holds s.mu.
func (s *Server) methodDeleted(userID, methodID string) {
	s.stats.MethodsDeleted++
	s.deleted[methodKey{userID, methodID}] = true
}

// methodAdded forgets that a method was deleted once it is registered
// again (phones have well-known ids); the caller holds s.mu.
func (s *Server) methodAdded(userID, methodID string) {
	delete(s.deleted, methodKey{userID, methodID})
}
