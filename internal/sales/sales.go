// Package sales is the outsourced-sales capability: the client's base of
// accounts (companies) and contacts, who of the partner works which
// account, what of a contact a partner's person may see, and revealing one
// contact detail with a reason, held to a quota. It decides; the store
// persists and the web adapter translates.
//
// The base belongs to the client workspace. The client assigns accounts to
// a sales engagement and optionally to one of the partner's agents; an
// agent sees only the accounts assigned to them, the partner's managers
// those of their partner's engagements, and nobody of the partner sees an
// unassigned account. What a partner's person sees of an account or a
// contact is decided field by field in view.go, as an allow-list.
package sales

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Status is where an account stands with the client.
type Status string

// Account statuses.
const (
	StatusProspect Status = "prospect"
	StatusCustomer Status = "customer"
	StatusFormer   Status = "former_customer"
)

// Statuses lists the account statuses in display order.
var Statuses = []Status{StatusProspect, StatusCustomer, StatusFormer}

// Size is a company's size band by head count.
type Size string

// Size bands (EU definitions: micro < 10, small < 50, medium < 250).
const (
	SizeMicro  Size = "micro"
	SizeSmall  Size = "small"
	SizeMedium Size = "medium"
	SizeLarge  Size = "large"
)

// Sizes lists the size bands, smallest first.
var Sizes = []Size{SizeMicro, SizeSmall, SizeMedium, SizeLarge}

// Account is a company of the client's base.
type Account struct {
	ID          int64
	WorkspaceID int64
	Name        string
	RegNumber   string // org.nr, registrikood, ИНН …
	Country     string // ISO 3166-1 alpha-2
	City        string
	Website     string
	Industry    string
	Size        Size
	Status      Status
	Source      string // where the account came from: a fair, a list, a referral
	Tags        []string
	Notes       string
	// Who works it: a sales engagement and optionally an agent (a
	// membership) of that engagement's partner. Zero: the client's alone.
	EngagementID    int64
	EngagementTitle string
	AgentID         int64
	AgentName       string
	Contacts        int // how many contacts it has
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Normalize trims the account's text and puts its codes in canonical form.
func (a *Account) Normalize() {
	for _, s := range []*string{&a.Name, &a.RegNumber, &a.City, &a.Website, &a.Industry, &a.Source, &a.Notes} {
		*s = strings.TrimSpace(*s)
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	if a.Website != "" && !strings.Contains(a.Website, "://") {
		a.Website = "https://" + a.Website // people type "norrsken.example"
	}
	if a.Status == "" {
		a.Status = StatusProspect
	}
	a.Tags = NormalizeTags(a.Tags)
}

// NormalizeTags trims, lower-cases and de-duplicates tags, dropping empty
// ones; a comma, which separates tags where they are typed, becomes a space.
func NormalizeTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(t, ",", " ")))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// SplitTags reads tags typed as one comma-separated text.
func SplitTags(s string) []string { return NormalizeTags(strings.Split(s, ",")) }

// Validate reports every problem with the account.
func (a *Account) Validate() error {
	var v tandem.Validator
	if v.Required("name", a.Name) {
		v.MaxLen("name", a.Name, 200)
	}
	v.MaxLen("reg_number", a.RegNumber, 40)
	if a.Country != "" {
		v.Check(len(a.Country) == 2 && a.Country[0] >= 'A' && a.Country[0] <= 'Z' && a.Country[1] >= 'A' && a.Country[1] <= 'Z',
			"country", i18n.K("validation.country"))
	}
	v.MaxLen("city", a.City, 100)
	if v.MaxLen("website", a.Website, 300) {
		v.URL("website", a.Website)
	}
	v.MaxLen("industry", a.Industry, 100)
	if a.Size != "" {
		v.Check(slices.Contains(Sizes, a.Size), "size", i18n.K("validation.one_of"))
	}
	v.Check(slices.Contains(Statuses, a.Status), "status", i18n.K("validation.one_of"))
	v.MaxLen("source", a.Source, 100)
	v.Check(len(a.Tags) <= 20, "tags", i18n.K("sales.account.too_many_tags"), "max", 20)
	for _, t := range a.Tags {
		if !v.MaxLen("tags", t, 40) {
			break
		}
	}
	v.MaxLen("notes", a.Notes, 5000)
	return v.Err()
}

