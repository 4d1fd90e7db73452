package tandem

import (
	"errors"
	"fmt"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Code classifies an error for every adapter: the web layer maps it to an
// HTTP status, the CLI to an exit message.
type Code string

// Error codes. Storage and domain code return these; they never return an
// HTTP status.
const (
	EInvalid      Code = "invalid"      // input failed validation; Fields says where
	ENotFound     Code = "not_found"    // no such record, or the caller may not see it
	EConflict     Code = "conflict"     // a uniqueness or state conflict
	EUnauthorized Code = "unauthorized" // not signed in, or bad credentials
	EForbidden    Code = "forbidden"    // signed in, but the role may not do this
	ETooMany      Code = "too_many"     // throttled
	ETooLarge     Code = "too_large"    // the request is larger than allowed
	EInternal     Code = "internal"     // anything else; logged, never shown in detail
)

// FieldError is one field's problem: the field name as the caller sent it,
// and a translatable message key with its arguments.
type FieldError struct {
	Field string
	Key   i18n.Key
	Args  []any
}

// Error is the domain error. Key (with Args) is the translatable message
// shown to a person; Err, when set, is the underlying cause for the logs.
type Error struct {
	Code   Code
	Key    i18n.Key
	Args   []any
	Fields []FieldError
	Err    error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + string(e.Key)
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and message key.
func Errorf(code Code, key i18n.Key, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// ErrNotFound is returned when a record does not exist or the caller may not
// see it: the two cases are indistinguishable on purpose.
var ErrNotFound = &Error{Code: ENotFound, Key: i18n.K("error.not_found")}

// ErrForbidden is returned when the caller's role may not perform an action.
var ErrForbidden = &Error{Code: EForbidden, Key: i18n.K("error.forbidden")}

// ErrUnauthorized is returned when credentials are missing or wrong.
var ErrUnauthorized = &Error{Code: EUnauthorized, Key: i18n.K("error.unauthorized")}

// ErrorCode returns the code of err, EInternal for foreign errors, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns err as *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// FieldErrors returns the field errors carried by err, if any.
func FieldErrors(err error) []FieldError {
	if e, ok := AsError(err); ok {
		return e.Fields
	}
	return nil
}
