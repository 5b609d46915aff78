package graph

import (
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/mfabot/mfabot/internal/mfa"
)

// TestToMethodKinds: every typed method the SDK decodes gets its own kind;
// a platform credential (whose SDK interface has every method of Windows
// Hello for Business's) is not taken for Windows Hello.
func TestToMethodKinds(t *testing.T) {
	for _, tc := range []struct {
		m    models.AuthenticationMethodable
		want mfa.MethodKind
	}{
		{models.NewPlatformCredentialAuthenticationMethod(), mfa.KindPlatformCredential},
		{models.NewWindowsHelloForBusinessAuthenticationMethod(), mfa.KindWindowsHello},
		{models.NewFido2AuthenticationMethod(), mfa.KindFIDO2},
		{models.NewPhoneAuthenticationMethod(), mfa.KindPhone},
	} {
		if got := toMethod(tc.m).Kind; got != tc.want {
			t.Errorf("%T: kind %q, want %q", tc.m, got, tc.want)
		}
	}
}
