package botframework

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// replyBuffers hold encoded connector request bodies (a card reply is a few
// KB) between calls.
var replyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// requestBody is an encoded connector request body shared by the readers
// net/http is given (the request's Body and every GetBody copy, one per
// attempt). net/http may close a request body in another goroutine after
// Client.Do returns, so the buffer goes back to the pool only when the
// sender has released it and every reader has been closed; a reader a
// RoundTripper never closes keeps the buffer out of the pool (it is then
// garbage collected), never reused under it.
type requestBody struct {
	b    []byte
	buf  *bytes.Buffer // nil if b is not pooled
	refs atomic.Int32  // the sender's reference plus one per open reader
}

// newRequestBody encodes in; the caller holds one reference and calls
// release when it no longer sends the body.
func newRequestBody(in any) (*requestBody, error) {
	buf := replyBuffers.Get().(*bytes.Buffer)
	b, err := encodeBodyInto(buf, in)
	if err != nil {
		putReplyBuffer(buf)
		return nil, err
	}
	rb := &requestBody{b: b}
	if len(b) > 0 && len(buf.Bytes()) > 0 && &b[0] == &buf.Bytes()[0] {
		rb.buf = buf
	} else {
		putReplyBuffer(buf) // encoded by json.Marshal, not into buf
	}
	rb.refs.Store(1)
	return rb, nil
}

func putReplyBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledBody {
		return
	}
	buf.Reset()
	replyBuffers.Put(buf)
}

// errBodyReleased is returned for a reader asked for after the body was
// released; net/http asks for readers only while Client.Do runs.
var errBodyReleased = errors.New("request body already released")

// reader returns a new reader of the body, which holds a reference until
// it is closed.
func (rb *requestBody) reader() (io.ReadCloser, error) {
	for {
		n := rb.refs.Load()
		if n <= 0 {
			return nil, errBodyReleased
		}
		if rb.refs.CompareAndSwap(n, n+1) {
			return &bodyReader{r: bytes.NewReader(rb.b), rb: rb}, nil
		}
	}
}

// release drops one reference; the last returns the buffer to the pool.
func (rb *requestBody) release() {
	if rb.refs.Add(-1) == 0 && rb.buf != nil {
		buf := rb.buf
		rb.buf, rb.b = nil, nil
		putReplyBuffer(buf)
	}
}

// bodyReader reads a requestBody. Read and Close may be called from
// different goroutines (net/http closes a body on error while its writer may
// still be reading), so a Read after Close fails rather than reading a
// buffer already reused.
type bodyReader struct {
	mu     sync.Mutex
	r      *bytes.Reader
	rb     *requestBody
	closed bool
}

func (r *bodyReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, errBodyReleased
	}
	return r.r.Read(p)
}

// Close releases the reader's reference; closing twice is harmless.
func (r *bodyReader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.r = nil
		r.rb.release()
	}
	return nil
}
