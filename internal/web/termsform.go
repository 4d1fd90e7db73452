package web

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/contract"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/money"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The terms form names every input after the JSON path of the field it
// edits ("services.0.name", "price.components.1.amount_minor"), which is
// also the field name contract.Terms.Validate reports errors under, so an
// error lands next to its input. termsCodec turns Terms into form values
// and back by walking the struct's json tags:
//
//   - int64 fields ending in _minor are money in the price's currency,
//     shown and read in major units ("45 000,00");
//   - int fields ending in _bp are basis points, shown and read as percent
//     with two decimals ("95,00");
//   - a KPI's target and threshold are fixed-point with the KPI's scale;
//     read back with scale 2;
//   - a metric's min and max are fixed-point with the metric's scale, read
//     back with the scale entered in the same row; blank means unbounded;
//   - an SLA's times (business minutes, "services.N.sla.*_minutes") are shown
//     and read as hours and minutes ("4:30"; "4" is four hours);
//   - []string fields are one value per line, []int fields (work days) are
//     repeated values (checkboxes), bools are checkboxes;
//   - a list of structs is read row by row until a row index is missing;
//     rows left entirely blank are dropped, so the form can offer an empty
//     row for adding one.
type termsCodec struct {
	l        *i18n.Localizer
	currency string
}

func (c termsCodec) sep() rune { return decimalSep(c.l) }

// values flattens t into form values.
func (c termsCodec) values(t contract.Terms) url.Values {
	c.currency = t.Price.Currency
	out := url.Values{}
	c.flatten(out, "", reflect.ValueOf(t), 0)
	if t.Sales != nil {
		c.labelSales(out, t.Sales)
	}
	return out
}

// labelSales shows the sales terms' catalogue values as people read them:
// a default stage without a name by its label, the default lost reasons
// by theirs. unlabelSales turns them back into keys, so saving the form
// unchanged changes nothing.
func (c termsCodec) labelSales(out url.Values, s *contract.Sales) {
	out.Set("sales.present", "on")
	for i, st := range s.Stages {
		if st.Name == "" {
			out.Set("sales.stages."+strconv.Itoa(i)+".name", contract.StageLabel(c.l, st))
		}
	}
	reasons := make([]string, len(s.LostReasons))
	for i, r := range s.LostReasons {
		reasons[i] = contract.LostReasonLabel(c.l, r)
	}
	out.Set("sales.lost_reasons", strings.Join(reasons, "\n"))
}

func (c termsCodec) unlabelSales(s *contract.Sales) {
	for i, st := range s.Stages {
		if st.Name != "" && st.Name == contract.StageLabel(c.l, contract.Stage{Key: st.Key}) {
			s.Stages[i].Name = ""
		}
	}
	for i, r := range s.LostReasons {
		for _, k := range contract.LostReasonKeys {
			if r == contract.LostReasonLabel(c.l, k) {
				s.LostReasons[i] = k
			}
		}
	}
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (c termsCodec) flatten(out url.Values, path string, v reflect.Value, scale int) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		sc := 0
		switch x := v.Interface().(type) {
		case contract.KPI:
			sc = x.Scale
		case contract.MetricDef:
			sc = x.Scale
		}
		for i := 0; i < t.NumField(); i++ {
			c.flatten(out, join(path, jsonName(t.Field(i))), v.Field(i), sc)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			c.flatten(out, path, v.Elem(), scale)
		}
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.String:
			out.Set(path, strings.Join(v.Interface().([]string), "\n"))
		case reflect.Int:
			for _, n := range v.Interface().([]int) {
				out.Add(path, strconv.Itoa(n))
			}
		default:
			for i := 0; i < v.Len(); i++ {
				c.flatten(out, join(path, strconv.Itoa(i)), v.Index(i), scale)
			}
		}
	case reflect.String:
		out.Set(path, v.String())
	case reflect.Bool:
		if v.Bool() {
			out.Set(path, "on")
		}
	case reflect.Int, reflect.Int64:
		n := v.Int()
		last := path[strings.LastIndex(path, ".")+1:]
		switch {
		case strings.HasSuffix(path, "_minor"):
			out.Set(path, c.l.Decimal(n, money.MinorDigits(c.currency)))
		case strings.HasSuffix(path, "_bp"):
			out.Set(path, c.l.Decimal(n, 2))
		case slaTime(path):
			if n > 0 {
				out.Set(path, fmt.Sprintf("%d:%02d", n/60, n%60))
			}
		case last == "target" || last == "threshold" || last == "min" || last == "max":
			out.Set(path, c.l.Decimal(n, scale))
		default:
			out.Set(path, strconv.FormatInt(n, 10))
		}
	}
}

// terms reads the form back. Numbers that do not parse are field errors.
func (c termsCodec) terms(vals url.Values) (contract.Terms, error) {
	var t contract.Terms
	c.currency = strings.ToUpper(strings.TrimSpace(vals.Get("price.currency")))
	if !money.ValidCurrency(c.currency) {
		c.currency = "EUR" // two minor digits; Validate reports the currency itself
	}
	var v tandem.Validator
	c.read(vals, "", reflect.ValueOf(&t).Elem(), &v)
	dropKeyOnly(&t)
	contract.FillKeys(&t)
	for i := range t.KPIs {
		t.KPIs[i].Scale = 2
	}
	if t.Sales != nil {
		c.unlabelSales(t.Sales)
	}
	return t, v.Err()
}

