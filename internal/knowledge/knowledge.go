// Package knowledge holds the knowledge base of an engagement or a
// workspace: pages grouped by area (a process, a system, a customer
// segment…), written in Markdown and rendered safely, versioned with a line
// diff between versions, each with an owner and a review date (a page past
// its review date is stale); and, per area, who knows it and its bus factor
// (BusFactors). The store loads what a decision needs, calls it and
// persists the result.
package knowledge

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Limits of a page, in characters.
const (
	MaxArea  = 80
	MaxTitle = 200
	MaxBody  = 100_000
)

// DefaultReviewMonths is how long after it is written or reviewed a page
// is due for review when no date is given.
const DefaultReviewMonths = 6

// Audit actions.
const (
	ActionPageCreated  = "knowledge.page_created"
	ActionPageEdited   = "knowledge.page_edited"
	ActionPageReviewed = "knowledge.page_reviewed"
	ActionRunnerNamed  = "knowledge.runner_named"
	ActionRunnerFreed  = "knowledge.runner_removed"
)

// Page is one page of the knowledge base. EngagementID is 0 for a page of
// the workspace (the client's own, which partner people never see).
type Page struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	Area         string
	Title        string
	Body         string // Markdown
	Version      int
	OwnerID      int64
	OwnerName    string
	ReviewOn     tandem.Date
	UpdatedBy    int64
	UpdatedName  string
	UpdatedAt    time.Time
}

// Version is one stored version of a page.
type Version struct {
	Version    int
	Title      string
	Area       string
	Body       string
	AuthorID   int64
	AuthorName string
	At         time.Time
}

// Normalize trims what a person typed.
func (p *Page) Normalize() {
	p.Area = strings.Join(strings.Fields(p.Area), " ")
	p.Title = strings.TrimSpace(p.Title)
	p.Body = strings.TrimRight(strings.ReplaceAll(p.Body, "\r\n", "\n"), " \n\t")
}

// Validate checks a page's fields.
func (p *Page) Validate() error {
	var v tandem.Validator
	if v.Required("area", p.Area) {
		v.MaxLen("area", p.Area, MaxArea)
	}
	if v.Required("title", p.Title) {
		v.MaxLen("title", p.Title, MaxTitle)
	}
	if v.Required("body", p.Body) {
		v.Check(utf8.RuneCountInString(p.Body) <= MaxBody, "body", i18n.K("validation.too_long"), "max", MaxBody)
	}
	return v.Err()
}

// DefaultReview is the review date of a page written or reviewed on day
// when none is given: DefaultReviewMonths later.
func DefaultReview(day tandem.Date) tandem.Date {
	return tandem.DateOf(day.Time().AddDate(0, DefaultReviewMonths, 0))
}

// Stale reports whether a page is past its review date on today.
func (p *Page) Stale(today tandem.Date) bool {
	return !p.ReviewOn.IsZero() && p.ReviewOn.Before(today)
}

// MayWrite decides whether a person of side may write pages of the
// engagement (engagementID > 0) or of the workspace (0): the workspace's
// pages are the client's. The route's rule and the store's scope decide the
// rest. Errors: EForbidden.
func MayWrite(side tandem.Side, engagementID int64) error {
	if engagementID == 0 && side != tandem.SideClient {
		return tandem.ErrForbidden
	}
	return nil
}
