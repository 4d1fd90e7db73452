//go:build ignore

// The durable-write baselines that wrk-writes.sh measures beside Tandem,
// the two limits issue 16 states its write goals against:
//
//   - SQLite: "a measured limit of this approach on this machine is
//     16.7k req/s" (the goal, 10,000, is 0.60 of it). With -sqlite DIR
//     this serves, on 127.0.0.1:8093, the least a server can do to
//     acknowledge a POST only once it is durable by group commit: every
//     request's body is one row of an unindexed table in a WAL database
//     with synchronous=FULL; one writer goroutine takes whatever requests
//     wait, inserts them in one transaction, commits and then answers
//     each (201). No routing, authentication, validation or audit.
//   - PostgreSQL: "about 10k single-row inserts a second from 20 clients"
//     (the goal, 5,000, is 0.50 of it). With -pg URL this runs -clients
//     connections, each inserting one row at a time (each its own durable
//     transaction) into an unindexed table for -duration, and prints the
//     rate: "inserts/s N".
//
// Run: go run docs/bench/commit-hello.go -sqlite /tmp/dir
//
//	go run docs/bench/commit-hello.go -pg postgres://… -clients 20 -duration 15s
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

func main() {
	dir := flag.String("sqlite", "", "directory for the SQLite database: serve group commits on -addr")
	addr := flag.String("addr", "127.0.0.1:8093", "address to serve on (with -sqlite)")
	pg := flag.String("pg", "", "PostgreSQL URL: measure single-row inserts")
	clients := flag.Int("clients", 20, "concurrent inserting connections (with -pg)")
	dur := flag.Duration("duration", 15*time.Second, "how long to insert (with -pg)")
	flag.Parse()
	switch {
	case *dir != "":
		serveSQLite(*dir, *addr)
	case *pg != "":
		insertPG(*pg, *clients, *dur)
	default:
		log.Fatal("give -sqlite DIR or -pg URL")
	}
}

type write struct {
	body []byte
	done chan int64
}

func serveSQLite(dir, addr string) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "commit-hello.db")+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		log.Fatal(err)
	}
	queue := make(chan write, 1024)
	go func() {
		batch := make([]write, 0, 256)
		for w := range queue {
			batch = append(batch[:0], w)
		more:
			for len(batch) < cap(batch) {
				select {
				case w := <-queue:
					batch = append(batch, w)
				default:
					break more
				}
			}
			ids, err := commit(db, batch)
			if err != nil {
				log.Fatal(err)
			}
			for i, w := range batch {
				w.done <- ids[i]
			}
		}
	}()
	log.Fatal(http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		done := make(chan int64, 1)
		queue <- write{body, done}
		id := <-done
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":` + strconv.FormatInt(id, 10) + "}\n"))
	})))
}

// commit inserts the batch's bodies in one transaction and returns their
// ids once it is durable.
func commit(db *sql.DB, batch []write) ([]int64, error) {
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	st, err := tx.Prepare(`INSERT INTO writes (body) VALUES (?)`)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(batch))
	for i, w := range batch {
		res, err := st.Exec(string(w.body))
		if err != nil {
			return nil, err
		}
		if ids[i], err = res.LastInsertId(); err != nil {
			return nil, err
		}
	}
	return ids, tx.Commit()
}

func insertPG(url string, clients int, dur time.Duration) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(clients)
	db.SetMaxIdleConns(clients)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS commit_hello (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				body := fmt.Sprintf(`{"legal_name":"Bench %d-%d AB","country":"SE"}`, c, i)
				if _, err := db.ExecContext(ctx, `INSERT INTO commit_hello (body) VALUES ($1)`, body); err != nil {
					if ctx.Err() != nil {
						return
					}
					log.Fatal(err)
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("inserts/s %.2f\n", float64(n.Load())/time.Since(start).Seconds())
}
