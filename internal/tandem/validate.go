package tandem

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Validator collects field errors; Err returns them as one EInvalid error.
type Validator struct {
	fields []FieldError
}

// Add records a problem with field.
func (v *Validator) Add(field string, key i18n.Key, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Key: key, Args: args})
}

// Check records key for field when ok is false. It reports ok.
func (v *Validator) Check(ok bool, field string, key i18n.Key, args ...any) bool {
	if !ok {
		v.Add(field, key, args...)
	}
	return ok
}

// Has reports whether field already has an error.
func (v *Validator) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Required checks that s is not blank.
func (v *Validator) Required(field, s string) bool {
	return v.Check(strings.TrimSpace(s) != "", field, i18n.K("validation.required"))
}

// MaxLen checks that s has at most n characters.
func (v *Validator) MaxLen(field, s string, n int) bool {
	return v.Check(utf8.RuneCountInString(s) <= n, field, i18n.K("validation.too_long"), "max", n)
}

// Email checks that s, when not empty, is a bare e-mail address.
func (v *Validator) Email(field, s string) bool {
	if s == "" {
		return true
	}
	a, err := mail.ParseAddress(s)
	return v.Check(err == nil && a.Address == s && strings.Contains(s, "."), field, i18n.K("validation.email"))
}

// URL checks that s, when not empty, is an absolute http(s) URL.
func (v *Validator) URL(field, s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	return v.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", field, i18n.K("validation.url"))
}

// OneOf checks that s is one of the allowed values.
func (v *Validator) OneOf(field, s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	v.Add(field, i18n.K("validation.one_of"))
	return false
}

// Err returns nil when nothing was recorded, else an EInvalid *Error.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Key: i18n.K("error.invalid"), Fields: v.fields}
}
