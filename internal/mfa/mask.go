package mfa

import "strings"

// MaskPhone masks a phone number in Graph's "+{country} {number}x{ext}"
// form, keeping the country code and the last four digits:
// "+1 2065555555" becomes "+1 ••• ••• 5555". Anything unparseable is
// masked entirely except its last two digits, so no full number leaks.
func MaskPhone(number string) string {
	number = strings.TrimSpace(number)
	if i := strings.IndexAny(number, "xX"); i >= 0 {
		number = number[:i] // the extension says nothing useful and may identify
	}
	country := ""
	rest := number
	if strings.HasPrefix(number, "+") {
		// A country code is one to three digits: anything longer before
		// the space is part of the number and is masked with it.
		if sp := strings.IndexByte(number, ' '); sp > 1 && sp <= 4 && allDigits(number[1:sp]) {
			country, rest = number[:sp], number[sp+1:]
		}
	}
	digits := make([]byte, 0, len(rest))
	for i := 0; i < len(rest); i++ {
		if rest[i] >= '0' && rest[i] <= '9' {
			digits = append(digits, rest[i])
		}
	}
	if country == "" || len(digits) < 7 {
		if len(digits) <= 2 {
			return "•••"
		}
		return "••• " + string(digits[len(digits)-2:])
	}
	return country + " ••• ••• " + string(digits[len(digits)-4:])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
