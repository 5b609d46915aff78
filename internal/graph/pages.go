package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mfabot/mfabot/internal/mfa"
)

// object is one JSON object of a Graph answer, read raw so that a missing
// property is told apart from false: the SDK's models answer nil for both.
type object map[string]any

// str returns a string property; ok is false when it is missing or null.
func (o object) str(k string) (string, bool) {
	s, ok := o[k].(string)
	return s, ok
}

// boolean returns a boolean property; ok is false when it is missing or
// null — which is never read as false.
func (o object) boolean(k string) (v, ok bool) {
	v, ok = o[k].(bool)
	return v, ok
}

// kind is the object's @odata.type without "#microsoft.graph.".
func (o object) kind() string {
	t, _ := o.str("@odata.type")
	return strings.TrimPrefix(t, "#microsoft.graph.")
}

// name is the object's display name, or its id when it has none.
func (o object) name() string {
	if n, _ := o.str("displayName"); n != "" {
		return n
	}
	id, _ := o.str("id")
	return id
}

var odataErrors = abstractions.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// query builds "path?k=v&…" with spaces as %20, as Graph's examples write
// OData queries.
func query(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return path + "?" + strings.ReplaceAll(v.Encode(), "+", "%20")
}

// send sends a request to an absolute URL and returns the raw body; header
// holds extra request headers as name, value pairs.
func (d *Directory) send(ctx context.Context, method abstractions.HttpMethod, abs string, body []byte, header ...string) ([]byte, error) {
	u, err := url.Parse(abs)
	if err != nil {
		return nil, err
	}
	ri := abstractions.NewRequestInformation()
	ri.Method = method
	ri.SetUri(*u)
	ri.Headers.TryAdd("Accept", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		ri.Headers.TryAdd(header[i], header[i+1])
	}
	if body != nil {
		ri.Content = body
		ri.Headers.TryAdd("Content-Type", "application/json")
	}
	res, err := d.adapter.SendPrimitive(ctx, ri, "[]byte", odataErrors)
	if err != nil {
		return nil, err
	}
	b, _ := res.([]byte)
	return b, nil
}

// getObject reads one object at path (relative to /v1.0).
func (d *Directory) getObject(ctx context.Context, op, permission, path string) (object, error) {
	b, err := d.send(ctx, abstractions.GET, d.base+"/v1.0"+path, nil)
	if err != nil {
		return nil, fail(op, permission, err)
	}
	var o object
	if err := json.Unmarshal(b, &o); err != nil || o == nil {
		return nil, &mfa.DirectoryError{Op: op, Reason: mfa.ReasonUnexpected, Message: "the answer is not a JSON object"}
	}
	return o, nil
}

// postObject posts a JSON body to path (relative to /v1.0) and reads the
// answer.
func (d *Directory) postObject(ctx context.Context, op, permission, path string, body any) (object, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	b, err := d.send(ctx, abstractions.POST, d.base+"/v1.0"+path, raw)
	if err != nil {
		return nil, fail(op, permission, err)
	}
	var o object
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&o); err != nil || o == nil {
		return nil, &mfa.DirectoryError{Op: op, Reason: mfa.ReasonUnexpected, Message: "the answer is not a JSON object"}
	}
	return o, nil
}

// listAll reads every page of the collection at path (relative to /v1.0,
// query included), following @odata.nextLink to the end. There is no page
// cap: a listing cut short is a listing that fails open, so a page that
// fails fails the whole listing, and so does a nextLink seen before (it
// would never end). No ConsistencyLevel header is sent: these reads must
// see the directory as it is now, not an index that may lag behind.
func (d *Directory) listAll(ctx context.Context, op, permission, path string) ([]object, error) {
	next := d.base + "/v1.0" + path
	seen := map[string]bool{}
	var out []object
	for page := 1; ; page++ {
		if seen[next] {
			return nil, &mfa.DirectoryError{Op: op, Reason: mfa.ReasonUnexpected, Message: fmt.Sprintf("page %d links back to an earlier page", page)}
		}
		seen[next] = true
		b, err := d.send(ctx, abstractions.GET, next, nil)
		if err != nil {
			return nil, fail(fmt.Sprintf("%s (page %d)", op, page), permission, err)
		}
		var p struct {
			Value    *[]object `json:"value"`
			NextLink string    `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(b, &p); err != nil || p.Value == nil {
			return nil, &mfa.DirectoryError{Op: fmt.Sprintf("%s (page %d)", op, page), Reason: mfa.ReasonUnexpected, Message: "the answer has no value list"}
		}
		out = append(out, *p.Value...)
		if p.NextLink == "" {
			return out, nil
		}
		next = p.NextLink
	}
}
