package graph

import (
	"context"
	"net/url"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/mfabot/mfabot/internal/mfa"
)

// DeleteMethod deletes one method through its typed collection. Graph has
// no DELETE on authentication/methods/{id}, and the password is never
// deleted. A method already gone is a *DirectoryError with status 404.
func (d *Directory) DeleteMethod(ctx context.Context, userID string, m mfa.Method) error {
	auth := d.client.Users().ByUserId(userID).Authentication()
	op := "delete the " + mfa.KindName(m.Kind) + " method"
	var err error
	switch m.Kind {
	case mfa.KindPhone:
		err = auth.PhoneMethods().ByPhoneAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindAuthenticator:
		err = auth.MicrosoftAuthenticatorMethods().ByMicrosoftAuthenticatorAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindSoftwareOATH:
		err = auth.SoftwareOathMethods().BySoftwareOathAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindFIDO2:
		err = auth.Fido2Methods().ByFido2AuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindEmail:
		err = auth.EmailMethods().ByEmailAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindWindowsHello:
		err = auth.WindowsHelloForBusinessMethods().ByWindowsHelloForBusinessAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindTAP:
		err = auth.TemporaryAccessPassMethods().ByTemporaryAccessPassAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindPlatformCredential:
		err = auth.PlatformCredentialMethods().ByPlatformCredentialAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case mfa.KindHardwareOATH:
		err = d.deleteBeta(ctx, "/users/"+url.PathEscape(userID)+"/authentication/hardwareOathMethods/"+url.PathEscape(m.ID))
	default:
		return mfa.Errorf(mfa.EInvalid, "mfabot does not delete %s methods", mfa.KindName(m.Kind))
	}
	perm := PermMethodsWrite
	if m.Kind == mfa.KindHardwareOATH {
		perm = PermHardwareOATH
	}
	return fail(op, perm, err)
}

// deleteBeta sends a DELETE to Graph's beta endpoint, for collections the
// v1.0 SDK does not have.
func (d *Directory) deleteBeta(ctx context.Context, path string) error {
	u, err := url.Parse(d.base + "/beta" + path)
	if err != nil {
		return err
	}
	ri := abstractions.NewRequestInformation()
	ri.Method = abstractions.DELETE
	ri.SetUri(*u)
	ri.Headers.TryAdd("Accept", "application/json")
	return d.adapter.SendNoContent(ctx, ri, abstractions.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue})
}
