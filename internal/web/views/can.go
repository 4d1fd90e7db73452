package views

import (
	"context"

	"github.com/tandemhq/tandem/internal/access"
)

type canKey struct{}

// WithCan returns ctx carrying what the reader may do (access.Allows for
// their role), for parts of a page shared by every template, such as the
// engagement's tabs, that show a link only to those it lets in.
func WithCan(ctx context.Context, can func(access.Rule) bool) context.Context {
	return context.WithValue(ctx, canKey{}, can)
}

// can reports whether the reader may do rule; false when ctx does not say.
func can(ctx context.Context, rule access.Rule) bool {
	f, ok := ctx.Value(canKey{}).(func(access.Rule) bool)
	return ok && f(rule)
}
