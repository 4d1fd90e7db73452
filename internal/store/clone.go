package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Clone copies the database o names into a new database and returns the
// options that open the copy (o's clock kept) and how to remove it. It is
// for benchmarks that measure two databases of the same start side by side
// (`tandem bench http --grow`), not a backup.
//
// SQLite: the copy is written by VACUUM INTO (Backup) into a new temporary
// directory named with prefix; the source may be open meanwhile. PostgreSQL:
// the copy is a new database on the same server, CREATE DATABASE … TEMPLATE
// the source, named after the source with a random suffix; PostgreSQL
// refuses to copy a database others are connected to, so every DB open on
// the source must be closed first (PostgreSQL waits a few seconds for the
// closed connections' backends to end), and the role needs CREATEDB.
func Clone(ctx context.Context, o Options, prefix string) (_ Options, remove func(), err error) {
	defer wrap(&err, "store.Clone")
	if o.URL == "" {
		dir, err := os.MkdirTemp("", prefix)
		if err != nil {
			return Options{}, nil, err
		}
		if _, err := Backup(ctx, o.DataDir, filepath.Join(dir, DBFile)); err != nil {
			os.RemoveAll(dir)
			return Options{}, nil, err
		}
		return Options{DataDir: dir, Now: o.Now}, func() { os.RemoveAll(dir) }, nil
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return Options{}, nil, err
	}
	src := strings.TrimPrefix(u.Path, "/")
	if src == "" {
		src = u.User.Username() // PostgreSQL's default database is the user's name
	}
	b := make([]byte, 4)
	rand.Read(b)
	suffix := "_copy_" + hex.EncodeToString(b)
	name := src
	if len(name)+len(suffix) > 63 { // PostgreSQL's longest identifier
		name = name[:63-len(suffix)]
	}
	name += suffix
	// The copy is made from the server's maintenance database: no
	// connection to the source may be open.
	admin := *u
	admin.Path = "/postgres"
	adb, err := sql.Open("pgx", admin.String())
	if err != nil {
		return Options{}, nil, err
	}
	if _, err := adb.ExecContext(ctx, `CREATE DATABASE `+quoteIdent(name)+` TEMPLATE `+quoteIdent(src)); err != nil {
		adb.Close()
		return Options{}, nil, fmt.Errorf("create database %s from %s: %w", name, src, err)
	}
	dst := *u
	dst.Path = "/" + name
	return Options{URL: dst.String(), Now: o.Now}, func() {
		_, _ = adb.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+quoteIdent(name)+` WITH (FORCE)`)
		adb.Close()
	}, nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
