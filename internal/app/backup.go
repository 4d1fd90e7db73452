package app

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/store"
)

// backup writes a consistent copy of a SQLite installation, running or
// not, to --out (see store.Backup).
func (c *cli) backup(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	out := f.String("out", "", "file to write the backup to; it must not exist")
	f.require("out")
	if code, ok := f.parse(args); !ok {
		return code
	}
	if cfg.DatabaseURL != "" {
		return c.fail(store.ErrBackupPostgres)
	}
	start := time.Now()
	info, err := store.Backup(c.ctx, cfg.DataDir, *out)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.backup.done", "path", info.Path, "size", c.l.Decimal(info.Size/10000, 2),
		"version", strconv.Itoa(info.SchemaVersion), "seconds", c.l.Decimal(time.Since(start).Milliseconds()/10, 2)))
	fmt.Fprintln(c.stdout, "sha256 "+info.SHA256)
	return exitOK
}

// restore replaces the SQLite database of --data-dir with a backup; the
// server must be stopped (see store.Restore).
func (c *cli) restore(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	from := f.String("from", "", "the backup file to restore")
	f.require("from")
	if code, ok := f.parse(args); !ok {
		return code
	}
	if cfg.DatabaseURL != "" {
		return c.fail(store.ErrBackupPostgres)
	}
	info, aside, err := store.Restore(c.ctx, *from, cfg.DataDir, time.Now())
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.restore.done", "path", info.Path, "version", strconv.Itoa(info.SchemaVersion)))
	if aside != "" {
		fmt.Fprintln(c.stdout, c.l.T("cli.restore.aside", "path", aside))
	}
	return exitOK
}
