package i18n

import (
	"context"
	"sync"
)

// ctxKey is the context key type for the request's Localizer.
type ctxKey struct{}

// WithLocalizer returns a copy of ctx carrying l, for use by From, T and N.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// defaultCatalog is From's fallback, each language read on first use. A
// language whose embedded catalogue fails to read has no messages, so that
// lookups show "⟦key⟧" instead of panicking (tests and MustLoad at
// start-up report the actual error).
var defaultCatalog = sync.OnceValue(Lazy)

// From returns the Localizer stored in ctx by WithLocalizer. If there is
// none it returns an English, UTC Localizer over a package-level default
// catalogue. That is only a fallback (for code paths without request
// middleware, e.g. tests); handlers should always install the user's
// Localizer so that language and time zone are right.
func From(ctx context.Context) *Localizer {
	if ctx != nil {
		if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok && l != nil {
			return l
		}
	}
	return defaultCatalog().For(EN, nil)
}

// T translates key with the Localizer from ctx; see Localizer.T. This is
// what templates call: { i18n.T(ctx, "common.save") }.
func T(ctx context.Context, key string, args ...any) string {
	return From(ctx).T(key, args...)
}

// N translates the plural message key for n with the Localizer from ctx;
// see Localizer.N.
func N(ctx context.Context, key string, n int64, args ...any) string {
	return From(ctx).N(key, n, args...)
}
