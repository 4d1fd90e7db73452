package annex

import (
	"fmt"
	"io"

	"github.com/tandemhq/tandem/internal/pdfdoc"
)

// PDF writes the annex as an A4 PDF to w (package pdfdoc): the Header,
// then every Section in order (rows as a two-column list, tables with
// borders and the header row repeated on each page), with "Page N of M"
// in the footer.
func PDF(w io.Writer, in Input) error {
	head := Header(in)
	var secs []pdfdoc.Section
	for _, s := range Sections(in) {
		secs = append(secs, docSection(s))
	}
	err := pdfdoc.Write(w, pdfdoc.Document{
		Title: head.Title, Rows: docSection(head).Rows, Sections: secs,
		Footer: in.EngagementTitle, Subject: head.Title + " — " + in.EngagementTitle, Author: in.WorkspaceName,
		Created: in.GeneratedAt, Localizer: localizer(in),
	})
	if err != nil {
		return fmt.Errorf("annex: %w", err)
	}
	return nil
}

func docSection(s Section) pdfdoc.Section {
	out := pdfdoc.Section{Title: s.Title}
	for _, r := range s.Rows {
		out.Rows = append(out.Rows, pdfdoc.Row{Label: r.Label, Value: r.Value})
	}
	if s.Table != nil {
		out.Table = &pdfdoc.Table{Head: s.Table.Head, Rows: s.Table.Rows}
	}
	return out
}
