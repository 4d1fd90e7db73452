package importer

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

type parseCase struct {
	in   string
	want any // the value, or Args on error
	key  i18n.Key
}

func runParse(t *testing.T, name string, p func(string) (any, i18n.Key), cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		got, key := p(c.in)
		if key != c.key {
			t.Errorf("%s(%q): key = %q, want %q", name, c.in, key, c.key)
			continue
		}
		if d, ok := got.(tandem.Date); ok {
			got = d.String()
		}
		if !cmp.Equal(got, c.want) {
			t.Errorf("%s(%q) = %#v, want %#v", name, c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	runParse(t, "Text(3)", Text(3), []parseCase{
		{"abc", "abc", ""},
		{"абв", "абв", ""},
		{"abcd", Args{"n", 3}, "import.cell.too_long"},
	})
	runParse(t, "Text(0)", Text(0), []parseCase{{"long enough", "long enough", ""}})
}

func TestDate(t *testing.T) {
	t.Parallel()
	bad := i18n.K("import.cell.date")
	runParse(t, "Date", Date(), []parseCase{
		{"2024-01-15", "2024-01-15", ""},
		{"2024-1-5", "2024-01-05", ""},
		{"2024-01-15T10:30:00Z", "2024-01-15", ""},
		{"2024-01-15 00:00:00", "2024-01-15", ""},
		{"15.01.2024", "2024-01-15", ""},
		{"5.1.2024", "2024-01-05", ""},
		{"15/01/2024", "2024-01-15", ""},
		{"29.02.2024", "2024-02-29", ""},
		{"45306", "2024-01-15", ""},
		{"45306.75", "2024-01-15", ""},
		{"61", "1900-03-01", ""},
		{"1", "1900-01-01", ""},
		{"2958465", "9999-12-31", ""},
		{"29.02.2023", nil, bad},
		{"15/01.2024", nil, bad},
		{"01/15/2024", nil, bad},
		{"2024-13-01", nil, bad},
		{"0", nil, bad},
		{"20240115", nil, bad},
		{"-5", nil, bad},
		{"tomorrow", nil, bad},
	})
}

func TestInt(t *testing.T) {
	t.Parallel()
	rng := Args{"min", int64(-5), "max", int64(5000)}
	runParse(t, "Int", Int(-5, 5000), []parseCase{
		{"12", int64(12), ""},
		{"-5", int64(-5), ""},
		{"12.0", int64(12), ""},
		{"1 000", int64(1000), ""},
		{"1,000", int64(1000), ""},
		{"1.000", int64(1000), ""},
		{"5001", rng, "import.cell.int_range"},
		{"-6", rng, "import.cell.int_range"},
		{"99999999999999999999", rng, "import.cell.int_range"},
		{"1.5", nil, "import.cell.int"},
		{"twelve", nil, "import.cell.int"},
	})
}

func TestMoney(t *testing.T) {
	t.Parallel()
	runParse(t, "Money(2)", Money(2), []parseCase{
		{"1234.5", int64(123450), ""},
		{"1234,5", int64(123450), ""},
		{"1,234.50", int64(123450), ""},
		{"1.234,50", int64(123450), ""},
		{"1 234,50", int64(123450), ""},
		{"1\u00a0234.50", int64(123450), ""},
		{"1,234", int64(123400), ""},
		{"1.234.567", int64(123456700), ""},
		{"1,234,567.89", int64(123456789), ""},
		{"-10", int64(-1000), ""},
		{"0.3", int64(30), ""},
		{"12.50", int64(1250), ""},
		{"12.500", int64(1250000), ""},
		{"12.345", int64(1234500), ""},
		{"12.3450", Args{"n", 2}, "import.cell.money_decimals"},
		{"12,3456", Args{"n", 2}, "import.cell.money_decimals"},
		{"1234,567", Args{"n", 2}, "import.cell.money_decimals"},
		{"12.3.4", nil, "import.cell.money"},
		{"12 kr", nil, "import.cell.money"},
		{"99999999999999999999", nil, "import.cell.money_range"},
	})
	runParse(t, "Money(3)", Money(3), []parseCase{
		{"1234.567", int64(1234567), ""},
		{"12.3450", int64(12345), ""},
		{"12.345", int64(12345000), ""},
		{"1,5", int64(1500), ""},
	})
	runParse(t, "Money(0)", Money(0), []parseCase{
		{"1 234", int64(1234), ""},
		{"1234.00", int64(1234), ""},
		{"1234.5", nil, "import.cell.money_whole"},
	})
}

func TestEnum(t *testing.T) {
	t.Parallel()
	p := Enum(map[string]string{"Active": "active", "Активен": "active", "Aktiv": "active", "Closed": "closed", "Закрыт": "closed", "Stängd": "closed"})
	runParse(t, "Enum", p, []parseCase{
		{"active", "active", ""},
		{"АКТИВЕН", "active", ""},
		{"stangd", "closed", ""},
		{"Stängd", "closed", ""},
		{"open", Args{"values", "Active, Aktiv, Closed, Stängd, Активен, Закрыт"}, "import.cell.enum"},
		{"—", Args{"values", "Active, Aktiv, Closed, Stängd, Активен, Закрыт"}, "import.cell.enum"},
	})
}

func TestEmail(t *testing.T) {
	t.Parallel()
	bad := i18n.K("import.cell.email")
	runParse(t, "Email", Email(), []parseCase{
		{"anna@example.se", "anna@example.se", ""},
		{"Anna <anna@example.se>", nil, bad},
		{"anna@localhost", nil, bad},
		{"anna.example.se", nil, bad},
		{"a@b@example.se", nil, bad},
	})
}
