package graph

import (
	"context"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfabot/mfabot/internal/mfa"
)

// TAPPolicy reads the tenant's Temporary Access Pass policy:
// GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass
// (https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get,
// application permission Policy.Read.All). includeTargets name groups, or
// the group "all_users" for everyone.
func (d *Directory) TAPPolicy(ctx context.Context) (mfa.TAPPolicy, error) {
	res, err := d.client.Policies().AuthenticationMethodsPolicy().AuthenticationMethodConfigurations().
		ByAuthenticationMethodConfigurationId("TemporaryAccessPass").Get(ctx, nil)
	if err != nil {
		return mfa.TAPPolicy{}, fail("read the tenant's Temporary Access Pass policy", PermPolicyRead, err)
	}
	c, ok := res.(models.TemporaryAccessPassAuthenticationMethodConfigurationable)
	if !ok {
		return mfa.TAPPolicy{}, &mfa.DirectoryError{Op: "read the tenant's Temporary Access Pass policy", Reason: mfa.ReasonUnexpected,
			Message: "the answer is not a Temporary Access Pass policy"}
	}
	p := mfa.TAPPolicy{
		Enabled:         c.GetState() != nil && *c.GetState() == models.ENABLED_AUTHENTICATIONMETHODSTATE,
		MinLifetime:     minutes(c.GetMinimumLifetimeInMinutes()),
		MaxLifetime:     minutes(c.GetMaximumLifetimeInMinutes()),
		DefaultLifetime: minutes(c.GetDefaultLifetimeInMinutes()),
		OneTimeOnly:     c.GetIsUsableOnce() != nil && *c.GetIsUsableOnce(),
	}
	for _, t := range c.GetIncludeTargets() {
		if t == nil {
			continue
		}
		if id := str(t.GetId()); id == "all_users" {
			p.AllUsers = true
		} else if id != "" {
			p.IncludeGroups = append(p.IncludeGroups, id)
		}
	}
	for _, t := range c.GetExcludeTargets() {
		if t != nil && str(t.GetId()) != "" {
			p.ExcludeGroups = append(p.ExcludeGroups, str(t.GetId()))
		}
	}
	return p, nil
}

func minutes(p *int32) time.Duration {
	if p == nil {
		return 0
	}
	return time.Duration(*p) * time.Minute
}
