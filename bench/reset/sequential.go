package reset

import (
	"context"

	"github.com/mfabot/mfabot/internal/mfa"
)

// SequentialResult is what Sequential did.
type SequentialResult struct {
	// Removed are the methods deleted.
	Removed []mfa.Method
	// Kept are the methods the algorithm tried and could not delete.
	Kept []mfa.Method
}

// Sequential resets a user the way Microsoft's
// Reset-EntraStrongAuthenticationMethodByUpn does: list the methods, try to
// delete each one in listing order, one request at a time; remember the
// last one Graph refused (taken to be the default method, which Graph keeps
// while other methods remain) and, after the loop, try it once more. Kinds
// the cmdlet has no delete for (password, hardware OATH, platform
// credential) are passed over without a request. It neither revokes
// sessions nor lists again to verify.
func Sequential(ctx context.Context, dir mfa.Directory, userID string) (SequentialResult, error) {
	var res SequentialResult
	ms, err := dir.ListMethods(ctx, userID)
	if err != nil {
		return res, err
	}
	var last *mfa.Method
	for _, m := range ms {
		if !cmdletDeletes(m.Kind) {
			continue
		}
		if err := dir.DeleteMethod(ctx, userID, m); err != nil {
			if last != nil {
				res.Kept = append(res.Kept, *last) // never tried again
			}
			last = &m
			continue
		}
		res.Removed = append(res.Removed, m)
	}
	if last != nil {
		if err := dir.DeleteMethod(ctx, userID, *last); err != nil {
			res.Kept = append(res.Kept, *last)
		} else {
			res.Removed = append(res.Removed, *last)
		}
	}
	return res, nil
}

// cmdletDeletes reports whether the cmdlet has a delete for the kind.
func cmdletDeletes(k mfa.MethodKind) bool {
	switch k {
	case mfa.KindEmail, mfa.KindPhone, mfa.KindFIDO2, mfa.KindSoftwareOATH, mfa.KindTAP,
		mfa.KindWindowsHello, mfa.KindAuthenticator:
		return true
	}
	return false
}
