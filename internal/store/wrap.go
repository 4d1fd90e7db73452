package store

import (
	"fmt"

	"github.com/tandemhq/tandem/internal/tandem"
)

// wrap adds the operation's name to an unexpected error, once, at the top of
// a public method. Domain errors (*tandem.Error) pass through unchanged so
// adapters can read their code.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	if _, ok := tandem.AsError(*errp); ok {
		return
	}
	*errp = fmt.Errorf("store: %s: %w", fmt.Sprintf(format, args...), *errp)
}
