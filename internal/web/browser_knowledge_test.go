package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The client's manager sends the month's pulse survey; the viewer (a
// client person) follows the notification, answers it on its page and
// lands on the results, which wait for two more answers. The manager then
// writes a knowledge page and sees its area flagged with a bus factor of 1
// (only the manager knows it on the client's side).
func TestBrowserSurveyAndKnowledge(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC))
	e := newEnvAt(t, "sqlite", clock.Now)
	f := e.f
	storetest.Activate(t, e.db, f.Owner, f.A1, nil)
	en := browserCatalog.For(i18n.EN, nil)
	surveys := fmt.Sprintf("/engagements/%d/surveys", f.A1)

	manager := newBrowser(t, e)
	manager.signIn(f.Emails[tandem.RoleManager])
	manager.open(fmt.Sprintf("/engagements/%d/work", f.A1))
	// Pulse surveys are a page of the results group: its link, then theirs.
	manager.click(`nav.tabs a[data-group="results"]`)
	if st := manager.click(`nav.tabs a[href="` + surveys + `"]`); st != 200 {
		t.Fatalf("surveys tab: %d", st)
	}
	manager.click("#survey-send")
	manager.wantText(".survey-round p.muted", en.T("survey.answered", "n", 0))

	viewer := newBrowser(t, e)
	viewer.signIn(f.Emails[tandem.RoleViewer])
	viewer.open("/notifications")
	if st := viewer.click(`.notifications a[href^="/surveys/"]`); st != 200 {
		t.Fatalf("the survey's link: %d", st)
	}
	// Submitted without the last question: asked for it where it is.
	for _, q := range []string{"clarity", "feedback", "business_language", "risks"} {
		viewer.do("score "+q, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="q_%s"][value="4"]`, q))))
	}
	viewer.do("comment", chromedp.SendKeys(chromedp.CSS("#f-comment"), "Weekly notes are clear"))
	viewer.click(`#survey-form button[type="submit"]`)
	viewer.wantText(`[id="e-q_ideas"]`, en.T("validation.required"))
	viewer.do("score ideas", chromedp.Click(chromedp.CSS(`input[name="q_ideas"][value="3"]`)))
	viewer.click(`#survey-form button[type="submit"]`)
	if loc := viewer.location(); !strings.HasPrefix(loc, surveys) {
		t.Fatalf("after answering: %s", loc)
	}
	viewer.wantText(".survey-round p.muted", en.T("survey.answered", "n", 1))
	viewer.shot("90-survey-answered")

	// The manager writes a page of the CRM area.
	knowledge := fmt.Sprintf("/engagements/%d/knowledge", f.A1)
	manager.open(surveys)
	manager.click(`nav.tabs a[href="` + knowledge + `"]`)
	manager.click("#knowledge-new")
	manager.do("write", chromedp.SendKeys(chromedp.CSS("#f-area"), "CRM"),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Lead routing"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "1. New lead\n2. Assign within **one hour**\n\n<script>document.title='x'</script>"))
	manager.click(`form[action="` + knowledge + `"] button[type="submit"]`)
	manager.wantText("#page-body strong", "one hour")
	if n := manager.count("#page-body script"); n != 0 {
		t.Error("a script in the rendered page")
	}
	manager.click(`a[href="` + knowledge + `"]`)
	manager.wantText(`.knowledge-area[data-area="CRM"] h2 .badge-bad`, en.T("knowledge.bus_factor", "n", 1))
	manager.wantText(`.knowledge-area[data-area="CRM"] .bus-risk`, en.T("knowledge.risk_hint"))
	manager.shot("91-knowledge-bus-factor")
}
