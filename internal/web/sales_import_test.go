package web_test

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
)

func init() {
	for k, v := range map[string]string{
		// Partner people pass the rule and get the 404 of an unknown page.
		"GET /sales/import":         "yynyys",
		"POST /sales/import":        "yynyys",
		"POST /api/v1/sales/import": "yynyys",
	} {
		accessMatrix[k] = v
	}
}

func sampleExport(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "importer", "testdata", "sales", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type apiImportAnswer struct {
	DryRun    bool   `json:"dry_run"`
	Imported  bool   `json:"imported"`
	Encoding  string `json:"encoding"`
	Delimiter string `json:"delimiter"`
	Preset    string `json:"preset"`
	Columns   []struct {
		Index  int    `json:"index"`
		Header string `json:"header"`
		Field  string `json:"field"`
	} `json:"columns"`
	Rows     int `json:"rows"`
	Accounts struct{ New, Existing, Merged int }
	Contacts struct{ New, Existing, Merged int }
	Errors   []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Field   string `json:"field"`
		Value   string `json:"value"`
		Message string `json:"message"`
	} `json:"errors"`
	ErrorCount int `json:"error_count"`
}

func (e *env) apiImport(t *testing.T, p tandem.Principal, lang string, fields map[string]string, name, content string) (resp, apiImportAnswer) {
	t.Helper()
	ct, body := multipartBody(t, fields, name, content)
	c := e.anon()
	c.lang = lang
	r := c.do("POST", "/api/v1/sales/import", body, map[string]string{"Content-Type": ct, "Authorization": "Bearer " + e.token(p)})
	var a apiImportAnswer
	if r.status == 200 || r.status == 422 {
		if err := json.Unmarshal([]byte(r.body), &a); err != nil {
			t.Fatalf("%v: %s", err, r.body)
		}
	}
	return r, a
}

