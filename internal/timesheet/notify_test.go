package timesheet

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestEntryMessages(t *testing.T) {
	t.Parallel()
	day, err := tandem.ParseDate("2026-11-03")
	if err != nil {
		t.Fatal(err)
	}
	e := &Entry{UserID: 7, Person: "Agnes Agent", Day: day, Minutes: 150, State: Pending}
	m := e.Submitted()
	if m.Kind != "time.submitted" || !m.To.Client || m.To.Partner || len(m.To.Users) != 0 || m.Args["person"] != "Agnes Agent" ||
		m.Args["day"] != "2026-11-03" || m.Args["minutes"] != int64(150) {
		t.Errorf("submitted: %+v", m)
	}
	e.State = Approved
	if m := e.Decided(); m.Kind != "time.approved" || m.To.Client || m.To.Partner || len(m.To.Users) != 1 || m.To.Users[0] != 7 {
		t.Errorf("approved: %+v", m)
	}
	e.State, e.Reason = Rejected, "Not in the scope"
	if m := e.Decided(); m.Kind != "time.rejected" || m.Args["reason"] != "Not in the scope" || m.To.Users[0] != 7 {
		t.Errorf("rejected: %+v", m)
	}
}
