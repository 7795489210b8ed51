package schemafast

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// Formats for hosts and addresses, stricter than v6's (the current
// JSON-Schema-Test-Suite checks IDNA2008 A-labels, contextual rules and
// exact IPv4/IPv6 syntax).

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ipv4Strict: four decimal octets, no leading zeros, no signs or spaces.
func ipv4Strict(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return false
		}
		n := 0
		for i := 0; i < len(p); i++ {
			if !isDigit(p[i]) {
				return false
			}
			n = n*10 + int(p[i]-'0')
		}
		if n > 255 {
			return false
		}
	}
	return true
}

// ipv6Strict: RFC 4291 text form, no zone, an embedded IPv4 strict.
func ipv6Strict(s string) bool {
	if s == "" || strings.ContainsAny(s, "%/[] \t\n") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Contains(s[i:], ".") && !ipv4Strict(s[i+1:]) {
		return false
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

// hostnameASCII is RFC 1123 with A-label (xn--) validation.
func hostnameASCII(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !ldhLabel(label) {
			return false
		}
	}
	return true
}

func ldhLabel(label string) bool {
	if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
		return false
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-') {
			return false
		}
	}
	// RFC 1123 allows "--" anywhere; an "xn--" label must be a valid A-label.
	if len(label) >= 4 && strings.EqualFold(label[:4], "xn--") {
		u, err := idna.Punycode.ToUnicode(strings.ToLower(label))
		if err != nil || u == "" || u == label {
			return false
		}
		return uLabel(u)
	}
	return true
}

// idnHostname accepts U-labels and A-labels, with the IDNA label
// separators (U+002E, U+3002, U+FF0E, U+FF61).
func idnHostname(s string) bool {
	if s == "" {
		return false
	}
	s = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(s)
	total := 0
	labels := strings.Split(s, ".")
	if !bidiDomainOK(labels) {
		return false
	}
	for _, label := range labels {
		if label == "" {
			return false
		}
		ascii := true
		for i := 0; i < len(label); i++ {
			if label[i] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			if !ldhLabel(label) {
				return false
			}
			total += len(label) + 1
			continue
		}
		if !uLabel(label) {
			return false
		}
		a, err := idna.Punycode.ToASCII(label)
		if err != nil || len(a) > 63 {
			return false
		}
		total += len(a) + 1
	}
	return total-1 <= 253
}

var idnaRegistration = idna.New(idna.ValidateForRegistration())

// uLabel checks an IDNA2008 U-label (RFC 5891 5.4, RFC 5892 contextual
// rules and exceptions); the derived properties come from x/net/idna.
func uLabel(label string) bool {
	if !norm.NFC.IsNormalString(label) {
		return false
	}
	rs := []rune(label)
	if len(rs) == 0 || len(rs) > 63 {
		return false
	}
	if len(rs) >= 4 && rs[2] == '-' && rs[3] == '-' {
		return false
	}
	if rs[0] == '-' || rs[len(rs)-1] == '-' || unicode.Is(unicode.M, rs[0]) {
		return false
	}
	arabic, extArabic, kanaHan := false, false, false
	for _, r := range rs {
		switch {
		case r >= 0x0660 && r <= 0x0669:
			arabic = true
		case r >= 0x06F0 && r <= 0x06F9:
			extArabic = true
		case unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) && r != 0x30FB:
			kanaHan = true
		}
	}
	if arabic && extArabic {
		return false
	}
	// The contextual characters are checked here, then left out of the
	// derived-property check (x/net/idna does not know CONTEXTO rules).
	check := make([]rune, 0, len(rs))
	for i, r := range rs {
		switch r {
		case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B:
			return false // RFC 5892 2.6 exceptions: DISALLOWED
		case 0x00B7: // MIDDLE DOT: between two 'l'
			if i == 0 || i == len(rs)-1 || rs[i-1] != 'l' || rs[i+1] != 'l' {
				return false
			}
		case 0x0375: // GREEK KERAIA: followed by Greek
			if i == len(rs)-1 || !unicode.Is(unicode.Greek, rs[i+1]) {
				return false
			}
		case 0x05F3, 0x05F4: // HEBREW GERESH/GERSHAYIM: preceded by Hebrew
			if i == 0 || !unicode.Is(unicode.Hebrew, rs[i-1]) {
				return false
			}
		case 0x30FB: // KATAKANA MIDDLE DOT: Hiragana, Katakana or Han in the label
			if !kanaHan {
				return false
			}
		case 0x200D: // ZWJ: after a virama
			if !afterVirama(rs, i) {
				return false
			}
		case 0x200C: // ZWNJ: after a virama, or between joining letters
			if !afterVirama(rs, i) && !(joiningAround(rs, i, -1) && joiningAround(rs, i, 1)) {
				return false
			}
		default:
			// IDNA2008 PVALID letters, marks and digits only (RFC 5892
			// 2.1-2.3); symbols and punctuation are DISALLOWED.
			pvalidException := r == 0x00DF || r == 0x03C2 || r == 0x06FD || r == 0x06FE || r == 0x0F0B || r == 0x3007
			if r != '-' && !pvalidException && !unicode.In(r, unicode.Ll, unicode.Lo, unicode.Lm, unicode.Mn, unicode.Mc, unicode.Nd) {
				return false
			}
			check = append(check, r)
		}
	}
	if len(check) == 0 {
		return true
	}
	_, err := idnaRegistration.ToASCII(string(check))
	return err == nil
}

func afterVirama(rs []rune, i int) bool {
	return i > 0 && norm.NFD.PropertiesString(string(rs[i-1])).CCC() == 9
}

// joiningAround approximates RFC 5892 A.1's Joining_Type context: the
// nearest non-transparent neighbour (skipping marks) in direction dir is a
// letter of a joining script.
func joiningAround(rs []rune, i, dir int) bool {
	for j := i + dir; j >= 0 && j < len(rs); j += dir {
		r := rs[j]
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		return unicode.IsLetter(r) && unicode.In(r, unicode.Arabic, unicode.Syriac, unicode.Nko, unicode.Mongolian, unicode.Mandaic, unicode.Manichaean, unicode.Psalter_Pahlavi, unicode.Adlam)
	}
	return false
}

// bidiDomainOK is RFC 5893's rule across labels: in a domain with any
// right-to-left label, every label starts with L, R or AL.
func bidiDomainOK(labels []string) bool {
	rtl := false
	for _, l := range labels {
		for _, r := range l {
			p, _ := bidi.LookupRune(r)
			if c := p.Class(); c == bidi.R || c == bidi.AL {
				rtl = true
			}
		}
	}
	if !rtl {
		return true
	}
	for _, l := range labels {
		r, _ := utf8.DecodeRuneInString(l)
		p, _ := bidi.LookupRune(r)
		if c := p.Class(); c != bidi.L && c != bidi.R && c != bidi.AL {
			return false
		}
	}
	return true
}
