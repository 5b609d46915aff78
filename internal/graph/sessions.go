package graph

import (
	"context"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfabot/mfabot/internal/mfa"
)

// RevokeSessions invalidates the user's refresh tokens and session
// cookies. Graph answers 200 {"value":true} where 204 is documented; any
// 2xx is success.
func (d *Directory) RevokeSessions(ctx context.Context, userID string) error {
	_, err := d.client.Users().ByUserId(userID).RevokeSignInSessions().PostAsRevokeSignInSessionsPostResponse(ctx, nil)
	return fail("revoke sign-in sessions", PermRevokeSessions, err)
}

// CreateTAP issues a Temporary Access Pass, replacing any existing one. A
// zero lifetime takes the tenant policy's default.
func (d *Directory) CreateTAP(ctx context.Context, userID string, req mfa.TAPRequest) (mfa.TAP, error) {
	body := models.NewTemporaryAccessPassAuthenticationMethod()
	oneTime := req.OneTime
	body.SetIsUsableOnce(&oneTime)
	if req.Lifetime > 0 {
		minutes := int32(req.Lifetime / time.Minute)
		body.SetLifetimeInMinutes(&minutes)
	}
	res, err := d.client.Users().ByUserId(userID).Authentication().TemporaryAccessPassMethods().Post(ctx, body, nil)
	if err != nil {
		return mfa.TAP{}, fail("issue a Temporary Access Pass", PermMethodsWrite, err)
	}
	if res == nil || res.GetTemporaryAccessPass() == nil || *res.GetTemporaryAccessPass() == "" {
		return mfa.TAP{}, mfa.Errorf(mfa.EInternal, "Microsoft Graph created a Temporary Access Pass but returned no value")
	}
	tap := mfa.TAP{Value: *res.GetTemporaryAccessPass(), Lifetime: req.Lifetime, OneTime: req.OneTime}
	if v := res.GetLifetimeInMinutes(); v != nil {
		tap.Lifetime = time.Duration(*v) * time.Minute
	}
	if v := res.GetIsUsableOnce(); v != nil {
		tap.OneTime = *v
	}
	start := time.Now().UTC()
	if v := res.GetStartDateTime(); v != nil {
		start = v.UTC()
	} else if v := res.GetCreatedDateTime(); v != nil {
		start = v.UTC()
	}
	tap.ExpiresAt = start.Add(tap.Lifetime)
	return tap, nil
}
