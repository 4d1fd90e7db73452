package web

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
)

// An alert's score is stored as hundredths of a point and shown in the
// reader's number format; a score stored as text by an older version is
// shown as it is.
func TestNotificationScoreInTheReadersFormat(t *testing.T) {
	t.Parallel()
	n := notification.Notification{Kind: "alert.kpi_off_track",
		Args: map[string]any{"kpi": "On time", "period": "W10", "engagement": "Alpha", notification.ScoreArg: float64(2222)}}
	for lang, want := range map[i18n.Lang]string{i18n.EN: "22.22", i18n.SV: "22,22", i18n.RU: "22,22"} {
		got := notificationMessage(testCatalog.For(lang, nil), n)
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q lacks %q", lang, got, want)
		}
	}
	n.Args[notification.ScoreArg] = "22.22"
	if got := notificationMessage(testCatalog.For(i18n.SV, nil), n); !strings.Contains(got, "22.22") {
		t.Errorf("stored text: %q", got)
	}
}

var testCatalog = i18n.MustLoad()

// A period stored as its stable label ("2026-05", "2026-W49") is named in
// the reader's language, never shown as an ISO label.
func TestNotificationPeriodNamed(t *testing.T) {
	t.Parallel()
	for lang, want := range map[i18n.Lang]string{i18n.EN: "May 2026", i18n.SV: "maj 2026", i18n.RU: "май 2026"} {
		n := notification.Notification{Kind: "manual.replaced", Args: map[string]any{"metric": "Satisfaction", "period": "2026-05"}}
		got := notificationMessage(testCatalog.For(lang, nil), n)
		if !strings.Contains(strings.ToLower(got), strings.ToLower(want)) || strings.Contains(got, "2026-05") || strings.Contains(got, "⟦") {
			t.Errorf("%s: %q, want %q in it", lang, got, want)
		}
	}
	n := notification.Notification{Kind: "manual.reported", Args: map[string]any{"metric": "Satisfaction", "period": "2026-W49"}}
	if got := notificationMessage(testCatalog.For(i18n.EN, nil), n); strings.Contains(got, "W49") {
		t.Errorf("week shown as its ISO label: %q", got)
	}
}
