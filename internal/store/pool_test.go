package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/tandemhq/tandem/internal/store/storetest"
)

// TestPostgresPoolKeepsItsConnections: connections given back after a
// burst that used them all stay open for the next requests. With fewer
// kept idle than may be open, a busy server closed the connections it got
// back beyond the idle limit and opened new ones (a PostgreSQL backend
// each) for later requests — three times fewer pages a second.
func TestPostgresPoolKeepsItsConnections(t *testing.T) {
	t.Parallel()
	if !slices.Contains(storetest.Dialects(t), "postgres") {
		t.Skip("PostgreSQL only: SQLite's pools are the writer's one connection and the readers'")
	}
	db := storetest.Open(t, "postgres", nil)
	pool := db.ReadPool()
	limit := pool.Stats().MaxOpenConnections
	if limit < 2 {
		t.Fatalf("the pool may open %d connections", limit)
	}
	// A burst that holds every connection at once, then gives them back.
	ctx := context.Background()
	var hold, done sync.WaitGroup
	release := make(chan struct{})
	for range limit {
		hold.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			conn, err := pool.Conn(ctx)
			hold.Done()
			if err != nil {
				t.Error(err)
				return
			}
			<-release
			conn.Close()
		}()
	}
	hold.Wait()
	close(release)
	done.Wait()
	st := pool.Stats()
	if st.MaxIdleClosed != 0 || st.Idle != limit {
		t.Errorf("after a burst of %d: %d idle, %d closed as beyond the idle limit; want all %d kept", limit, st.Idle, st.MaxIdleClosed, limit)
	}
}
