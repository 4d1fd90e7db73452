package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/internal/annex"
	"github.com/tandemhq/tandem/internal/audit"
	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/web/views"
)

// annexInput gathers what the annex prints, in language l.
func (s *server) annexInput(r *http.Request, e *engagement.Engagement, v *contract.Version, l *i18n.Localizer) annex.Input {
	return annex.Input{WorkspaceName: state(r).workspace.Name, PartnerName: e.PartnerName, EngagementTitle: e.Title,
		EngagementKind: string(e.Kind), Version: v.Number, EffectiveFrom: v.EffectiveFrom, GeneratedAt: s.db.Now(),
		Terms: v.Terms, Localizer: l}
}

// annexSections are the terms as the annex prints them, in the reader's
// language, for the terms page.
func (s *server) annexSections(r *http.Request, e *engagement.Engagement, v *contract.Version) []annex.Section {
	return annex.Sections(s.annexInput(r, e, v, state(r).loc))
}

// annexLocalizer is the reader's language, unless they ask for another
// with ?lang= (the annex page links to each language, so a Swedish reader
// can hand a Russian partner the Russian annex).
func (s *server) annexLocalizer(r *http.Request) *i18n.Localizer {
	st := state(r)
	lang, ok := i18n.Parse(r.URL.Query().Get("lang"))
	if !ok {
		lang = st.loc.Lang()
	}
	return s.cat.For(lang, st.loc.Location())
}

// annexVersion loads the engagement and the terms in force on ?on= (today
// by default; for an engagement that has not started yet, the terms agreed
// for its start). A day given in ?on= before the first version takes
// effect has no terms in force: ENotFound.
func (s *server) annexVersion(r *http.Request) (*engagement.Engagement, *contract.Version, error) {
	e, err := s.engagementOf(r)
	if err != nil {
		return nil, nil, err
	}
	on := s.today(r)
	q := r.URL.Query().Get("on")
	if q != "" {
		if on, err = tandem.ParseDate(q); err != nil {
			return nil, nil, invalidField("on", "validation.date")
		}
	}
	v, err := s.db.Contracts.InForce(r.Context(), state(r).principal, e.ID, on)
	if err == nil && q != "" && on.String() < v.EffectiveFrom {
		return nil, nil, tandem.ErrNotFound // before the first version: no terms in force
	}
	return e, v, err
}

// annexPrint is the annex as a printable page.
func (s *server) annexPrint(w http.ResponseWriter, r *http.Request) error {
	e, v, err := s.annexVersion(r)
	if err != nil {
		return err
	}
	l := s.annexLocalizer(r)
	in := s.annexInput(r, e, v, l)
	if err := s.db.Audit.RecordExport(r.Context(), state(r).principal, audit.ActionExport, "engagement", e.ID,
		map[string]any{"what": "contract_annex", "format": "html", "version": v.Number, "lang": l.Lang()}); err != nil {
		return err
	}
	ctx := i18n.WithLocalizer(r.Context(), l)
	n := s.nav(r, l.T("annex.title"), "engagements")
	n.Lang = string(l.Lang())
	s.render(w, r.WithContext(ctx), http.StatusOK, views.AnnexPrint(n, e.ID, r.URL.Query().Get("on"), annex.Header(in), annex.Sections(in)))
	return nil
}

// annexPDF is the annex as a PDF download with embedded fonts.
func (s *server) annexPDF(w http.ResponseWriter, r *http.Request) error {
	e, v, err := s.annexVersion(r)
	if err != nil {
		return err
	}
	l := s.annexLocalizer(r)
	var buf bytes.Buffer
	if err := annex.PDF(&buf, s.annexInput(r, e, v, l)); err != nil {
		return err
	}
	if err := s.db.Audit.RecordExport(r.Context(), state(r).principal, audit.ActionExport, "engagement", e.ID,
		map[string]any{"what": "contract_annex", "format": "pdf", "version": v.Number, "lang": l.Lang()}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="annex-%d-v%d-%s.pdf"`, e.ID, v.Number, l.Lang()))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}
