package sales

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/engagement"
	"github.com/tandemhq/tandem/internal/tandem"
)

// fill sets every field of the struct v points to a value that names the
// field ("secret-Notes", 1001+i, true, a detail …), so that a view that
// lets a field through shows it.
func fill(t *testing.T, v any) {
	rv := reflect.ValueOf(v).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f, name := rv.Field(i), rv.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString("secret-" + name)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(1001 + i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			switch f.Type().Elem() {
			case reflect.TypeOf(""):
				f.Set(reflect.ValueOf([]string{"secret-" + name}))
			case reflect.TypeOf(Detail{}):
				d := Detail{ID: 7, Field: FieldPhone, Value: "+46701234512", Typed: "070-123 45 12"}
				if name == "Emails" {
					d = Detail{ID: 8, Field: FieldEmail, Value: "karin@norrsken.example", Typed: "Karin@Norrsken.example"}
				}
				f.Set(reflect.ValueOf([]Detail{d}))
			default:
				t.Fatalf("fill: no value for %s", name)
			}
		case reflect.Struct:
			if f.Type() != reflect.TypeOf(time.Time{}) {
				t.Fatalf("fill: no value for %s", name)
			}
			f.Set(reflect.ValueOf(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)))
		default:
			t.Fatalf("fill: no value for %s (%s)", name, f.Kind())
		}
	}
}

// checkView checks that view has every field of full as the policy says:
// shown fields equal, hidden ones zero, masked ones different from the
// full value and free of it; and that every field of the type is in the
// policy — a new field must be decided on.
func checkView(t *testing.T, policy map[string]Exposure, full, view any) {
	t.Helper()
	fv, vv := reflect.ValueOf(full), reflect.ValueOf(view)
	for i := 0; i < fv.NumField(); i++ {
		name := fv.Type().Field(i).Name
		exp, ok := policy[name]
		if !ok {
			t.Errorf("%s.%s is not in the partner policy: decide what a partner sees of it", fv.Type().Name(), name)
		}
		a, b := fv.Field(i).Interface(), vv.Field(i).Interface()
		switch exp {
		case Shown:
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: shown field changed: %v -> %v", name, a, b)
			}
		case Hidden:
			if !vv.Field(i).IsZero() {
				t.Errorf("%s: hidden field reaches the partner: %v", name, b)
			}
		case Masked:
			if reflect.DeepEqual(a, b) {
				t.Errorf("%s: masked field unchanged: %v", name, b)
			}
		}
	}
	for name := range policy {
		if _, ok := fv.Type().FieldByName(name); !ok {
			t.Errorf("the policy names %s, which %s does not have", name, fv.Type().Name())
		}
	}
}

func TestPartnerViewsAreAnAllowList(t *testing.T) {
	t.Parallel()
	var a Account
	fill(t, &a)
	a.Notes = "Switchboard 08-123 456 78, ask for karin@norrsken.example"
	checkView(t, PartnerAccountFields, a, PartnerAccount(a))
	var c Contact
	fill(t, &c)
	c.Notes = "Mobile +46 70 123 45 12 after 10"
	pc := PartnerContact(c)
	checkView(t, PartnerContactFields, c, pc)

	// Nothing of a detail but its masked form gets through.
	js, _ := json.Marshal(ViewContact(tandem.RoleVendorAgent, c))
	for _, secret := range []string{"+46701234512", "070-123 45 12", "karin@norrsken.example", "Karin@Norrsken", "123 45 12"} {
		if strings.Contains(string(js), secret) {
			t.Errorf("the partner's view holds %q: %s", secret, js)
		}
	}
	if pc.Phones[0].Value != "+46 70 ••• •• 12" || pc.Emails[0].Value != "k•••@norrsken.example" || pc.Phones[0].ID != 7 {
		t.Errorf("masked details: %+v %+v", pc.Phones, pc.Emails)
	}
	if pc.Notes != "Mobile +•• •• ••• •• 12 after 10" {
		t.Errorf("masked notes: %q", pc.Notes)
	}
	if got := PartnerAccount(a).Notes; got != "Switchboard ••-••• ••• 78, ask for k•••@norrsken.example" {
		t.Errorf("masked account notes: %q", got)
	}
	// The client's people see it all, partner managers and agents alike do not.
	for role, masked := range map[tandem.Role]bool{tandem.RoleOwner: false, tandem.RoleManager: false, tandem.RoleViewer: false,
		tandem.RoleVendorManager: true, tandem.RoleVendorAgent: true, "": true} {
		v := ViewContact(role, c)
		if v.Masked != masked || (v.Phones[0].Value == "+46701234512") == masked {
			t.Errorf("%q: masked %v, phone %q", role, v.Masked, v.Phones[0].Value)
		}
		if got := ViewAccount(role, a).Notes == a.Notes; got == masked {
			t.Errorf("%q: account notes %q", role, ViewAccount(role, a).Notes)
		}
	}
}