// read fills v from vals; it reports whether any input for v was present
// and not blank.
func (c termsCodec) read(vals url.Values, path string, v reflect.Value, errs *tandem.Validator) bool {
	switch v.Kind() {
	case reflect.Struct:
		any := false
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if c.read(vals, join(path, jsonName(t.Field(i))), v.Field(i), errs) {
				any = true
			}
		}
		return any
	case reflect.Pointer:
		x := reflect.New(v.Type().Elem())
		if c.read(vals, path, x.Elem(), errs) {
			v.Set(x)
			return true
		}
		return false
	case reflect.Slice:
		switch v.Type().Elem().Kind() {
		case reflect.String:
			var lines []string
			for _, s := range strings.FieldsFunc(vals.Get(path), func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }) {
				if s = strings.TrimSpace(s); s != "" {
					lines = append(lines, s)
				}
			}
			v.Set(reflect.ValueOf(lines))
			return len(lines) > 0
		case reflect.Int:
			var ns []int
			for _, s := range vals[path] {
				n, err := strconv.Atoi(s)
				if err != nil {
					errs.Add(path, i18n.K("validation.number"))
					continue
				}
				ns = append(ns, n)
			}
			v.Set(reflect.ValueOf(ns))
			return len(ns) > 0
		}
		s := reflect.MakeSlice(v.Type(), 0, 4)
		for i := 0; ; i++ {
			row := join(path, strconv.Itoa(i))
			if !hasPrefix(vals, row+".") {
				break
			}
			x := reflect.New(v.Type().Elem()).Elem()
			if c.read(vals, row, x, errs) {
				s = reflect.Append(s, x)
			}
		}
		v.Set(s)
		return s.Len() > 0
	case reflect.String:
		s := strings.TrimSpace(vals.Get(path))
		v.SetString(s)
		return s != ""
	case reflect.Bool:
		on := vals.Get(path) != ""
		v.SetBool(on)
		return false // an unticked box alone does not make a row
	case reflect.Int, reflect.Int64:
		s := strings.TrimSpace(vals.Get(path))
		if s == "" {
			v.SetInt(0)
			return false
		}
		last := path[strings.LastIndex(path, ".")+1:]
		var n int64
		var err error
		switch {
		case strings.HasSuffix(path, "_minor"):
			n, err = money.ParseAmount(s, c.currency, c.sep())
		case slaTime(path):
			n, err = hoursMinutes(s)
			if err != nil {
				errs.Add(path, i18n.K("validation.hours_minutes"))
				return true
			}
		case strings.HasSuffix(path, "_bp"), last == "target" || last == "threshold":
			n, err = money.ParseFixed(s, 2, c.sep())
		case last == "min" || last == "max":
			// A metric's bounds have the metric's decimals (its scale field).
			sc, _ := strconv.Atoi(strings.TrimSpace(vals.Get(path[:strings.LastIndex(path, ".")] + ".scale")))
			n, err = money.ParseFixed(s, max(0, min(sc, contract.MaxScale)), c.sep())
		default:
			n, err = strconv.ParseInt(strings.ReplaceAll(s, " ", ""), 10, 64)
		}
		if err != nil {
			errs.Add(path, i18n.K("validation.number"))
			return true
		}
		v.SetInt(n)
		return true
	}
	return false
}

// slaTime reports whether path is one of an SLA's times in minutes.
func slaTime(path string) bool {
	return strings.Contains(path, ".sla.") && strings.HasSuffix(path, "_minutes")
}

// hoursMinutes reads "4:30" or "4" (hours) as minutes.
func hoursMinutes(s string) (int64, error) {
	h, m, colon := strings.Cut(strings.ReplaceAll(s, " ", ""), ":")
	hours, err := strconv.ParseInt(h, 10, 64)
	if err != nil || hours < 0 || hours > 10000 {
		return 0, errBadDuration
	}
	var mins int64
	if colon {
		if len(m) != 2 {
			return 0, errBadDuration
		}
		if mins, err = strconv.ParseInt(m, 10, 64); err != nil || mins < 0 || mins > 59 {
			return 0, errBadDuration
		}
	}
	return hours*60 + mins, nil
}

var errBadDuration = errors.New("not hours and minutes")

// dropKeyOnly drops the services, goals and KPIs whose only input is the
// key the form carries hidden: a row a person emptied to remove it.
func dropKeyOnly(t *contract.Terms) {
	t.Services = slices.DeleteFunc(t.Services, func(x contract.Service) bool { x.Key = ""; return reflect.ValueOf(x).IsZero() })
	t.Goals = slices.DeleteFunc(t.Goals, func(x contract.Goal) bool { x.Key = ""; return reflect.ValueOf(x).IsZero() })
	t.KPIs = slices.DeleteFunc(t.KPIs, func(x contract.KPI) bool { x.Key = ""; return reflect.ValueOf(x).IsZero() })
}

func hasPrefix(vals url.Values, prefix string) bool {
	for k := range vals {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