func accountCount(t *testing.T, e *env) int {
	t.Helper()
	_, n, err := e.db.Sales().Accounts(ctx, e.f.Owner, tandem.Page{Limit: 1}, store.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The API: a dry run previews a Windows-1251 Bitrix24 export and writes
// nothing; the import writes it; the same file again changes nothing; a
// bad row is 422 with its row, column and a localized message; a
// partner's token is refused.
func TestSalesImportAPI(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			f := e.f
			file := sampleExport(t, "bitrix24_deals.csv")
			r, a := e.apiImport(t, f.Manager, "en", map[string]string{"dry_run": "true"}, "deals.csv", file)
			if r.status != 200 || !a.DryRun || a.Imported || a.Encoding != "windows-1251" || a.Delimiter != ";" || a.Preset != "bitrix24" ||
				a.Rows != 4 || a.Accounts.New != 2 || a.Contacts.New != 3 || a.Contacts.Merged != 1 || len(a.Columns) != 18 ||
				a.Columns[3].Header != "Компания" || a.Columns[3].Field != "account.name" || a.Columns[0].Field != "" {
				t.Fatalf("dry run: %d %+v", r.status, a)
			}
			if n := accountCount(t, e); n != 0 {
				t.Fatalf("a dry run wrote %d accounts", n)
			}
			if r, a = e.apiImport(t, f.Manager, "en", nil, "deals.csv", file); r.status != 200 || !a.Imported || a.Accounts.New != 2 {
				t.Fatalf("import: %d %+v", r.status, a)
			}
			if r, a = e.apiImport(t, f.Owner, "en", nil, "deals.csv", file); r.status != 200 || a.Accounts.New != 0 || a.Accounts.Existing != 2 ||
				a.Contacts.New != 0 || a.Contacts.Existing != 3 {
				t.Fatalf("again: %d %+v", r.status, a)
			}
			if n := accountCount(t, e); n != 2 {
				t.Fatalf("%d accounts after two imports", n)
			}

			bad := "Company,Contact,Phone\nGood AB,Anna,070-111 22 33\nBad AB,Bert,12\n"
			r, a = e.apiImport(t, f.Manager, "ru", nil, "bad.csv", bad)
			if r.status != 422 || a.Imported || a.ErrorCount != 1 || a.Errors[0].Row != 3 || a.Errors[0].Column != "Phone" ||
				a.Errors[0].Field != "contact.phone" || a.Errors[0].Value != "12" || a.Errors[0].Message == "" || strings.Contains(a.Errors[0].Message, "sales.") {
				t.Fatalf("bad file: %d %+v", r.status, a)
			}
			if n := accountCount(t, e); n != 2 {
				t.Fatalf("a bad file wrote: %d accounts", n)
			}
			// A mapping given by hand.
			r, a = e.apiImport(t, f.Manager, "en", map[string]string{"mapping": `["account.name","","contact.phone"]`, "dry_run": "1"},
				"x.csv", "Bolag;Anteckning;Nummer\nLund AB;hej;046-12 34 56\n")
			if r.status != 422 || a.ErrorCount != 1 || a.Errors[0].Field != "contact.name" {
				t.Fatalf("manual mapping without a contact name: %d %+v", r.status, a)
			}
			r, _ = e.apiImport(t, f.Manager, "en", map[string]string{"mapping": `["account.name"]`}, "x.csv", "Bolag;Nummer\nLund AB;1\n")
			if r.status != 422 || !strings.Contains(r.body, `"mapping"`) {
				t.Fatalf("a mapping of the wrong length: %d %s", r.status, r.body)
			}
			notFound := e.anon().api("GET", "/api/v1/sales/accounts/999999", e.token(f.VendorAgent), "")
			for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
				if r, _ := e.apiImport(t, p, "en", nil, "deals.csv", file); r.status != 404 || r.body != notFound.body {
					t.Errorf("%s: status %d %s, want the 404 of a missing record %s", p.Role, r.status, r.body, notFound.body)
				}
			}
			if r, _ := e.apiImport(t, f.Viewer, "en", nil, "deals.csv", file); r.status != 403 {
				t.Errorf("viewer: status %d", r.status)
			}
			if n := accountCount(t, e); n != 2 {
				t.Fatalf("refused imports wrote: %d accounts", n)
			}
		})
	}
}

