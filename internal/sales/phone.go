package sales

import (
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// numberingPlan is what the normalizer knows of a country's telephone
// numbers: its calling code, the trunk prefixes dialled before a national
// number at home, how many digits the national significant number has, and
// how many of them make the leading group (the area or mobile prefix) when
// the number is written out.
type numberingPlan struct {
	code     string   // the country calling code, without "+"
	trunks   []string // national trunk prefixes ("0" in Sweden, "8" in Russia)
	min, max int      // digits of the national significant number
	lead     int      // digits of the leading group
}

// plans are the countries Tandem's clients sell in today: the Nordics, the
// Baltics and Russia. Other countries' numbers are accepted when typed in
// international form and kept as typed digits.
var plans = map[string]numberingPlan{
	"SE": {code: "46", trunks: []string{"0"}, min: 7, max: 9, lead: 2},
	"NO": {code: "47", min: 8, max: 8, lead: 2},
	"DK": {code: "45", min: 8, max: 8, lead: 2},
	"FI": {code: "358", trunks: []string{"0"}, min: 5, max: 11, lead: 2},
	"IS": {code: "354", min: 7, max: 9, lead: 3},
	"EE": {code: "372", min: 7, max: 8, lead: 2},
	"LV": {code: "371", min: 8, max: 8, lead: 2},
	"LT": {code: "370", trunks: []string{"8", "0"}, min: 8, max: 8, lead: 2},
	"RU": {code: "7", trunks: []string{"8"}, min: 10, max: 10, lead: 3},
}

// planOfCode finds the plan of an E.164 number's digits by its calling code.
func planOfCode(digits string) (string, numberingPlan, bool) {
	for n := 1; n <= 3 && n < len(digits); n++ {
		for region, p := range plans {
			if p.code == digits[:n] {
				return region, p, true
			}
		}
	}
	return "", numberingPlan{}, false
}

// Regions lists the countries whose national numbers the normalizer reads.
func Regions() []string { return []string{"SE", "NO", "DK", "FI", "IS", "EE", "LV", "LT", "RU"} }

// zoneRegions maps a workspace's time zone to the country its people most
// likely dial from; it is the default region for numbers typed without a
// country code.
var zoneRegions = map[string]string{
	"Europe/Stockholm": "SE", "Europe/Oslo": "NO", "Europe/Copenhagen": "DK", "Europe/Helsinki": "FI",
	"Atlantic/Reykjavik": "IS", "Europe/Tallinn": "EE", "Europe/Riga": "LV", "Europe/Vilnius": "LT",
	"Europe/Moscow": "RU", "Europe/Kaliningrad": "RU", "Europe/Samara": "RU", "Asia/Yekaterinburg": "RU",
	"Asia/Novosibirsk": "RU", "Asia/Krasnoyarsk": "RU", "Asia/Irkutsk": "RU", "Asia/Vladivostok": "RU",
}

// RegionOfZone is the default phone region of a workspace in the IANA time
// zone tz, or "" when the zone says nothing (numbers must then carry their
// country code).
func RegionOfZone(tz string) string { return zoneRegions[tz] }

// DefaultRegion is the region a contact's numbers are read in: the
// account's country when the normalizer knows it, else the workspace's.
func DefaultRegion(accountCountry, workspaceZone string) string {
	if _, ok := plans[strings.ToUpper(accountCountry)]; ok {
		return strings.ToUpper(accountCountry)
	}
	return RegionOfZone(workspaceZone)
}

// NormalizePhone reads a telephone number as a person typed it and returns
// it in E.164 ("+46701234512"). A number without a country code ("070-123
// 45 12", "8 (912) 345-67-89") is read in region, dropping the trunk
// prefix; "00" and Russia's "810" start an international number, and so
// does "+" (an "(0)" after the country code is dropped). Spaces, dashes,
// dots, slashes and brackets are ignored. The error is a field error key.
func NormalizePhone(typed, region string) (string, i18n.Key, bool) {
	s := strings.TrimSpace(typed)
	if s == "" {
		return "", i18n.K("validation.required"), false
	}
	s = strings.ReplaceAll(s, "(0)", "")
	intl := strings.HasPrefix(s, "+")
	var digits strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '/' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", i18n.K("sales.phone.invalid"), false
		}
	}
	d := digits.String()
	p, known := plans[region]
	switch {
	case intl:
	case strings.HasPrefix(d, "00"):
		d, intl = d[2:], true
	case region == "RU" && strings.HasPrefix(d, "810"):
		d, intl = d[3:], true
	case region == "RU" && len(d) == 11 && d[0] == '7':
		intl = true
	}
	if !intl {
		if !known {
			return "", i18n.K("sales.phone.needs_country_code"), false
		}
		for _, t := range p.trunks {
			if strings.HasPrefix(d, t) && len(d)-len(t) >= p.min && len(d)-len(t) <= p.max {
				d = d[len(t):]
				break
			}
		}
		if len(d) < p.min || len(d) > p.max {
			return "", i18n.K("sales.phone.invalid"), false
		}
		return "+" + p.code + d, "", true
	}
	if _, p, ok := planOfCode(d); ok {
		nsn := d[len(p.code):]
		for _, t := range p.trunks {
			if t == "0" && strings.HasPrefix(nsn, t) && len(nsn)-1 >= p.min {
				nsn = nsn[1:] // "+46 070…": no Swedish or Finnish number starts with 0
			}
		}
		if len(nsn) < p.min || len(nsn) > p.max {
			return "", i18n.K("sales.phone.invalid"), false
		}
		return "+" + p.code + nsn, "", true
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", i18n.K("sales.phone.invalid"), false
	}
	return "+" + d, "", true
}

