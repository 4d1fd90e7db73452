package views

import (
	"net/url"
	"strings"
)

// invoiceDownloadURL is the address of the invoice page at path (the
// current URL, its query dropped) as a download in format ("pdf", "xlsx"),
// in language lang when not empty.
func invoiceDownloadURL(path, format, lang string) string {
	path, _, _ = strings.Cut(path, "?")
	u := strings.TrimSuffix(path, "/") + "/" + format
	if lang != "" {
		u += "?" + url.Values{"lang": {lang}}.Encode()
	}
	return u
}
