package graph

import (
	"context"
	"encoding/json"
	"net/url"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Hardware OATH tokens are not a v1.0 type: v1.0's
// authentication/methods "returns only the methods supported on this API
// version" (https://learn.microsoft.com/graph/api/authentication-list-methods),
// so they are listed and unassigned through Graph's beta API
// (https://learn.microsoft.com/graph/api/authentication-list-hardwareoathmethods?view=graph-rest-beta,
// https://learn.microsoft.com/graph/api/hardwareoathauthenticationmethod-delete?view=graph-rest-beta),
// which Microsoft documents for the global service only (not US Government
// L4/L5 or China). DELETE removes the user's assignment; the token stays in
// the tenant for an admin to assign again.

// hardwareOathList is the beta collection's shape.
type hardwareOathList struct {
	Value []struct {
		ID     string `json:"id"`
		Device *struct {
			DisplayName  string `json:"displayName"`
			SerialNumber string `json:"serialNumber"`
		} `json:"device"`
	} `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// listHardwareOath lists the user's hardware OATH tokens, every page.
func (d *Directory) listHardwareOath(ctx context.Context, userID string) ([]mfa.Method, error) {
	next := d.base + "/beta/users/" + url.PathEscape(userID) + "/authentication/hardwareOathMethods"
	var out []mfa.Method
	for next != "" {
		u, err := url.Parse(next)
		if err != nil {
			return nil, err
		}
		ri := abstractions.NewRequestInformation()
		ri.Method = abstractions.GET
		ri.SetUri(*u)
		ri.Headers.TryAdd("Accept", "application/json")
		raw, err := d.adapter.SendPrimitive(ctx, ri, "[]byte", abstractions.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue})
		if err != nil {
			return nil, fail("list hardware OATH tokens (Graph beta)", PermHardwareOATH, err)
		}
		var page hardwareOathList
		b, _ := raw.([]byte)
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, &mfa.DirectoryError{Op: "list hardware OATH tokens (Graph beta)", Reason: mfa.ReasonUnexpected, Message: "the answer is not a list of tokens"}
		}
		for _, v := range page.Value {
			m := mfa.Method{Kind: mfa.KindHardwareOATH, ID: v.ID}
			if v.Device != nil {
				m.Label = v.Device.DisplayName
				if m.Label == "" {
					m.Label = v.Device.SerialNumber
				}
			}
			out = append(out, m)
		}
		next = page.NextLink
	}
	return out, nil
}
