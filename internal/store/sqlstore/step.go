package sqlstore

import (
	"github.com/mfabot/mfabot/internal/mfa"
)

// CheckStep refuses a journal step without a key (EInvalid).
func CheckStep(s mfa.Step) error {
	if s.Key == "" {
		return mfa.Errorf(mfa.EInvalid, "a journal step needs a key")
	}
	return nil
}

// DecodeStep reads a journal step from the JSON of its data column, with its
// times in UTC. Unreadable data is EInternal.
func DecodeStep(data string) (mfa.Step, error) {
	s, err := decodeJSON[mfa.Step](data, "journal step")
	if err != nil {
		return mfa.Step{}, err
	}
	s.At = s.At.UTC()
	if s.Method != nil {
		s.Method.Created = s.Method.Created.UTC()
	}
	return s, nil
}

// ScanSteps decodes rows of one column, a step's data, in order.
func ScanSteps(rows Rows, fail Fail) ([]mfa.Step, error) {
	return scanData(rows, fail, DecodeStep)
}
