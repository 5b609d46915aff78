package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfabot/mfabot/internal/mfa"
)

// AddPhone registers a phone method on a user: POST
// /users/{id}/authentication/phoneMethods with phoneNumber ("+{country}
// {number}") and phoneType (mobile, alternateMobile or office); Graph
// answers 201 with the method. Only the operator's smoke test
// (`mfabot check --write`) calls it. Application permission
// UserAuthenticationMethod.ReadWrite.All, which mfabot already holds to
// delete methods: https://learn.microsoft.com/graph/api/authentication-post-phonemethods
func (d *Directory) AddPhone(ctx context.Context, userID, number, phoneType string) (mfa.Method, error) {
	pt, err := models.ParseAuthenticationPhoneType(phoneType)
	if err != nil || pt == nil {
		return mfa.Method{}, mfa.Errorf(mfa.EInvalid, "unknown phone type %q: use mobile, alternateMobile or office", phoneType)
	}
	body := models.NewPhoneAuthenticationMethod()
	body.SetPhoneNumber(&number)
	body.SetPhoneType(pt.(*models.AuthenticationPhoneType))
	res, err := d.client.Users().ByUserId(userID).Authentication().PhoneMethods().Post(ctx, body, nil)
	if err != nil {
		return mfa.Method{}, fail("register a phone method", PermMethodsWrite, err)
	}
	m := mfa.Method{Kind: mfa.KindPhone, PhoneType: phoneType, Label: mfa.MaskPhone(number)}
	if res != nil {
		m.ID = str(res.GetId())
		if n := str(res.GetPhoneNumber()); n != "" {
			m.Label = mfa.MaskPhone(n)
		}
		if t := res.GetPhoneType(); t != nil {
			m.PhoneType = t.String()
		}
	}
	if m.ID == "" {
		return m, mfa.Errorf(mfa.EInternal, "Microsoft Graph registered the phone but returned no method id")
	}
	return m, nil
}
