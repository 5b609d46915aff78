package graph

import (
	"context"
	"io"
	"net/http"
	"time"
)

// callTimeout is how long one Graph call may take, its retries included.
const callTimeout = 100 * time.Second

// deadline bounds each call (the SDK middleware and its retries included)
// to d, and frees the call's context as soon as its answer is read. It
// stands in for http.Client.Timeout, which must stay 0: with a client
// timeout, the SDK's request adapter gives every call a context of that
// timeout whose cancel it drops (kiota-http-go's prepareContext), so a
// timer kept each call's whole context chain alive for the full timeout
// after the call returned.
type deadline struct {
	next http.RoundTripper
	d    time.Duration
}

func (t deadline) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.d)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil || resp.Body == nil {
		cancel()
		return resp, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose cancels the call's context once its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
