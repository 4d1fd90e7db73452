package web

import "testing"

func TestFlashKey(t *testing.T) {
	t.Parallel()
	for route, want := range map[string]string{
		"POST /engagements/{id}/activate":                      "flash.engagements.activate",
		"POST /engagements/{id}/status-reports/{week}/comment": "flash.engagements.status_reports.comment",
		"POST /sales/accounts/{id}/contacts/{contact}/reveal":  "flash.sales.accounts.contacts.reveal",
		"POST /partners": "flash.partners",
	} {
		if got := flashKey(route); got != want {
			t.Errorf("flashKey(%q) = %q, want %q", route, got, want)
		}
	}
}
