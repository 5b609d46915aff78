package reset

import (
	"fmt"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Sizes are the numbers of registered methods the benchmark resets.
var Sizes = []int{1, 4, 8}

// Method ids of the benchmark users; phones use Graph's fixed ids.
const (
	authenticatorA = "6803c096-c096-6803-96c0-036896c00368"
	authenticatorB = "_jpuR-TGZtk6aQCLF3BQjA2"
	authenticatorC = "9a4e1c77-2b1f-4c3e-8d55-0c7a3f6b1e20"
	oathA          = "b172893e-893e-b172-3e89-72b13e8972b1"
	oathB          = "5c0f7a2d-7a2d-5c0f-2d7a-0f5c2d7a0f5c"
)

// User returns a member user with n methods of the reregister profile (n
// is 1, 4 or 8) plus the password, as Graph lists them. The default method
// is the mobile phone and, from 4 methods on, it is not first in the
// listing and an alternate mobile phone is registered beside it:
//
//	1: mobile
//	4: Authenticator, mobile, alternateMobile, software OATH
//	8: Authenticator, software OATH, mobile, Authenticator, alternateMobile,
//	   office, Authenticator, software OATH
func User(n int) graphfake.User {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	phone := func(id, typ, number string) graphfake.Method {
		return graphfake.Method{Kind: mfa.KindPhone, ID: id, PhoneType: typ, PhoneNumber: number, Created: t0}
	}
	app := func(id, device string) graphfake.Method {
		return graphfake.Method{Kind: mfa.KindAuthenticator, ID: id, DisplayName: device, Created: t0}
	}
	oath := func(id string) graphfake.Method {
		return graphfake.Method{Kind: mfa.KindSoftwareOATH, ID: id, Created: t0}
	}
	mobile := phone(graphfake.MobilePhoneID, mfa.PhoneMobile, "+1 2065550101")
	alternate := phone(graphfake.AlternatePhoneID, mfa.PhoneAlternateMobile, "+1 2065550102")
	office := phone(graphfake.OfficePhoneID, mfa.PhoneOffice, "+1 2065550103")
	var ms []graphfake.Method
	switch n {
	case 1:
		ms = []graphfake.Method{mobile}
	case 4:
		ms = []graphfake.Method{app(authenticatorA, "iPhone 15"), mobile, alternate, oath(oathA)}
	case 8:
		ms = []graphfake.Method{app(authenticatorA, "iPhone 15"), oath(oathA), mobile, app(authenticatorB, "Pixel 8"),
			alternate, office, app(authenticatorC, "iPad"), oath(oathB)}
	default:
		panic(fmt.Sprintf("reset: no benchmark user with %d methods", n))
	}
	pw := graphfake.Method{Kind: mfa.KindPassword, ID: graphfake.PasswordMethodID, Created: t0}
	return graphfake.User{
		ID:  fmt.Sprintf("b0000000-0000-4000-8000-%012d", n),
		UPN: fmt.Sprintf("bench%d@contoso.com", n), Mail: fmt.Sprintf("bench%d@contoso.com", n),
		DisplayName: fmt.Sprintf("Bench User%d", n), JobTitle: "Account Executive", Department: "Sales",
		AccountEnabled: true, UserType: "Member",
		Methods:         append([]graphfake.Method{pw}, ms...),
		DefaultMethodID: graphfake.MobilePhoneID,
	}
}
