package i18n

import (
	"context"
	"regexp"
	"sync"
)

// exprNumber is a number in an explanation's expression as the capability
// packages write it: an optional leading "−" (U+2212) right before the
// digits, a dot as the decimal mark, no grouping, and an optional " %".
var exprNumber = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(−)?(\d+)(?:\.(\d+))?( %)?`) })

// Expr rewrites the numbers of an explanation's expression or result
// ("45000.00 × 14 / 30", "−12.50 %", "33.333…") in the reader's number
// format — grouping, decimal mark, minus sign and percent spacing of the
// language ("45 000,00 × 14 / 30" in ru and sv) — and leaves everything
// else (operators, ellipses, words) as it is. The digits themselves never
// change: a value with four decimals keeps them.
func (l *Localizer) Expr(s string) string {
	if s == "" {
		return s
	}
	return exprNumber().ReplaceAllStringFunc(s, func(m string) string {
		x := exprNumber().FindStringSubmatch(m)
		out := l.number(x[1] != "", x[2]+x[3], len(x[3]))
		if x[4] != "" {
			if l.lang == EN {
				return out + "%"
			}
			return out + nbsp + "%"
		}
		return out
	})
}

// Expr rewrites an expression's numbers with the Localizer from ctx; see
// Localizer.Expr. Templates call it: { i18n.Expr(ctx, step.Expr) }.
func Expr(ctx context.Context, s string) string {
	return From(ctx).Expr(s)
}