// SearchText is what an account is found by: its name, registration
// number and city, folded. Contact details are never part of it, so a
// search cannot tell a partner's person whether a number is in the base.
func (a *Account) SearchText() string { return Fold(a.Name + " " + a.RegNumber + " " + a.City) }

// Field names a kind of contact detail.
type Field string

// Contact details.
const (
	FieldPhone Field = "phone"
	FieldEmail Field = "email"
)

// Detail is one phone number or e-mail address of a contact: normalized
// (E.164, lower case) and as it was typed.
type Detail struct {
	ID    int64
	Field Field
	Value string
	Typed string
}

// MatchKey is the key a dialer's call finds the detail by: a phone
// number's last PhoneMatchDigits digits (PhoneKey), "" for an e-mail.
func (d Detail) MatchKey() string {
	if d.Field != FieldPhone {
		return ""
	}
	return PhoneKey(d.Value)
}

// Contact is a person at an account.
type Contact struct {
	ID            int64
	WorkspaceID   int64
	AccountID     int64
	Name          string
	Position      string
	DecisionMaker bool
	Phones        []Detail
	Emails        []Detail
	Notes         string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Normalize trims the contact's text and normalizes its phone numbers (in
// region when they carry no country code) and e-mail addresses, keeping
// what was typed. Problems are reported by Validate.
func (c *Contact) Normalize(region string) {
	c.Name, c.Position, c.Notes = strings.TrimSpace(c.Name), strings.TrimSpace(c.Position), strings.TrimSpace(c.Notes)
	c.Phones = normalizeDetails(c.Phones, FieldPhone, func(s string) (string, bool) {
		v, _, ok := NormalizePhone(s, region)
		return v, ok
	})
	c.Emails = normalizeDetails(c.Emails, FieldEmail, func(s string) (string, bool) {
		v, _, ok := NormalizeEmail(s)
		return v, ok
	})
}

func normalizeDetails(ds []Detail, f Field, norm func(string) (string, bool)) []Detail {
	out := make([]Detail, 0, len(ds))
	for _, d := range ds {
		d.Typed, d.Field = strings.TrimSpace(d.Typed), f
		if d.Typed == "" {
			continue
		}
		if v, ok := norm(d.Typed); ok {
			if slices.ContainsFunc(out, func(o Detail) bool { return o.Value == v }) {
				continue // the same number twice (at most ten: a scan, not a map)
			}
			d.Value = v
		} else {
			d.Value = ""
		}
		out = append(out, d)
	}
	return out
}

// Validate reports every problem with the contact, a detail's under
// "phones" or "emails" with the number as typed. Call Normalize first.
func (c *Contact) Validate(region string) error {
	var v tandem.Validator
	if v.Required("name", c.Name) {
		v.MaxLen("name", c.Name, 200)
	}
	v.MaxLen("position", c.Position, 200)
	v.MaxLen("notes", c.Notes, 5000)
	v.Check(len(c.Phones) <= 10, "phones", i18n.K("sales.contact.too_many"), "max", 10)
	v.Check(len(c.Emails) <= 10, "emails", i18n.K("sales.contact.too_many"), "max", 10)
	for _, d := range c.Phones {
		if d.Value == "" && !v.Has("phones") {
			_, key, _ := NormalizePhone(d.Typed, region)
			v.Add("phones", key, "value", d.Typed)
		}
	}
	for _, d := range c.Emails {
		if d.Value == "" && !v.Has("emails") {
			_, key, _ := NormalizeEmail(d.Typed)
			v.Add("emails", key, "value", d.Typed)
		}
	}
	return v.Err()
}

// SearchText is what a contact is found by: name and position, folded —
// never a phone number or an e-mail address.
func (c *Contact) SearchText() string { return Fold(c.Name + " " + c.Position) }

// Fold is the search form of a text (tandem.Fold).
func Fold(s string) string { return tandem.Fold(s) }
