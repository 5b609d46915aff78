// Package syncbuf is a bytes.Buffer that goroutines may write to at once,
// for tests that capture logs or a child process's output.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer collects writes from concurrent goroutines.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
