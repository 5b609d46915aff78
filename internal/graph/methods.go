package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfabot/mfabot/internal/mfa"
)

// ListMethods lists the user's methods: v1.0's types and, beside them,
// the hardware OATH tokens from Graph's beta API. When the tokens cannot be
// listed it returns the other methods with an *mfa.IncompleteListError.
// Phone numbers are masked here and never leave the package in full.
func (d *Directory) ListMethods(ctx context.Context, userID string) ([]mfa.Method, error) {
	var (
		hw    []mfa.Method
		hwErr error
		wg    sync.WaitGroup
	)
	wg.Go(func() { hw, hwErr = d.listHardwareOath(ctx, userID) })
	out, err := d.listV1Methods(ctx, userID)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	out = append(out, hw...)
	if hwErr != nil {
		return out, &mfa.IncompleteListError{Kind: mfa.KindHardwareOATH, Err: hwErr}
	}
	return out, nil
}

func (d *Directory) listV1Methods(ctx context.Context, userID string) ([]mfa.Method, error) {
	res, err := d.client.Users().ByUserId(userID).Authentication().Methods().Get(ctx, nil)
	if err != nil {
		return nil, fail("list authentication methods", PermMethodsRead, err)
	}
	var out []mfa.Method
	for {
		if res == nil {
			return out, nil
		}
		for _, m := range res.GetValue() {
			// Hardware OATH tokens come from the beta listing only.
			if m != nil && str(m.GetOdataType()) != "#microsoft.graph.hardwareOathAuthenticationMethod" {
				out = append(out, toMethod(m))
			}
		}
		next := res.GetOdataNextLink()
		if next == nil || *next == "" {
			return out, nil
		}
		res, err = d.client.Users().ByUserId(userID).Authentication().Methods().WithUrl(*next).Get(ctx, nil)
		if err != nil {
			return nil, fail("list authentication methods", PermMethodsRead, err)
		}
	}
}

// toMethod converts one SDK method. Types the SDK does not know arrive as
// the base type with their @odata.type.
func toMethod(m models.AuthenticationMethodable) mfa.Method {
	out := mfa.Method{ID: str(m.GetId())}
	switch v := m.(type) {
	case models.PhoneAuthenticationMethodable:
		out.Kind = mfa.KindPhone
		if t := v.GetPhoneType(); t != nil {
			out.PhoneType = t.String()
		}
		out.Label = mfa.MaskPhone(str(v.GetPhoneNumber()))
	case models.MicrosoftAuthenticatorAuthenticationMethodable:
		out.Kind, out.Label, out.Created = mfa.KindAuthenticator, str(v.GetDisplayName()), tm(v.GetCreatedDateTime())
	case models.SoftwareOathAuthenticationMethodable:
		out.Kind = mfa.KindSoftwareOATH
	case models.Fido2AuthenticationMethodable:
		out.Kind, out.Label, out.Created = mfa.KindFIDO2, str(v.GetDisplayName()), tm(v.GetCreatedDateTime())
	case models.EmailAuthenticationMethodable:
		out.Kind, out.Label = mfa.KindEmail, maskEmail(str(v.GetEmailAddress()))
	case models.PlatformCredentialAuthenticationMethodable:
		// Before Windows Hello: the SDK's platform credential interface has
		// every method of Windows Hello's, so that case would take it.
		out.Kind, out.Label, out.Created = mfa.KindPlatformCredential, str(v.GetDisplayName()), tm(v.GetCreatedDateTime())
	case models.WindowsHelloForBusinessAuthenticationMethodable:
		out.Kind, out.Label, out.Created = mfa.KindWindowsHello, str(v.GetDisplayName()), tm(v.GetCreatedDateTime())
	case models.TemporaryAccessPassAuthenticationMethodable:
		out.Kind, out.Created = mfa.KindTAP, tm(v.GetCreatedDateTime())
	case models.PasswordAuthenticationMethodable:
		out.Kind, out.Created = mfa.KindPassword, tm(v.GetCreatedDateTime())
	default:
		out.Kind, out.Label = mfa.KindUnknown, strings.TrimPrefix(str(m.GetOdataType()), "#microsoft.graph.")
	}
	return out
}

func tm(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// maskEmail keeps the first letter and the domain: "c•••@example.com".
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "•••"
	}
	return string([]rune(local)[:1]) + "•••@" + domain
}
