package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Report is the partner's weekly status report for one engagement and ISO
// week, named by the week's Monday in the workspace's zone. The partner may
// edit it until the client comments.
type Report struct {
	ID           int64
	WorkspaceID  int64
	EngagementID int64
	Week         tandem.Date // a Monday
	Done         string
	Next         string
	Risks        string
	Blockers     string
	Asks         string
	Figures      Figures // the week's facts, as of the last save
	AuthorID     int64
	AuthorName   string
	CreatedAt    time.Time
	UpdatedAt    time.Time

	Comment       string
	CommentedBy   int64
	CommenterName string
	CommentedAt   time.Time
}

// Saved reports whether the report is stored (a pre-filled draft is not).
func (r *Report) Saved() bool { return r.ID != 0 }

// Commented reports whether the client has commented; the report is then
// final.
func (r *Report) Commented() bool { return !r.CommentedAt.IsZero() }

// Figures are a week's facts for an engagement.
type Figures struct {
	Accepted    int `json:"accepted"`     // deliverables accepted in the week
	Returned    int `json:"returned"`     // submissions returned in the week
	Overdue     int `json:"overdue"`      // deliverables past due and not accepted at the week's end (or now)
	OpenNotices int `json:"open_notices"` // notices filed and not acknowledged at the week's end (or now)
	Breaches    int `json:"breaches"`     // breach.* facts of the week
	Penalties   int `json:"penalties"`    // penalty.* facts of the week
	Proposals   int `json:"proposals"`    // proposals raised in the week
	Risks       int `json:"risks"`        // risk warnings raised in the week
}

// Normalize trims what a person typed.
func (r *Report) Normalize() {
	for _, s := range []*string{&r.Done, &r.Next, &r.Risks, &r.Blockers, &r.Asks} {
		*s = strings.TrimSpace(*s)
	}
}

// Validate reports every problem with r as field errors: what was done is
// required, every section is at most 8000 characters.
func (r *Report) Validate() error {
	var v tandem.Validator
	v.Required("done", r.Done)
	for _, f := range []struct {
		name, s string
	}{{"done", r.Done}, {"next", r.Next}, {"risks", r.Risks}, {"blockers", r.Blockers}, {"asks", r.Asks}} {
		v.MaxLen(f.name, f.s, 8000)
	}
	return v.Err()
}

// WeekOf is the Monday of the ISO week of t in loc.
func WeekOf(t time.Time, loc *time.Location) tandem.Date {
	l := t.In(loc)
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	return tandem.DateOf(time.Date(l.Year(), l.Month(), l.Day()-back, 12, 0, 0, 0, time.UTC))
}

// ParseWeek reads a week as its Monday ("2026-03-02") or in ISO form
// ("2026-W10").
func ParseWeek(s string) (tandem.Date, error) {
	var bad = tandem.Errorf(tandem.EInvalid, i18n.K("report.bad_week"))
	if y, w, ok := isoWeek(s); ok {
		// 4 January is always in week 1.
		jan4 := time.Date(y, 1, 4, 12, 0, 0, 0, time.UTC)
		monday := WeekOf(jan4, time.UTC).Time().AddDate(0, 0, 7*(w-1))
		if _, ww := monday.ISOWeek(); ww != w {
			return tandem.Date{}, bad
		}
		return tandem.DateOf(monday), nil
	}
	d, err := tandem.ParseDate(s)
	if err != nil || d.IsZero() || d.Time().Weekday() != time.Monday {
		return tandem.Date{}, bad
	}
	return d, nil
}

func isoWeek(s string) (year, week int, ok bool) {
	if len(s) != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w') {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(s[:4]+" "+s[6:], "%d %d", &year, &week); err != nil || week < 1 || week > 53 {
		return 0, 0, false
	}
	return year, week, true
}

// WeekLabel is the ISO name of the week starting on monday, e.g. "2026-W10".
func WeekLabel(monday tandem.Date) string {
	y, w := monday.Time().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
