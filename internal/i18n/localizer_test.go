package i18n

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tandemhq/tandem/internal/money"
)

// n replaces '_' by U+00A0 and '~' by U+2212 to keep expectations readable.
func n(s string) string {
	return strings.NewReplacer("_", "\u00a0", "~", "\u2212").Replace(s)
}

// byLang is an expectation per language.
type byLang struct{ en, ru, sv string }

func (b byLang) get(lang Lang) string {
	switch lang {
	case RU:
		return n(b.ru)
	case SV:
		return n(b.sv)
	}
	return n(b.en)
}

func localizers(t *testing.T) map[Lang]*Localizer {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return map[Lang]*Localizer{EN: c.For(EN, nil), RU: c.For(RU, nil), SV: c.For(SV, nil)}
}

func check(t *testing.T, ls map[Lang]*Localizer, name string, want byLang, f func(*Localizer) string) {
	t.Helper()
	for lang, l := range ls {
		if got, w := f(l), want.get(lang); got != w {
			t.Errorf("%s [%s] = %q, want %q", name, lang, got, w)
		}
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	tests := []struct {
		v    int64
		want byLang
	}{
		{0, byLang{"0", "0", "0"}},
		{7, byLang{"7", "7", "7"}},
		{999, byLang{"999", "999", "999"}},
		{1000, byLang{"1,000", "1_000", "1_000"}},
		{1234567, byLang{"1,234,567", "1_234_567", "1_234_567"}},
		{-1234, byLang{"-1,234", "-1_234", "~1_234"}},
		{-12, byLang{"-12", "-12", "~12"}},
		{math.MinInt64, byLang{"-9,223,372,036,854,775,808", "-9_223_372_036_854_775_808", "~9_223_372_036_854_775_808"}},
	}
	for _, tt := range tests {
		check(t, ls, "Int", tt.want, func(l *Localizer) string { return l.Int(tt.v) })
	}
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	tests := []struct {
		v     int64
		scale int
		want  byLang
	}{
		{12345, 2, byLang{"123.45", "123,45", "123,45"}},
		{1234567, 2, byLang{"12,345.67", "12_345,67", "12_345,67"}},
		{-5, 2, byLang{"-0.05", "-0,05", "~0,05"}},
		{0, 2, byLang{"0.00", "0,00", "0,00"}},
		{123456789, 3, byLang{"123,456.789", "123_456,789", "123_456,789"}},
		{1234, 0, byLang{"1,234", "1_234", "1_234"}},
		{1234, -1, byLang{"1,234", "1_234", "1_234"}},
		{5, 4, byLang{"0.0005", "0,0005", "0,0005"}},
	}
	for _, tt := range tests {
		check(t, ls, "Decimal", tt.want, func(l *Localizer) string { return l.Decimal(tt.v, tt.scale) })
	}
}

func TestPercent(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	tests := []struct {
		num, den int64
		digits   int
		want     byLang
	}{
		{2, 3, 1, byLang{"66.7%", "66,7_%", "66,7_%"}},        // 66.666…
		{1, 3, 0, byLang{"33%", "33_%", "33_%"}},              // 33.33…
		{1, 8, 1, byLang{"12.5%", "12,5_%", "12,5_%"}},        // exact
		{1, 16, 1, byLang{"6.3%", "6,3_%", "6,3_%"}},          // 6.25 → half-up
		{-1, 16, 1, byLang{"-6.3%", "-6,3_%", "~6,3_%"}},      // ties away from zero
		{1, -4, 2, byLang{"-25.00%", "-25,00_%", "~25,00_%"}}, // sign from den
		{-1, 3000, 1, byLang{"0.0%", "0,0_%", "0,0_%"}},       // rounds to zero: unsigned
		{1, 2000, 1, byLang{"0.1%", "0,1_%", "0,1_%"}},        // 0.05 → 0.1
		{100, 1, 0, byLang{"10,000%", "10_000_%", "10_000_%"}},
		{0, 5, 1, byLang{"0.0%", "0,0_%", "0,0_%"}},
		{5, 0, 1, byLang{"—", "—", "—"}},
		{math.MaxInt64, 1, 0, byLang{"922,337,203,685,477,580,700%", "922_337_203_685_477_580_700_%", "922_337_203_685_477_580_700_%"}},
	}
	for _, tt := range tests {
		check(t, ls, "Percent", tt.want, func(l *Localizer) string { return l.Percent(tt.num, tt.den, tt.digits) })
	}
	// A percentage already in fixed point (a share KPI's target).
	check(t, ls, "PercentValue", byLang{"9,500.00%", "9_500,00_%", "9_500,00_%"}, func(l *Localizer) string { return l.PercentValue(950000, 2) })
	check(t, ls, "PercentValue", byLang{"-12%", "-12_%", "~12_%"}, func(l *Localizer) string { return l.PercentValue(-12, 0) })
}

func TestMoney(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	tests := []struct {
		m    money.Money
		want byLang
	}{
		{money.New(123450, "SEK"), byLang{"SEK_1,234.50", "1_234,50_SEK", "1_234,50_kr"}},
		{money.New(123450, "USD"), byLang{"$1,234.50", "1_234,50_$", "1_234,50_US$"}},
		{money.New(123450, "EUR"), byLang{"€1,234.50", "1_234,50_€", "1_234,50_€"}},
		{money.New(123450, "GBP"), byLang{"£1,234.50", "1_234,50_GBP", "1_234,50_GBP"}},
		{money.New(123450, "RUB"), byLang{"RUB_1,234.50", "1_234,50_₽", "1_234,50_RUB"}},
		{money.New(123450, "NOK"), byLang{"NOK_1,234.50", "1_234,50_NOK", "1_234,50_NOK"}},
		{money.New(1000, "JPY"), byLang{"JPY_1,000", "1_000_JPY", "1_000_JPY"}},
		{money.New(-123450, "USD"), byLang{"-$1,234.50", "-1_234,50_$", "~1_234,50_US$"}},
		{money.New(-5, "SEK"), byLang{"-SEK_0.05", "-0,05_SEK", "~0,05_kr"}},
		{money.New(0, "EUR"), byLang{"€0.00", "0,00_€", "0,00_€"}},
		{money.New(1234, "KWD"), byLang{"KWD_1.234", "1,234_KWD", "1,234_KWD"}},
	}
	for _, tt := range tests {
		check(t, ls, "Money("+tt.m.String()+")", tt.want, func(l *Localizer) string { return l.Money(tt.m) })
	}
}

func TestDates(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	nov := time.Date(2026, time.November, 22, 14, 5, 59, 0, time.UTC) // a Sunday
	may := time.Date(2026, time.May, 1, 9, 0, 0, 0, time.UTC)         // a Friday
	mar := time.Date(2027, time.March, 3, 0, 0, 0, 0, time.UTC)       // a Wednesday
	tests := []struct {
		name string
		f    func(*Localizer) string
		want byLang
	}{
		{"Date(nov)", func(l *Localizer) string { return l.Date(nov) }, byLang{"22 Nov 2026", "22 нояб. 2026 г.", "22 nov. 2026"}},
		{"Date(may)", func(l *Localizer) string { return l.Date(may) }, byLang{"1 May 2026", "1 мая 2026 г.", "1 maj 2026"}},
		{"Date(mar)", func(l *Localizer) string { return l.Date(mar) }, byLang{"3 Mar 2027", "3 мар. 2027 г.", "3 mars 2027"}},
		{"DateTime(nov)", func(l *Localizer) string { return l.DateTime(nov) }, byLang{"22 Nov 2026, 14:05", "22 нояб. 2026 г., 14:05", "22 nov. 2026 14:05"}},
		{"DateTime(may)", func(l *Localizer) string { return l.DateTime(may) }, byLang{"1 May 2026, 09:00", "1 мая 2026 г., 09:00", "1 maj 2026 09:00"}},
		{"DateInput(nov)", func(l *Localizer) string { return l.DateInput(nov) }, byLang{"2026-11-22", "2026-11-22", "2026-11-22"}},
		{"DateInput(may)", func(l *Localizer) string { return l.DateInput(may) }, byLang{"2026-05-01", "2026-05-01", "2026-05-01"}},
		{"Month(nov)", func(l *Localizer) string { return l.Month(nov) }, byLang{"November 2026", "ноябрь 2026 г.", "november 2026"}},
		{"Month(may)", func(l *Localizer) string { return l.Month(may) }, byLang{"May 2026", "май 2026 г.", "maj 2026"}},
		{"Weekday(nov)", func(l *Localizer) string { return l.Weekday(nov) }, byLang{"Sunday", "воскресенье", "söndag"}},
		{"Weekday(may)", func(l *Localizer) string { return l.Weekday(may) }, byLang{"Friday", "пятница", "fredag"}},
		{"Weekday(mar)", func(l *Localizer) string { return l.Weekday(mar) }, byLang{"Wednesday", "среда", "onsdag"}},
	}
	for _, tt := range tests {
		check(t, ls, tt.name, tt.want, tt.f)
	}
}

func TestLocation(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	zone := time.FixedZone("UTC+1", 3600)
	l := c.For(SV, zone)
	if l.Location() != zone || l.Lang() != SV {
		t.Fatalf("Location/Lang = %v/%v", l.Location(), l.Lang())
	}
	if got := c.For(EN, nil).Location(); got != time.UTC {
		t.Errorf("nil location = %v, want UTC", got)
	}
	if got := c.For("de", nil).Lang(); got != EN {
		t.Errorf("For(de).Lang() = %q, want en", got)
	}
	// 23:30 UTC on Sunday 22 Nov is 00:30 on Monday 23 Nov at UTC+1.
	ts := time.Date(2026, time.November, 22, 23, 30, 0, 0, time.UTC)
	for got, want := range map[string]string{
		l.Date(ts):      "23 nov. 2026",
		l.DateTime(ts):  "23 nov. 2026 00:30",
		l.DateInput(ts): "2026-11-23",
		l.Weekday(ts):   "måndag",
		l.Month(time.Date(2026, time.November, 30, 23, 30, 0, 0, time.UTC)): "december 2026",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	ls := localizers(t)
	tests := []struct {
		name string
		f    func(*Localizer) string
		want byLang
	}{
		{"save", func(l *Localizer) string { return l.T("common.save") }, byLang{"Save", "Сохранить", "Spara"}},
		{"page_of", func(l *Localizer) string { return l.T("common.page_of", "page", 2, "pages", int64(1500)) },
			byLang{"Page 2 of 1,500", "Страница 2 из 1_500", "Sida 2 av 1_500"}},
		{"missing", func(l *Localizer) string { return l.T("nosuch.key", "x", 1) }, byLang{"⟦nosuch.key⟧", "⟦nosuch.key⟧", "⟦nosuch.key⟧"}},
		{"N missing", func(l *Localizer) string { return l.N("nosuch.key", 3) }, byLang{"⟦nosuch.key⟧", "⟦nosuch.key⟧", "⟦nosuch.key⟧"}},
		{"T of plural uses other", func(l *Localizer) string { return l.T("common.days", "n", 3) }, byLang{"3 days", "3 дня", "3 dagar"}},
		{"results 0", func(l *Localizer) string { return l.N("common.results", 0) }, byLang{"0 results", "0 результатов", "0 resultat"}},
		{"results 1", func(l *Localizer) string { return l.N("common.results", 1) }, byLang{"1 result", "1 результат", "1 resultat"}},
		{"results 2", func(l *Localizer) string { return l.N("common.results", 2) }, byLang{"2 results", "2 результата", "2 resultat"}},
		{"results 5", func(l *Localizer) string { return l.N("common.results", 5) }, byLang{"5 results", "5 результатов", "5 resultat"}},
		{"results 21", func(l *Localizer) string { return l.N("common.results", 21) }, byLang{"21 results", "21 результат", "21 resultat"}},
		{"results 1234", func(l *Localizer) string { return l.N("common.results", 1234) }, byLang{"1,234 results", "1_234 результата", "1_234 resultat"}},
		{"days 1", func(l *Localizer) string { return l.N("common.days", 1) }, byLang{"1 day", "1 день", "1 dag"}},
		{"days 11", func(l *Localizer) string { return l.N("common.days", 11) }, byLang{"11 days", "11 дней", "11 dagar"}},
		{"days 22", func(l *Localizer) string { return l.N("common.days", 22) }, byLang{"22 days", "22 дня", "22 dagar"}},
		{"days -1", func(l *Localizer) string { return l.N("common.days", -1) }, byLang{"-1 day", "-1 день", "~1 dag"}},
		{"N of plain message", func(l *Localizer) string { return l.N("common.save", 3) }, byLang{"Save", "Сохранить", "Spara"}},
		{"Key arg", func(l *Localizer) string { return l.T("common.page_of", "page", K("common.yes"), "pages", K("x.y")) },
			byLang{"Page Yes of ⟦x.y⟧", "Страница Да из ⟦x.y⟧", "Sida Ja av ⟦x.y⟧"}},
	}
	for _, tt := range tests {
		check(t, ls, tt.name, tt.want, tt.f)
	}
}

// testCatalog builds a catalogue from in-memory files.
func testCatalog(t *testing.T, files map[string]string) (*Catalog, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, lang := range Supported {
		fsys["l/"+string(lang)+"/.keep"] = &fstest.MapFile{}
	}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return loadFS(fsys, "l")
}

func TestSubstitution(t *testing.T) {
	t.Parallel()
	c, err := testCatalog(t, map[string]string{
		"l/en/a.json": `{"m.x": "{a}|{b}|{c}|{d}|{e}|{unknown}|{ x }|{", "m.p": {"one": "one {n} {who}", "other": "many {n} {who}"},
			"m.nother": {"one": "just one"}, "m.few": {"one": "o", "few": "f {n}", "other": "x {n}"}}`,
		"l/ru/a.json": `{"m.few": {"one": "o {n}", "few": "f {n}", "other": "x {n}"}}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	l := c.For(EN, nil)
	when := time.Date(2026, time.November, 22, 23, 0, 0, 0, time.UTC)
	got := l.T("m.x", "a", when, "b", money.New(-150, "EUR"), "c", "{a}", "d", 3.5, "e", uint64(math.MaxUint64))
	want := "22 Nov 2026|-€1.50|{a}|3.5|18,446,744,073,709,551,615|{unknown}|{ x }|{"
	if got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	if got, want := l.T("m.x", "a"), "{a}|{b}|{c}|{d}|{e}|{unknown}|{ x }|{"; got != want {
		t.Errorf("T with dangling name = %q, want %q", got, want)
	}
	if got, want := l.T("m.x", 1, 2, "a", "A"), "A|{b}|{c}|{d}|{e}|{unknown}|{ x }|{"; got != want {
		t.Errorf("T with non-string name = %q, want %q", got, want)
	}
	if got, want := l.N("m.p", 1, "who", "cat"), "one 1 cat"; got != want {
		t.Errorf("N = %q, want %q", got, want)
	}
	if got, want := l.N("m.p", 2, "who", "cat", "n", "two"), "many two cat"; got != want {
		t.Errorf("N with explicit n = %q, want %q", got, want)
	}
	if got, want := l.N("m.nother", 2), "⟦m.nother⟧"; got != want {
		t.Errorf("N without other = %q, want %q", got, want)
	}
	if got, want := l.T("m.nother"), "⟦m.nother⟧"; got != want {
		t.Errorf("T without other = %q, want %q", got, want)
	}
	// ru lacks "many": falls back to "other".
	if got, want := c.For(RU, nil).N("m.few", 5), "x 5"; got != want {
		t.Errorf("N fallback = %q, want %q", got, want)
	}
	if got, want := c.For(RU, nil).N("m.few", 3), "f 3"; got != want {
		t.Errorf("N few = %q, want %q", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"dup across files", map[string]string{"l/en/a.json": `{"a.b": "x"}`, "l/en/b.json": `{"a.b": "y"}`}, `key "a.b" already defined in l/en/a.json`},
		{"dup in file", map[string]string{"l/ru/a.json": `{"a.b": "x", "a.b": "y"}`}, `already defined`},
		{"bad key", map[string]string{"l/en/a.json": `{"A.b": "x"}`}, `invalid key "A.b"`},
		{"bad key 2", map[string]string{"l/en/a.json": `{"a..b": "x"}`}, `invalid key`},
		{"number", map[string]string{"l/en/a.json": `{"a.b": 1}`}, `want a string or an object`},
		{"array", map[string]string{"l/en/a.json": `{"a.b": ["x"]}`}, `want a string or an object`},
		{"null", map[string]string{"l/en/a.json": `{"a.b": null}`}, `want a string or an object`},
		{"bad category", map[string]string{"l/en/a.json": `{"a.b": {"single": "x"}}`}, `unknown plural category "single"`},
		{"nested", map[string]string{"l/en/a.json": `{"a.b": {"one": {"x": "y"}}}`}, `must be a string`},
		{"dup category", map[string]string{"l/en/a.json": `{"a.b": {"one": "x", "one": "y"}}`}, `defined twice`},
		{"not object", map[string]string{"l/en/a.json": `["x"]`}, `top level`},
		{"syntax", map[string]string{"l/en/a.json": `{"a.b": "x",}`}, `l/en/a.json`},
		{"trailing", map[string]string{"l/en/a.json": `{"a.b": "x"} {}`}, `trailing data`},
	}
	for _, tt := range tests {
		_, err := testCatalog(t, tt.files)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want containing %q", tt.name, err, tt.want)
		}
	}
	// A missing language directory is an error.
	if _, err := loadFS(fstest.MapFS{"l/en/a.json": {Data: []byte(`{}`)}}, "l"); err == nil {
		t.Error("missing language directories: no error")
	}
	// Non-JSON files are ignored and the same key in different languages is fine.
	c, err := testCatalog(t, map[string]string{"l/en/README.md": "x", "l/en/a.json": `{"a.b": "x"}`, "l/sv/a.json": `{"a.b": "y"}`})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has(EN, "a.b") || !c.Has(SV, "a.b") || c.Has(RU, "a.b") || c.Has("de", "a.b") {
		t.Error("Has wrong")
	}
	if got := c.Keys(EN); len(got) != 1 || got[0] != "a.b" {
		t.Errorf("Keys = %v", got)
	}
	if c.Keys("de") != nil {
		t.Error("Keys(de) != nil")
	}
}

func TestMustLoadAndKeys(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	keys := c.Keys(EN)
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Fatalf("Keys not sorted: %q >= %q", keys[i-1], keys[i])
		}
	}
	if !c.Has(RU, "common.save") || c.Has(RU, "common.nope") {
		t.Error("Has wrong")
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if l := From(ctx); l.Lang() != EN || l.Location() != time.UTC {
		t.Errorf("From(empty) = %v %v", l.Lang(), l.Location())
	}
	if got := T(ctx, "common.save"); got != "Save" {
		t.Errorf("T fallback = %q", got)
	}
	ru := MustLoad().For(RU, nil)
	ctx = WithLocalizer(ctx, ru)
	if From(ctx) != ru {
		t.Error("From did not return the stored localizer")
	}
	if got := T(ctx, "common.save"); got != "Сохранить" {
		t.Errorf("T = %q", got)
	}
	if got := N(ctx, "common.days", 5); got != "5 дней" {
		t.Errorf("N = %q", got)
	}
	if got := T(WithLocalizer(context.Background(), nil), "common.yes"); got != "Yes" {
		t.Errorf("T with nil localizer = %q", got)
	}
	if K("a.b") != Key("a.b") {
		t.Error("K")
	}
}

// T of a plural message given an integer "n" picks the form for n.
func TestTPluralWithN(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	ru := c.For(RU, nil)
	if got, want := ru.T("common.results", "n", 3), ru.N("common.results", 3); got != want || got != "3 результата" {
		t.Fatalf("T with n=3: %q, N: %q", got, want)
	}
	if got := ru.T("common.results", "n", int64(11)); got != "11 результатов" {
		t.Fatalf("T with n=11: %q", got)
	}
}

// TestLazyReadsALanguageOnFirstUse: a lazy catalogue reads a language
// when one of its messages is first looked up, and only that language; a
// broken one shows its keys as ⟦key⟧ while the others work, and Check
// (which a server runs at start) reports it.
func TestLazyReadsALanguageOnFirstUse(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"l/en/a.json": {Data: []byte(`{"a.b": "English"}`)},
		"l/ru/a.json": {Data: []byte(`{"a.b": "Русский",}`)},
		"l/sv/a.json": {Data: []byte(`{"a.b": "Svenska"}`)},
	}
	read := map[Lang]int{}
	var mu sync.Mutex
	c := lazyFS(fsys, "l")
	for lang, m := range c.langs {
		inner := m.read
		m.read = func() (map[string]message, error) {
			mu.Lock()
			read[lang]++
			mu.Unlock()
			return inner()
		}
	}
	l := c.For(SV, nil)
	if len(read) != 0 {
		t.Fatalf("read before any lookup: %v", read)
	}
	if got := l.T("a.b"); got != "Svenska" {
		t.Errorf("sv: %q", got)
	}
	if got := c.For(SV, nil).T("a.b"); got != "Svenska" || read[SV] != 1 || read[EN]+read[RU] != 0 {
		t.Errorf("sv again: %q, read %v (want sv once, nothing else)", got, read)
	}
	if got := c.For(RU, nil).T("a.b"); got != "⟦a.b⟧" {
		t.Errorf("broken ru: %q", got)
	}
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "l/ru/a.json") {
		t.Errorf("Check: %v, want the ru file's error", err)
	}
	if read[EN] != 1 || read[RU] != 1 || read[SV] != 1 {
		t.Errorf("after Check every language read once: %v", read)
	}
	if _, err := loadFS(fsys, "l"); err == nil {
		t.Error("loadFS of a broken catalogue: no error")
	}
}
