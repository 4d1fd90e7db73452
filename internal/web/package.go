package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
)

// engagementPackage sends an engagement's signed handover package (a zip,
// see docs/package-format.md); the store audits the download.
func (s *server) engagementPackage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := s.db.Packages().Export(r.Context(), state(r).principal, id, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="engagement-%d-package.zip"`, id))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = w.Write(buf.Bytes())
	return err
}
