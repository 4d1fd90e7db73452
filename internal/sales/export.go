package sales

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/xlsx"
)

// The client's export of the base: every account matching the list's
// filters with its contacts in full (it is the client's data), one row a
// contact — an account without contacts is one row with the contact's
// columns empty. Partner roles have no export at all (access.SalesExport).

// ExportFormat is a file format of the export.
type ExportFormat string

const (
	ExportCSV   ExportFormat = "csv"       // UTF-8 with a byte order mark, comma-separated
	ExportExcel ExportFormat = "csv-excel" // Windows-1251, semicolon-separated: what Excel opens in a Russian locale
	ExportXLSX  ExportFormat = "xlsx"
)

// ExportFormats are the formats offered, in the order shown.
var ExportFormats = []ExportFormat{ExportCSV, ExportExcel, ExportXLSX}

// Valid reports whether f is a known format.
func (f ExportFormat) Valid() bool {
	for _, x := range ExportFormats {
		if f == x {
			return true
		}
	}
	return false
}

// Label is the catalogue key of f's name in the export control.
func (f ExportFormat) Label() i18n.Key {
	return i18n.K("sales.export.format." + strings.ReplaceAll(string(f), "-", "_"))
}

// Extension is the file name's extension for f.
func (f ExportFormat) Extension() string {
	if f == ExportXLSX {
		return "xlsx"
	}
	return "csv"
}

// ContentType is the media type of f.
func (f ExportFormat) ContentType() string {
	switch f {
	case ExportXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ExportExcel:
		return "text/csv; charset=windows-1251"
	}
	return "text/csv; charset=utf-8"
}

// ExportColumns are the export's columns, as catalogue keys of their
// headers.
var ExportColumns = []i18n.Key{
	"sales.field.name", "sales.field.reg_number", "sales.field.country", "sales.field.city", "sales.field.website",
	"sales.field.industry", "sales.field.size", "sales.field.status", "sales.field.source", "sales.field.tags",
	"sales.field.notes", "sales.field.engagement", "sales.field.agent", "sales.field.contact_name", "sales.field.position",
	"sales.field.decision_maker", "sales.field.phone", "sales.field.email", "sales.field.contact_notes",
}

// ExportAccount is an account with its contacts, unmasked.
type ExportAccount struct {
	Account  Account
	Contacts []Contact
}

// ExportRows are the cells of the export below the header, in
// ExportColumns' order; yes marks a decision maker. Several phone numbers
// or addresses of one contact share a cell, separated by ", ".
func ExportRows(as []ExportAccount, yes string) [][]string {
	var out [][]string
	for _, x := range as {
		a := x.Account
		account := []string{a.Name, a.RegNumber, a.Country, a.City, a.Website, a.Industry, string(a.Size), string(a.Status),
			a.Source, strings.Join(a.Tags, ", "), a.Notes, a.EngagementTitle, a.AgentName}
		if len(x.Contacts) == 0 {
			out = append(out, append(account, "", "", "", "", "", ""))
			continue
		}
		for _, c := range x.Contacts {
			dm := ""
			if c.DecisionMaker {
				dm = yes
			}
			out = append(out, append(append([]string{}, account...), c.Name, c.Position, dm, joinDetails(c.Phones),
				joinDetails(c.Emails), c.Notes))
		}
	}
	return out
}

func joinDetails(ds []Detail) string {
	vs := make([]string, len(ds))
	for i, d := range ds {
		vs[i] = d.Value
	}
	return strings.Join(vs, ", ")
}

// WriteExport writes header and rows to w in format f: CSV in UTF-8 with a
// byte order mark (so that Excel reads it as UTF-8); CSV in Windows-1251
// with ";" between fields, where a letter the code page lacks is written
// without its accent (Å as A, ö as o) and anything else it lacks as "?";
// or an XLSX workbook with one sheet named sheet.
func WriteExport(w io.Writer, f ExportFormat, sheet string, header []string, rows [][]string) error {
	switch f {
	case ExportXLSX:
		return xlsx.WriteTable(w, sheet, append([][]string{header}, rows...)...)
	case ExportExcel:
		bw := bufio.NewWriter(w)
		cw := csv.NewWriter(bw)
		cw.Comma, cw.UseCRLF = ';', true
		for _, r := range append([][]string{header}, rows...) {
			enc := make([]string, len(r))
			for i, s := range r {
				enc[i] = to1251(s)
			}
			if err := cw.Write(enc); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	default:
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		if err := cw.WriteAll(append([][]string{header}, rows...)); err != nil {
			return err
		}
		return cw.Error()
	}
}

// to1251 encodes s in Windows-1251 (as a Go string of its bytes).
func to1251(s string) string {
	var b strings.Builder
	for _, r := range s {
		if c, ok := charmap.Windows1251.EncodeRune(r); ok {
			b.WriteByte(c)
			continue
		}
		written := false
		for _, d := range norm.NFD.String(string(r)) {
			if unicode.Is(unicode.Mn, d) {
				continue
			}
			if c, ok := charmap.Windows1251.EncodeRune(d); ok {
				b.WriteByte(c)
				written = true
			}
		}
		if !written {
			b.WriteByte('?')
		}
	}
	return b.String()
}