func TestMaskText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Met on 2026-12-03, call back":        "Met on 2026-12-03, call back",
		"Order 12345 of 4 pcs":                "Order 12345 of 4 pcs",
		"Ring 070 123 45 12 eller 08-5555555": "Ring ••• ••• •• 12 eller ••-•••••55",
		"Пишите ivan.petrov@hotel.example.ru": "Пишите i•••@hotel.example.ru",
	} {
		if got := MaskText(in); got != want {
			t.Errorf("MaskText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	for role, want := range map[tandem.Role]Scope{tandem.RoleOwner: ScopeWorkspace, tandem.RoleManager: ScopeWorkspace,
		tandem.RoleViewer: ScopeWorkspace, tandem.RoleVendorManager: ScopePartner, tandem.RoleVendorAgent: ScopeAssigned, "": ScopeNone} {
		if got := ScopeOf(role); got != want {
			t.Errorf("ScopeOf(%q) = %d, want %d", role, got, want)
		}
		if SearchesDetails(role) != (want == ScopeWorkspace) {
			t.Errorf("SearchesDetails(%q)", role)
		}
	}
	if PageLimit(tandem.RoleVendorAgent, 200) != 100 || PageLimit(tandem.RoleVendorManager, 50) != 50 || PageLimit(tandem.RoleOwner, 200) != 200 {
		t.Error("PageLimit")
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Malmö Hotell & Spa": "malmo hotell spa", "ЁЛКА-Сервис": "елка сервис", "  Ålesund  ": "alesund"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	l := LimitsOf(nil)
	if own := LimitsOf(&contract.Sales{RevealsPerDay: 10, RevealBurst: 3, RevealBurstMinutes: 5}); own != (Limits{Daily: 10, Burst: 3, BurstWindow: 5 * time.Minute}) {
		t.Errorf("LimitsOf(terms) = %+v", own)
	}
	live := &engagement.Engagement{Status: engagement.StatusActive}
	if err := l.MayReveal(live, 49); err != nil {
		t.Errorf("the 50th reveal refused: %v", err)
	}
	if err := l.MayReveal(live, 50); tandem.ErrorCode(err) != tandem.ETooMany {
		t.Errorf("the 51st reveal: %v", err)
	}
	if err := l.MayReveal(&engagement.Engagement{Status: engagement.StatusEnded}, 0); tandem.ErrorCode(err) != tandem.EConflict {
		t.Errorf("a reveal on an ended engagement: %v", err)
	}
	for n, want := range map[int]bool{20: false, 21: true, 22: false} {
		if l.BurstCrossed(n) != want {
			t.Errorf("BurstCrossed(%d) = %v", n, !want)
		}
	}
	stockholm, _ := time.LoadLocation("Europe/Stockholm")
	// 23:30 UTC on 3 December is 00:30 on the 4th in Stockholm.
	if got := DayStart(time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC), stockholm); !got.Equal(time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("DayStart = %v", got)
	}
	r := Reveal{Field: "fax", Reason: " x "}
	if err := r.Validate(); len(tandem.FieldErrors(err)) != 2 {
		t.Errorf("Validate: %v", err)
	}
}

func TestContactNormalize(t *testing.T) {
	t.Parallel()
	c := Contact{Name: " Karin ", Phones: []Detail{{Typed: "070-123 45 12"}, {Typed: "+46701234512"}, {Typed: " "}, {Typed: "12"}},
		Emails: []Detail{{Typed: "K@N.example"}}}
	c.Normalize("SE")
	if len(c.Phones) != 2 || c.Phones[0].Value != "+46701234512" || c.Phones[0].Typed != "070-123 45 12" || c.Phones[1].Value != "" {
		t.Fatalf("phones: %+v", c.Phones)
	}
	if c.Emails[0].Value != "k@n.example" || c.Emails[0].Typed != "K@N.example" {
		t.Errorf("emails: %+v", c.Emails)
	}
	fe := tandem.FieldErrors(c.Validate("SE"))
	if len(fe) != 1 || fe[0].Field != "phones" || fe[0].Key != "sales.phone.invalid" {
		t.Errorf("Validate: %+v", fe)
	}
}
