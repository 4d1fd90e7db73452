package governance

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Source is where an agenda item comes from.
type Source string

// Sources of agenda items. A generated item carries the kind of what
// waits (package portfolio's Kind) as its source.
const (
	SourceManual  Source = "manual"  // a person added it
	SourceCarried Source = "carried" // not reached at the previous occurrence
	SourceAction  Source = "action"  // an open action item
	// SourceAmendment is an amendment of the terms proposed and not yet
	// decided (RecordID: its number within the engagement).
	SourceAmendment Source = "amendment"
)

// Item is one item of an occurrence's agenda.
type Item struct {
	ID       int64 // 0 for a generated item not stored yet
	Source   Source
	RecordID int64  // what it is about (a deliverable, notice … or an action item)
	Title    string // what, as people named it
	Notes    string
	Reached  bool
	AddedBy  int64
	Position int
	// Since is when what a generated item is about happened (a notice
	// filed, a deliverable's due time passed …); zero when the moment is
	// not known (a KPI's status is of its current period). Not stored.
	Since time.Time
	// StillOpen marks a generated item that happened before the agenda's
	// window and was on the previous held meeting's agenda: it still waits.
	StillOpen bool
}

// Key identifies an item within an agenda: a generated item by what it is
// about, a stored one by its id.
func (it Item) Key() string {
	switch it.Source {
	case SourceManual, SourceCarried:
		return "i" + strconv.FormatInt(it.ID, 10)
	}
	if it.RecordID == 0 { // a KPI: named by its title
		return string(it.Source) + ":" + it.Title
	}
	return string(it.Source) + ":" + strconv.FormatInt(it.RecordID, 10)
}

// NewItem checks an item a person adds to an agenda.
func NewItem(title string) (Item, error) {
	title = strings.TrimSpace(title)
	var v tandem.Validator
	v.Required("title", title)
	v.MaxLen("title", title, MaxTitle)
	return Item{Source: SourceManual, Title: title}, v.Err()
}

// CheckNotes checks the notes of an item.
func CheckNotes(notes string) (string, error) {
	notes = strings.TrimSpace(notes)
	var v tandem.Validator
	v.MaxLen("notes", notes, MaxText)
	return notes, v.Err()
}

// Window is the stretch of time an agenda covers, From inclusive, To
// exclusive: "what happened since the last meeting".
type Window struct{ From, To time.Time }

// WindowOf is the window of an occurrence starting at startsAt: from the
// start of the previous held occurrence of its series (previousHeld), or,
// when none was held, from the start of the engagement (engagementStart),
// up to startsAt.
func WindowOf(previousHeld, engagementStart, startsAt time.Time) Window {
	from := previousHeld
	if from.IsZero() {
		from = engagementStart
	}
	return Window{From: from, To: startsAt}
}

// Contains reports whether t falls in the window.
func (w Window) Contains(t time.Time) bool { return !t.Before(w.From) && t.Before(w.To) }

// SinceLast picks from what waits on the engagement now (generated, each
// with its Since) what the agenda of window w lists, given the items
// stored on the previous held meeting's agenda (previous), by the rule of
// the package doc: open action items always; what happened in the window,
// as new; what happened before it and still waits, marked StillOpen
// (normally it was on the previous agenda; when it was not, because the
// chair who finalised could not see it, say, it is listed all the same
// rather than lost); what has no known moment (a KPI's status) as new
// unless the previous agenda had it. What happened after the window
// started this meeting is left to the next agenda, whose window holds it.
func SinceLast(generated []Item, w Window, previous []Item) []Item {
	before := map[string]bool{}
	for _, it := range previous {
		before[it.Key()] = true
	}
	var out []Item
	for _, it := range generated {
		it.StillOpen = false
		switch {
		case it.Source == SourceAction:
		case it.Since.IsZero():
			it.StillOpen = before[it.Key()]
		case w.Contains(it.Since):
		case it.Since.Before(w.From):
			it.StillOpen = true
		default:
			continue
		}
		out = append(out, it)
	}
	return out
}