// The page: upload, preview (encoding, delimiter, preset, what is new),
// confirm, the list shows the accounts; a file no preset knows is mapped
// by hand.
func TestSalesImportPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	f := e.f
	c := e.as(f.Manager)
	ct, body := multipartBody(t, nil, "hubspot.csv", sampleExport(t, "hubspot_contacts.csv"))
	r := c.do("POST", "/sales/import", body, map[string]string{"Content-Type": ct})
	if r.status != 200 {
		t.Fatalf("preview: %d %.500s", r.status, r.body)
	}
	loc := catalog.For(i18n.EN, nil)
	for _, want := range []string{loc.T("sales.import.encoding.utf_8"), loc.T("sales.import.delimiter.comma"), loc.T("sales.import.preset.hubspot"),
		"Accounts: 2 new, 0 already in the base. Contacts: 3 new, 0 already in the base."} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the preview lacks %q", want)
		}
	}
	if n := accountCount(t, e); n != 0 {
		t.Fatalf("the preview wrote %d accounts", n)
	}
	carried := regexp.MustCompile(`name="carried" value="([^"]+)"`).FindStringSubmatch(r.body)
	if carried == nil {
		t.Fatal("no carried file")
	}
	ct, body = multipartBody(t, map[string]string{"carried": carried[1], "name": "hubspot.csv", "confirm": "1"}, "", "")
	r = c.do("POST", "/sales/import", body, map[string]string{"Content-Type": ct})
	if r.status != 303 || !strings.HasPrefix(r.location, "/sales/accounts?") {
		t.Fatalf("confirm: %d %s", r.status, r.location)
	}
	list := c.get(r.location)
	if !strings.Contains(list.body, "Norrsken Retail AB") || !strings.Contains(list.body, "Tallinn Harbour Hotel OÜ") ||
		!strings.Contains(list.body, "Imported: 2 new accounts and 3 new contacts.") {
		t.Fatalf("the list after the import: %.2000s", list.body)
	}

	// Headers nobody knows: the mapping is chosen by hand.
	odd := "Bolag;Person;Nummer\nLund Kontor AB;Lisa Lund;046-12 34 56\n"
	ct, body = multipartBody(t, nil, "odd.csv", odd)
	r = c.do("POST", "/sales/import", body, map[string]string{"Content-Type": ct})
	if r.status != 422 || !strings.Contains(r.body, html.EscapeString(loc.T("sales.import.preset_none"))) ||
		!strings.Contains(r.body, html.EscapeString(loc.T("sales.import.no_name"))) {
		t.Fatalf("unknown headers: %d", r.status)
	}
	ct, body = multipartBody(t, map[string]string{"mapped": "1", "map.0": "account.name", "map.1": "contact.name", "map.2": "contact.phone",
		"confirm": "1", "carried": regexp.MustCompile(`name="carried" value="([^"]+)"`).FindStringSubmatch(r.body)[1], "name": "odd.csv"}, "", "")
	r = c.do("POST", "/sales/import", body, map[string]string{"Content-Type": ct})
	if r.status != 303 {
		t.Fatalf("the mapped import: %d %.1000s", r.status, r.body)
	}
	if n := accountCount(t, e); n != 3 {
		t.Fatalf("%d accounts", n)
	}
	// Partner people get the page of an unknown address.
	unknown := e.as(f.VendorAgent).get("/sales/nothing-here")
	for _, p := range []tandem.Principal{f.VendorManager, f.VendorAgent} {
		if r := e.as(p).get("/sales/import"); r.status != 404 || unknown.status != 404 {
			t.Errorf("%s: %d", p.Role, r.status)
		}
		ct, body := multipartBody(t, nil, "odd.csv", odd)
		if r := e.as(p).do("POST", "/sales/import", body, map[string]string{"Content-Type": ct}); r.status != 404 {
			t.Errorf("%s posting: %d", p.Role, r.status)
		}
	}
}

// A client manager imports a Bitrix24 export in the browser: upload,
// preview, confirm, and the accounts are in the list.
func TestBrowserSalesImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	path := filepath.Join(t.TempDir(), "bitrix.csv")
	if err := os.WriteFile(path, []byte(sampleExport(t, "bitrix24_deals.csv")), 0o600); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e)
	b.signIn("manager@example.com")
	b.open("/sales/accounts")
	if st := b.click("#sales-import"); st != 200 {
		t.Fatalf("the import page: %d", st)
	}
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{path}))
	if st := b.click("#import-preview"); st != 200 {
		t.Fatalf("preview: %d", st)
	}
	b.wantText("#import-encoding", b.msg(i18n.EN, "sales.import.encoding.windows_1251"))
	b.wantText("#import-delimiter", b.msg(i18n.EN, "sales.import.delimiter.semicolon"))
	b.wantText("#import-preset", b.msg(i18n.EN, "sales.import.preset.bitrix24"))
	b.wantText("#import-summary", "Accounts: 2 new, 0 already in the base. Contacts: 3 new, 0 already in the base.")
	if st := b.click("#confirm-import"); st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	if !strings.Contains(b.location(), "/sales/accounts") {
		t.Fatalf("after the import: %s", b.location())
	}
	if n := b.count("table a[href^='/sales/accounts/']"); n != 2 {
		t.Errorf("%d accounts listed", n)
	}
	b.wantText(".flash", "Imported: 2 new accounts and 3 new contacts.")
	if got := b.text("main table"); !strings.Contains(got, `АО "Нордик Отель"`) || !strings.Contains(got, `ООО "Балтийский Кофе"`) {
		t.Errorf("the list shows %q", got)
	}
}
