package botframework

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonParser reads JSON without reflection for the few types of an inbound
// activity, giving what encoding/json would give. It follows encoding/json's
// grammar (RFC 8259: whitespace is space, tab, CR and LF; no control
// characters in strings; only the nine escapes) and its decoding rules
// (a null leaves a string or a struct as it was; keys match field names
// case-insensitively; invalid UTF-8 and lone surrogates become U+FFFD).
//
// It only decides what it is sure of: every method returns false on
// anything else — malformed JSON, a value of an unexpected type, a key with
// an escape or a non-ASCII letter (encoding/json folds those by Unicode
// rules), nesting deeper than maxParseDepth — and its caller then decodes
// the same bytes with encoding/json, the reference. TestDecodeAgrees and
// FuzzDecodeAgrees hold the two to the same answers.
type jsonParser struct {
	b []byte
	i int
}

// maxParseDepth bounds the nesting the parser skips; deeper input goes to
// encoding/json (which allows 10,000 levels).
const maxParseDepth = 256

// peek skips whitespace and returns the next byte, or 0 at the end.
func (p *jsonParser) peek() byte {
	for p.i < len(p.b) {
		switch c := p.b[p.i]; c {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return c
		}
	}
	return 0
}

// atEnd reports whether only whitespace is left.
func (p *jsonParser) atEnd() bool {
	return p.peek() == 0 && p.i == len(p.b)
}

// literal consumes lit (true, false or null) at p.i.
func (p *jsonParser) literal(lit string) bool {
	if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
		p.i += len(lit)
		return true
	}
	return false
}

// str consumes the string at p.i (its opening quote) and returns its bytes
// between the quotes; plain reports that they are printable ASCII without
// escapes, i.e. the string's value as it is.
func (p *jsonParser) str() (s []byte, plain, ok bool) {
	b := p.b
	i := p.i + 1
	start := i
	plain = true
	for i < len(b) {
		if plainByte[b[i]] {
			i++
			continue
		}
		c := b[i]
		switch {
		case c == '"':
			p.i = i + 1
			return b[start:i], plain, true
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				return nil, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || getu4(b[i:]) < 0 {
					return nil, false, false
				}
				i += 6
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default: // c >= utf8.RuneSelf
			plain = false
			i++
		}
	}
	return nil, false, false
}

// plainByte holds the bytes a plain string is made of: printable ASCII
// but the quote and the backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// number consumes a number at p.i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() bool {
	b, i := p.b, p.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	p.i = i
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skip consumes any one value, checking its syntax.
func (p *jsonParser) skip(depth int) bool {
	switch c := p.peek(); {
	case c == '"':
		_, _, ok := p.str()
		return ok
	case c == '{':
		if depth >= maxParseDepth {
			return false
		}
		return p.object(func(k []byte) bool { return p.skip(depth + 1) }, false)
	case c == '[':
		if depth >= maxParseDepth {
			return false
		}
		return p.array(func() bool { return p.skip(depth + 1) })
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || isDigit(c):
		return p.number()
	}
	return false
}

// value consumes any one value and returns its bytes.
func (p *jsonParser) value() ([]byte, bool) {
	p.peek()
	start := p.i
	if !p.skip(0) {
		return nil, false
	}
	return p.b[start:p.i], true
}

// object consumes an object at p.i, calling field for each member with p
// at its value; field must consume the value. With plainKeys, a key that
// is not plain (escapes, non-ASCII) fails the object.
func (p *jsonParser) object(field func(key []byte) bool, plainKeys bool) bool {
	if p.peek() != '{' {
		return false
	}
	p.i++
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		if p.peek() != '"' {
			return false
		}
		key, plain, ok := p.str()
		if !ok || (plainKeys && !plain) || p.peek() != ':' {
			return false
		}
		p.i++
		p.peek()
		if !field(key) {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// fields is object with plain keys, given folded to lower case (encoding/
// json matches ASCII keys to field names without regard to case).
func (p *jsonParser) fields(field func(key foldedKey) bool) bool {
	return p.object(func(key []byte) bool {
		return field(foldKey(key))
	}, true)
}

// foldedKey is an ASCII key in lower case, held by value so that matching
// it allocates nothing; a key longer than any field name is empty.
type foldedKey struct {
	b [24]byte
	n int
}

func foldKey(key []byte) foldedKey {
	var k foldedKey
	if len(key) > len(k.b) {
		return k
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k.b[i] = c
	}
	k.n = len(key)
	return k
}

// array consumes an array at p.i, calling elem with p at each element;
// elem must consume it.
func (p *jsonParser) array(elem func() bool) bool {
	if p.peek() != '[' {
		return false
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		return true
	}
	for {
		p.peek()
		if !elem() {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return true
		default:
			return false
		}
	}
}

// stringInto decodes a string into dst; null leaves dst as it is.
func (p *jsonParser) stringInto(dst *string) bool {
	switch p.peek() {
	case '"':
		s, plain, ok := p.str()
		if !ok {
			return false
		}
		*dst = stringOf(s, plain)
		return true
	case 'n':
		return p.literal("null")
	}
	return false
}

// boolInto decodes a boolean into dst; null leaves dst as it is.
func (p *jsonParser) boolInto(dst *bool) bool {
	switch p.peek() {
	case 't':
		*dst = true
		return p.literal("true")
	case 'f':
		*dst = false
		return p.literal("false")
	case 'n':
		return p.literal("null")
	}
	return false
}

// structInto decodes an object with fields; null leaves the struct as it
// is (encoding/json merges a repeated object into the same struct).
func (p *jsonParser) structInto(field func(key foldedKey) bool) bool {
	switch p.peek() {
	case '{':
		return p.fields(field)
	case 'n':
		return p.literal("null")
	}
	return false
}

// stringOf is the value of a string's bytes between its quotes.
func stringOf(s []byte, plain bool) string {
	if !plain {
		return unquote(s)
	}
	// Values repeated in every activity are not allocated again.
	switch string(s) {
	case "":
		return ""
	case "message":
		return "message"
	case "invoke":
		return "invoke"
	case "msteams":
		return "msteams"
	case "personal":
		return "personal"
	case "groupChat":
		return "groupChat"
	case "channel":
		return "channel"
	case "plain":
		return "plain"
	case "markdown":
		return "markdown"
	case "mention":
		return "mention"
	case "clientInfo":
		return "clientInfo"
	case "en-US":
		return "en-US"
	case "user":
		return "user"
	case "bot":
		return "bot"
	}
	return string(s)
}

// unquote decodes a string's bytes between its quotes, already checked by
// str, as encoding/json does: escapes decoded, a valid surrogate pair
// joined, a lone surrogate and each byte of invalid UTF-8 replaced by
// U+FFFD.
func unquote(s []byte) string {
	r := 0
	for r < len(s) {
		c := s[r]
		if c == '\\' {
			break
		}
		if c < utf8.RuneSelf {
			r++
			continue
		}
		rr, size := utf8.DecodeRune(s[r:])
		if rr == utf8.RuneError && size == 1 {
			break
		}
		r += size
	}
	if r == len(s) {
		return string(s)
	}
	b := make([]byte, r, len(s)+2*utf8.UTFMax)
	copy(b, s[:r])
	for r < len(s) {
		switch c := s[r]; {
		case c == '\\':
			switch s[r+1] {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						b = utf8.AppendRune(b, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // " \ /
				b = append(b, s[r+1])
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return string(b)
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
