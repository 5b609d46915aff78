package graph

import (
	"context"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/mfabot/mfabot/internal/mfa"
)

// userFields are the properties mfabot reads; accountEnabled, department,
// userType and the external-identity properties (creationType,
// externalUserState, identities) are not in Graph's default set.
// https://learn.microsoft.com/en-us/graph/api/resources/user
var userFields = []string{"id", "userPrincipalName", "mail", "displayName", "jobTitle", "department", "accountEnabled", "userType",
	"creationType", "externalUserState", "identities"}

// FindUser resolves a UPN or object id, then a mail address.
func (d *Directory) FindUser(ctx context.Context, key string) (mfa.User, error) {
	u, err := d.client.Users().ByUserId(key).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: userFields},
	})
	if err == nil {
		return toUser(u), nil
	}
	err = fail("look up user "+key, PermUserRead, err)
	if !mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
		return mfa.User{}, err
	}
	if strings.Contains(key, "@") {
		filter := "mail eq '" + strings.ReplaceAll(key, "'", "''") + "'"
		res, ferr := d.client.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Filter: &filter, Select: userFields},
		})
		if ferr != nil {
			return mfa.User{}, fail("look up user by mail "+key, PermUserRead, ferr)
		}
		if res != nil && len(res.GetValue()) == 1 {
			return toUser(res.GetValue()[0]), nil
		}
		if res != nil && len(res.GetValue()) > 1 {
			return mfa.User{}, mfa.Errorf(mfa.EInvalid, "more than one user has the mail address %s; use the user principal name", key)
		}
	}
	return mfa.User{}, mfa.Wrap(mfa.ENotFound, err, "there is no user %s in the directory", key)
}

// Manager returns the user's manager.
func (d *Directory) Manager(ctx context.Context, userID string) (mfa.User, error) {
	obj, err := d.client.Users().ByUserId(userID).Manager().Get(ctx, &users.ItemManagerRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemManagerRequestBuilderGetQueryParameters{Select: userFields},
	})
	if err != nil {
		err = fail("look up the manager of "+userID, PermUserRead, err)
		if mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
			return mfa.User{}, mfa.Wrap(mfa.ENotFound, err, "the user has no manager in the directory")
		}
		return mfa.User{}, err
	}
	u, ok := obj.(models.Userable)
	if !ok {
		return mfa.User{}, mfa.Errorf(mfa.ENotFound, "the user's manager is not a user account")
	}
	return toUser(u), nil
}

func toUser(u models.Userable) mfa.User {
	if u == nil {
		return mfa.User{}
	}
	out := mfa.User{
		ID: str(u.GetId()), UPN: str(u.GetUserPrincipalName()), Mail: str(u.GetMail()),
		DisplayName: str(u.GetDisplayName()), JobTitle: str(u.GetJobTitle()), Department: str(u.GetDepartment()),
		UserType: str(u.GetUserType()),
	}
	if e := u.GetAccountEnabled(); e != nil {
		out.AccountEnabled = *e
	}
	out.CreationType, out.ExternalUserState = str(u.GetCreationType()), str(u.GetExternalUserState())
	for _, id := range u.GetIdentities() {
		if id != nil && str(id.GetIssuer()) != "" {
			out.Issuers = append(out.Issuers, str(id.GetIssuer()))
		}
	}
	return out
}