// phoneGroups splits an E.164 number into the groups it is written in:
// the calling code, the leading group, and the rest in threes and twos
// ("+46 70 123 45 12", "+7 912 345 67 89", "+46 8 123 456 78"). A number
// of a country without a plan here is one group.
func phoneGroups(e164 string) []string {
	d := strings.TrimPrefix(e164, "+")
	region, p, ok := planOfCode(d)
	if !ok {
		return []string{"+" + d}
	}
	nsn := d[len(p.code):]
	lead := p.lead
	if (region == "SE" || region == "FI") && strings.HasPrefix(nsn, map[string]string{"SE": "8", "FI": "9"}[region]) {
		lead = 1 // Stockholm 08, Helsinki 09
	}
	if lead >= len(nsn) {
		return []string{"+" + p.code, nsn}
	}
	out := []string{"+" + p.code, nsn[:lead]}
	rest := nsn[lead:]
	for _, n := range restGroups(len(rest)) {
		out = append(out, rest[:n])
		rest = rest[n:]
	}
	return out
}

// restGroups is how the digits after the leading group are grouped.
func restGroups(n int) []int {
	switch n {
	case 1, 2, 3:
		return []int{n}
	case 4:
		return []int{2, 2}
	case 5:
		return []int{3, 2}
	case 6:
		return []int{2, 2, 2}
	case 7:
		return []int{3, 2, 2}
	case 8:
		return []int{3, 3, 2}
	}
	return append([]int{3}, restGroups(n-3)...)
}

// FormatPhone writes an E.164 number in groups for reading.
func FormatPhone(e164 string) string { return strings.Join(phoneGroups(e164), " ") }

// MaskPhone writes an E.164 number for a partner's eyes: the calling code,
// the leading group and the last group stay, every other digit is a dot
// ("+46 70 ••• •• 12"). A number of an unknown country keeps its first two
// and last two digits.
func MaskPhone(e164 string) string {
	g := phoneGroups(e164)
	if len(g) <= 2 {
		d := strings.TrimPrefix(e164, "+")
		if len(d) <= 4 {
			return "+" + strings.Repeat(bullet, len(d))
		}
		return "+" + d[:2] + strings.Repeat(bullet, len(d)-4) + d[len(d)-2:]
	}
	for i := 2; i < len(g)-1; i++ {
		g[i] = strings.Repeat(bullet, len(g[i]))
	}
	if len(g) == 3 { // nothing between the leading and the last group: hide all but its last two digits
		last := g[2]
		if len(last) > 2 {
			g[2] = strings.Repeat(bullet, len(last)-2) + last[len(last)-2:]
		}
	}
	return strings.Join(g, " ")
}

// bullet replaces a hidden character.
const bullet = "•"

// NormalizeEmail trims and lower-cases an e-mail address and checks that
// it is a bare address.
func NormalizeEmail(typed string) (string, i18n.Key, bool) {
	s := strings.ToLower(strings.TrimSpace(typed))
	if s == "" {
		return "", i18n.K("validation.required"), false
	}
	var v tandem.Validator
	if !v.Email("email", s) || len(s) > 254 {
		return "", i18n.K("validation.email"), false
	}
	return s, "", true
}

// MaskEmail writes a normalized e-mail address for a partner's eyes: the
// first letter of the mailbox and the domain stay ("k•••@norrsken.example");
// the dots do not tell how long the mailbox is.
func MaskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return bullet + bullet + bullet
	}
	first := []rune(local)[0]
	return string(first) + bullet + bullet + bullet + "@" + domain
}
