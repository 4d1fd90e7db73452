package portfolio

import (
	"context"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ReadPaged is Read listing size engagements at a time, so that a test
// crosses pages without creating hundreds of engagements.
func ReadPaged(ctx context.Context, db *store.DB, p tandem.Principal, kind string, size int) (*Portfolio, error) {
	return read(ctx, db, p, kind, size, true)
}