// Agenda merges the stored items of an occurrence with what the engagement
// generates now (what waits, open action items): a generated item already
// stored (with notes) appears once, as stored. While the minutes are open
// the generated items are live; once final, only the stored ones count
// (final reports it). Order: stored manual and carried items by position,
// then generated ones in the order given.
func Agenda(stored, generated []Item, final bool) []Item {
	out := make([]Item, 0, len(stored)+len(generated))
	have := map[string]bool{}
	var gen []Item
	for _, it := range stored {
		have[it.Key()] = true
		if it.Source == SourceManual || it.Source == SourceCarried {
			out = append(out, it)
		} else {
			gen = append(gen, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	if !final {
		live := map[string]Item{}
		for _, it := range generated {
			live[it.Key()] = it
		}
		for i, it := range gen { // a generated item stored with a note: still open as it stands now
			if g, ok := live[it.Key()]; ok {
				gen[i].StillOpen, gen[i].Since = g.StillOpen, g.Since
			}
		}
		for _, it := range generated {
			if !have[it.Key()] {
				have[it.Key()] = true
				gen = append(gen, it)
			}
		}
	}
	return append(out, gen...)
}

// Carried are the items of a finalised agenda that come back on the next
// occurrence: the manual and carried items not reached. (Generated items
// and open action items come back by themselves while they still wait.)
func Carried(items []Item) []Item {
	var out []Item
	for _, it := range items {
		if !it.Reached && (it.Source == SourceManual || it.Source == SourceCarried) {
			out = append(out, Item{Source: SourceCarried, RecordID: it.ID, Title: it.Title, AddedBy: it.AddedBy})
		}
	}
	return out
}

// Decision is one decision of an engagement, numbered per engagement.
type Decision struct {
	ID           int64
	EngagementID int64
	MeetingID    int64
	Number       int
	Text         string
	BeyondPowers bool // recorded as beyond the committee's powers: flagged
	CreatedBy    int64
	CreatedAt    time.Time
}

// Check checks a new decision.
func (d *Decision) Check() error {
	d.Text = strings.TrimSpace(d.Text)
	var v tandem.Validator
	v.Required("text", d.Text)
	v.MaxLen("text", d.Text, MaxText)
	return v.Err()
}

// ActionItem is something someone on either side is to do by a date.
type ActionItem struct {
	ID              int64
	WorkspaceID     int64
	EngagementID    int64
	EngagementTitle string
	MeetingID       int64
	Title           string
	OwnerID         int64
	OwnerName       string
	OwnerPartner    bool // the owner is a partner's person
	Due             tandem.Date
	DueEnd          time.Time // the end of the due date in the workspace's zone (filled by the store)
	Link            string    // optional: a URL or a record's page
	Topic           string    // weekly consultation: the topic
	Tool            string    // weekly consultation: the tool recommended
	DoneAt          time.Time
	AlertedAt       time.Time
	CreatedAt       time.Time
}

// Open reports whether the action item is not done.
func (a *ActionItem) Open() bool { return a.DoneAt.IsZero() }

// Overdue reports whether a is open and its due date is before the local
// date of now.
func (a *ActionItem) Overdue(now time.Time, loc *time.Location) bool {
	return a.Open() && !a.Due.IsZero() && a.Due.Before(tandem.DateOf(now.In(loc)))
}

// Check checks a new action item; a consultation's needs a topic.
func (a *ActionItem) Check(kind string) error {
	a.Title, a.Link = strings.TrimSpace(a.Title), strings.TrimSpace(a.Link)
	a.Topic, a.Tool = strings.TrimSpace(a.Topic), strings.TrimSpace(a.Tool)
	if a.Title == "" && kind == KindConsultation && a.Topic != "" {
		a.Title = a.Topic
		if a.Tool != "" {
			a.Title += " — " + a.Tool
		}
	}
	var v tandem.Validator
	v.Required("title", a.Title)
	v.MaxLen("title", a.Title, MaxTitle)
	v.Check(a.OwnerID > 0, "owner_id", i18n.K("validation.required"))
	v.Check(!a.Due.IsZero(), "due", i18n.K("validation.required"))
	v.MaxLen("link", a.Link, MaxPlace)
	if a.Link != "" && !strings.HasPrefix(a.Link, "/") {
		v.URL("link", a.Link)
	}
	v.MaxLen("topic", a.Topic, MaxTitle)
	v.MaxLen("tool", a.Tool, MaxTitle)
	if kind == KindConsultation {
		v.Required("topic", a.Topic)
	}
	return v.Err()
}

// AlertDue reports whether an overdue alert is owed for a: overdue and not
// yet alerted.
func (a *ActionItem) AlertDue(now time.Time, loc *time.Location) bool {
	return a.Overdue(now, loc) && a.AlertedAt.IsZero()
}

// Health is how many meetings an engagement held against how many were due.
type Health struct {
	Due  int // occurrences that have started, cancelled ones included
	Held int // of those, with finalised minutes
}

// Missed is how many were due and not held.
func (h Health) Missed() int { return h.Due - h.Held }

// Drifting reports whether fewer than three in four meetings due were held.
func (h Health) Drifting() bool { return h.Due > 0 && h.Held*4 < h.Due*3 }

// HealthOf counts the occurrences started by now and the ones held.
func HealthOf(os []Occurrence, now time.Time) Health {
	var h Health
	for _, o := range os {
		if o.StartsAt.After(now) {
			continue
		}
		h.Due++
		if o.Finalised() {
			h.Held++
		}
	}
	return h
}
