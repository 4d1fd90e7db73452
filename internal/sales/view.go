package sales

import (
	"strings"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Scope is which accounts of the base a role sees.
type Scope int

// Scopes.
const (
	ScopeNone      Scope = iota // nothing
	ScopeWorkspace              // the whole base: the client's people
	ScopePartner                // accounts assigned to the engagements of the person's partner
	ScopeAssigned               // accounts assigned to the person, on engagements they are assigned to
)

// ScopeOf is which accounts role sees. Unassigned accounts are the
// client's alone.
func ScopeOf(role tandem.Role) Scope {
	switch role {
	case tandem.RoleOwner, tandem.RoleManager, tandem.RoleViewer:
		return ScopeWorkspace
	case tandem.RoleVendorManager:
		return ScopePartner
	case tandem.RoleVendorAgent:
		return ScopeAssigned
	}
	return ScopeNone
}

// SeesDetails reports whether role reads contact details in full. Only the
// client's people do; a partner's person sees them masked and reveals one
// at a time.
func SeesDetails(role tandem.Role) bool { return ScopeOf(role) == ScopeWorkspace }

// SearchesDetails reports whether a search by role may match phone numbers
// and e-mail addresses. A partner's search never does: a hit would tell
// whether a number is in the base.
func SearchesDetails(role tandem.Role) bool { return SeesDetails(role) }

// MaxPartnerPage is the most rows one page of the base holds for a
// partner's person, in pages and in the API: no bulk listing of the base.
const MaxPartnerPage = 100

// PageLimit clamps the rows asked for one page to what role may list at once.
func PageLimit(role tandem.Role, asked int) int {
	if !SeesDetails(role) && asked > MaxPartnerPage {
		return MaxPartnerPage
	}
	return asked
}

// Exposure is how much of a field a partner's person sees.
type Exposure int

// Exposures, from none to all.
const (
	Hidden Exposure = iota // not at all: the zero value, so a field nobody decided on is hidden
	Masked                 // masked: a detail's dots, free text with numbers and addresses dotted out
	Shown                  // as it is
)

// PartnerAccountFields and PartnerContactFields say, for every field of
// Account and Contact, what a partner's person sees of it. A test fails
// when a field is missing here, and PartnerAccount and PartnerContact copy
// only what these say: a field added to the model is hidden from partners
// until someone decides otherwise, here.
var (
	PartnerAccountFields = map[string]Exposure{
		"ID": Shown, "WorkspaceID": Shown, "Name": Shown, "RegNumber": Shown, "Country": Shown, "City": Shown,
		"Website": Shown, "Industry": Shown, "Size": Shown, "Status": Shown, "Source": Shown, "Tags": Shown,
		"Notes": Masked, "EngagementID": Shown, "EngagementTitle": Shown, "AgentID": Shown, "AgentName": Shown,
		"Contacts": Shown, "CreatedAt": Shown, "UpdatedAt": Shown,
	}
	PartnerContactFields = map[string]Exposure{
		"ID": Shown, "WorkspaceID": Shown, "AccountID": Shown, "Name": Shown, "Position": Shown,
		"DecisionMaker": Shown, "Phones": Masked, "Emails": Masked, "Notes": Masked, "CreatedAt": Shown, "UpdatedAt": Shown,
	}
)

// ViewAccount is what role may see of a: all of it for the client's
// people, PartnerAccount for a partner's.
func ViewAccount(role tandem.Role, a Account) Account {
	if SeesDetails(role) {
		return a
	}
	return PartnerAccount(a)
}

// PartnerAccount copies the fields of a that PartnerAccountFields lets a
// partner's person see, masking the masked ones.
func PartnerAccount(a Account) Account {
	return Account{
		ID: a.ID, WorkspaceID: a.WorkspaceID, Name: a.Name, RegNumber: a.RegNumber, Country: a.Country, City: a.City,
		Website: a.Website, Industry: a.Industry, Size: a.Size, Status: a.Status, Source: a.Source,
		Tags: append([]string(nil), a.Tags...), Notes: MaskText(a.Notes), EngagementID: a.EngagementID,
		EngagementTitle: a.EngagementTitle, AgentID: a.AgentID, AgentName: a.AgentName, Contacts: a.Contacts,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

// ContactView is a contact as one reader sees it. Masked is set when the
// details are masked; a masked detail has its dotted Value and no Typed.
type ContactView struct {
	Contact
	Masked bool
}

// ViewContact is what role may see of c: all of it for the client's
// people, PartnerContact for a partner's.
func ViewContact(role tandem.Role, c Contact) ContactView {
	if SeesDetails(role) {
		return ContactView{Contact: c}
	}
	return ContactView{Contact: PartnerContact(c), Masked: true}
}

// PartnerContact copies the fields of c that PartnerContactFields lets a
// partner's person see, masking the masked ones: every phone number and
// e-mail address is dotted (what was typed is dropped), and numbers and
// addresses written in the notes are dotted too.
func PartnerContact(c Contact) Contact {
	return Contact{
		ID: c.ID, WorkspaceID: c.WorkspaceID, AccountID: c.AccountID, Name: c.Name, Position: c.Position,
		DecisionMaker: c.DecisionMaker, Phones: maskDetails(c.Phones), Emails: maskDetails(c.Emails),
		Notes: MaskText(c.Notes), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func maskDetails(ds []Detail) []Detail {
	out := make([]Detail, len(ds))
	for i, d := range ds {
		out[i] = Detail{ID: d.ID, Field: d.Field, Value: MaskDetail(d.Field, d.Value)}
	}
	return out
}

// MaskDetail masks one normalized detail of the given field.
func MaskDetail(f Field, value string) string {
	if f == FieldEmail {
		return MaskEmail(value)
	}
	return MaskPhone(value)
}

// Display is a detail as a reader sees it: a phone number in groups, an
// e-mail address as it is; a masked value unchanged.
func Display(d Detail) string {
	if d.Field == FieldPhone && !strings.Contains(d.Value, bullet) {
		return FormatPhone(d.Value)
	}
	return d.Value
}

var (
	emailInText = tandem.LazyRegexp(`[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[^\s@<>(),;:"'.]+`)
	phoneInText = tandem.LazyRegexp(`\+?\d[\d \-.()/]{5,}\d`)
	isoDate     = tandem.LazyRegexp(`^\d{4}-\d{2}-\d{2}$`)
)

// MaskText dots out the e-mail addresses and phone numbers written in free
// text, so that notes do not leak what the contact's fields mask: every
// digit of a run of seven or more but the last two, and an address as
// MaskEmail does. Dates written 2026-12-03 stay.
func MaskText(s string) string {
	s = emailInText().ReplaceAllStringFunc(s, func(m string) string { return MaskEmail(strings.ToLower(m)) })
	return phoneInText().ReplaceAllStringFunc(s, func(m string) string {
		n := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				n++
			}
		}
		if n < 7 || isoDate().MatchString(m) {
			return m
		}
		var b strings.Builder
		seen := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				seen++
				if seen <= n-2 {
					b.WriteString(bullet)
					continue
				}
			}
			b.WriteRune(r)
		}
		return b.String()
	})
}
