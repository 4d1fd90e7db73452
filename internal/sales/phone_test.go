package sales

import "testing"

// Each number worked out by hand from the country's numbering plan.
func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		typed, region, e164, shown, masked string
	}{
		{"070-123 45 12", "SE", "+46701234512", "+46 70 123 45 12", "+46 70 ••• •• 12"},
		{"+46 (0)70-123 45 12", "", "+46701234512", "+46 70 123 45 12", "+46 70 ••• •• 12"},
		{"0046 70 123 45 12", "FI", "+46701234512", "+46 70 123 45 12", "+46 70 ••• •• 12"},
		{"+46 070 123 45 12", "NO", "+46701234512", "+46 70 123 45 12", "+46 70 ••• •• 12"},
		{"08-123 456 78", "SE", "+46812345678", "+46 8 123 456 78", "+46 8 ••• ••• 78"},
		{"031-12 34 56", "SE", "+4631123456", "+46 31 12 34 56", "+46 31 •• •• 56"},
		{"412 34 567", "NO", "+4741234567", "+47 41 23 45 67", "+47 41 •• •• 67"},
		{"12 34 56 78", "DK", "+4512345678", "+45 12 34 56 78", "+45 12 •• •• 78"},
		{"040 123 4567", "FI", "+358401234567", "+358 40 123 45 67", "+358 40 ••• •• 67"},
		{"09 1234 567", "FI", "+35891234567", "+358 9 123 45 67", "+358 9 ••• •• 67"},
		{"5123 4567", "EE", "+37251234567", "+372 51 23 45 67", "+372 51 •• •• 67"},
		{"2612 3456", "LV", "+37126123456", "+371 26 12 34 56", "+371 26 •• •• 56"},
		{"8 612 34567", "LT", "+37061234567", "+370 61 23 45 67", "+370 61 •• •• 67"},
		{"8 (912) 345-67-89", "RU", "+79123456789", "+7 912 345 67 89", "+7 912 ••• •• 89"},
		{"89123456789", "RU", "+79123456789", "+7 912 345 67 89", "+7 912 ••• •• 89"},
		{"7 912 345 67 89", "RU", "+79123456789", "+7 912 345 67 89", "+7 912 ••• •• 89"},
		{"8 10 46 70 123 45 12", "RU", "+46701234512", "+46 70 123 45 12", "+46 70 ••• •• 12"},
		{"+354 551 2345", "SE", "+3545512345", "+354 551 23 45", "+354 551 •• 45"},
		{"+49 30 1234567", "SE", "+49301234567", "+49301234567", "+49•••••••67"},
	} {
		got, key, ok := NormalizePhone(c.typed, c.region)
		if !ok || got != c.e164 {
			t.Errorf("NormalizePhone(%q, %q) = %q, %q, %v; want %q", c.typed, c.region, got, key, ok, c.e164)
			continue
		}
		if s := FormatPhone(got); s != c.shown {
			t.Errorf("FormatPhone(%q) = %q, want %q", got, s, c.shown)
		}
		if s := MaskPhone(got); s != c.masked {
			t.Errorf("MaskPhone(%q) = %q, want %q", got, s, c.masked)
		}
	}
}

func TestNormalizePhoneRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ typed, region, key string }{
		{"", "SE", "validation.required"},
		{"070 123", "SE", "sales.phone.invalid"},          // six digits after the trunk
		{"070-123 45 12 34", "SE", "sales.phone.invalid"}, // twelve
		{"call me", "SE", "sales.phone.invalid"},          // letters
		{"070-123 45 12", "", "sales.phone.needs_country_code"},
		{"412 34 567", "DE", "sales.phone.needs_country_code"}, // no plan for the region
		{"+46 70 12", "", "sales.phone.invalid"},               // too short for Sweden
		{"+7 912 345 67 8", "", "sales.phone.invalid"},         // nine digits for Russia
		{"+0123456789", "", "sales.phone.invalid"},
	} {
		if got, key, ok := NormalizePhone(c.typed, c.region); ok || string(key) != c.key {
			t.Errorf("NormalizePhone(%q, %q) = %q, %q, %v; want the error %q", c.typed, c.region, got, key, ok, c.key)
		}
	}
}

func TestEmail(t *testing.T) {
	t.Parallel()
	got, _, ok := NormalizeEmail("  Karin.Lindqvist@Norrsken.Example ")
	if !ok || got != "karin.lindqvist@norrsken.example" {
		t.Fatalf("NormalizeEmail = %q, %v", got, ok)
	}
	if m := MaskEmail(got); m != "k•••@norrsken.example" {
		t.Errorf("MaskEmail = %q", m)
	}
	if m := MaskEmail("ö@x.example"); m != "ö•••@x.example" {
		t.Errorf("MaskEmail of a one-letter mailbox = %q", m)
	}
	for _, bad := range []string{"karin", "karin@", "@norrsken.example", "karin lindqvist@norrsken.example", "Karin <k@n.example>"} {
		if _, _, ok := NormalizeEmail(bad); ok {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
}

func TestRegion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ country, zone, want string }{
		{"", "Europe/Stockholm", "SE"},
		{"fi", "Europe/Stockholm", "FI"},
		{"DE", "Europe/Tallinn", "EE"}, // no plan for Germany: the workspace's
		{"", "UTC", ""},
	} {
		if got := DefaultRegion(c.country, c.zone); got != c.want {
			t.Errorf("DefaultRegion(%q, %q) = %q, want %q", c.country, c.zone, got, c.want)
		}
	}
}
