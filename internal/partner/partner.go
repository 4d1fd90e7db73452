// Package partner holds the outsourcing partners a workspace works with or
// considers: their identity, their contact, and where they stand.
package partner

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Status is where a partner stands with the client.
type Status string

// Partner statuses.
const (
	StatusCandidate  Status = "candidate"
	StatusActive     Status = "active"
	StatusSuspended  Status = "suspended"
	StatusOffboarded Status = "offboarded"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusCandidate, StatusActive, StatusSuspended, StatusOffboarded}

// Partner is an outside company that does, or may do, work for the client.
type Partner struct {
	ID           int64
	WorkspaceID  int64
	LegalName    string
	RegNumber    string // official registration number
	Country      string // ISO 3166-1 alpha-2
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	// VATBP is the VAT rate the partner charges, in basis points (2500 =
	// 25 %): the VAT line of its invoices.
	VATBP     int
	Status    Status
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Normalize trims what a person typed.
func (p *Partner) Normalize() {
	p.LegalName = strings.TrimSpace(p.LegalName)
	p.RegNumber = strings.TrimSpace(p.RegNumber)
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.Website = strings.TrimSpace(p.Website)
	p.ContactName = strings.TrimSpace(p.ContactName)
	p.ContactEmail = strings.ToLower(strings.TrimSpace(p.ContactEmail))
	p.ContactPhone = strings.TrimSpace(p.ContactPhone)
	if p.Status == "" {
		p.Status = StatusCandidate
	}
}

// MaxVATBP is the highest VAT rate a partner may have: 100 %.
const MaxVATBP = 10000

// Validate reports every problem with p as field errors.
func (p *Partner) Validate() error {
	var v tandem.Validator
	if v.Required("legal_name", p.LegalName) {
		v.MaxLen("legal_name", p.LegalName, 200)
	}
	v.MaxLen("reg_number", p.RegNumber, 64)
	if p.Country != "" {
		v.Check(len(p.Country) == 2 && isUpperAlpha(p.Country), "country", i18n.K("validation.country"))
	}
	v.URL("website", p.Website)
	v.MaxLen("contact_name", p.ContactName, 200)
	v.Email("contact_email", p.ContactEmail)
	v.MaxLen("contact_phone", p.ContactPhone, 40)
	v.OneOf("status", string(p.Status), statusStrings()...)
	v.Check(p.VATBP >= 0 && p.VATBP <= MaxVATBP, "vat_bp", i18n.K("contract.validation.range"), "min", 0, "max", MaxVATBP/100)
	return v.Err()
}

// SearchText is what free-text search matches, folded in Go (tandem.Fold)
// so that "ou" finds "OÜ" on SQLite and PostgreSQL alike.
func (p *Partner) SearchText() string {
	return tandem.Fold(strings.Join([]string{p.LegalName, p.RegNumber, p.ContactName, p.ContactEmail, p.Website}, " "))
}

func statusStrings() []string {
	s := make([]string, len(Statuses))
	for i, x := range Statuses {
		s[i] = string(x)
	}
	return s
}

func isUpperAlpha(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// AuditFields is what the audit trail records of a partner; an edit records
// the fields that differ.
func (p *Partner) AuditFields() map[string]any {
	return map[string]any{"legal_name": p.LegalName, "reg_number": p.RegNumber, "country": p.Country,
		"website": p.Website, "contact_name": p.ContactName, "contact_email": p.ContactEmail,
		"contact_phone": p.ContactPhone, "status": p.Status, "vat_bp": p.VATBP}
}
