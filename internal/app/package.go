package app

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// packageExport writes the handover package of one engagement, or with
// --all of the whole workspace, as the owner named by --email.
func (c *cli) packageExport(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	email := f.String("email", "", "the e-mail address of the client's owner who exports")
	ws := f.Int64("workspace", 0, "the workspace, when the owner has several")
	eng := f.Int64("engagement", 0, "the engagement to export")
	all := f.Bool("all", false, "export every engagement of the workspace")
	out := f.String("out", "", "file to write the package to; it must not exist")
	f.require("email")
	f.require("out")
	if code, ok := f.parse(args); !ok {
		return code
	}
	if (*eng == 0) == !*all {
		return c.fail(tandem.Errorf(tandem.EInvalid, i18n.K("bundle.cli.engagement_or_all")))
	}
	if _, err := os.Stat(*out); err == nil {
		return c.fail(tandem.Errorf(tandem.EConflict, i18n.K("bundle.cli.out_exists"), "path", *out))
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	p, code, ok := c.principal(db, *email, *ws)
	if !ok {
		return code
	}
	start := time.Now()
	// Streamed to the file: the package is never held in memory whole.
	fh, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return c.fail(tandem.Errorf(tandem.EConflict, i18n.K("bundle.cli.out_exists"), "path", *out))
	}
	bw := bufio.NewWriterSize(fh, 1<<20)
	info, err := db.Packages().Export(c.ctx, p, *eng, bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return c.fail(err)
	}
	st, err := os.Stat(*out)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("bundle.cli.exported", "path", *out, "size", c.l.Decimal(st.Size()/10000, 2),
		"files", strconv.Itoa(info.Files), "seconds", c.l.Decimal(time.Since(start).Milliseconds()/10, 2)))
	return exitOK
}

// packageImport verifies a package and imports it; --dry-run reports what
// would be done and changes nothing.
func (c *cli) packageImport(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	ws := f.Int64("workspace", 0, "the workspace to import into; by default the one imported into before, or a new one")
	dry := f.Bool("dry-run", false, "report what would be created, matched or refused, and change nothing")
	file, args := packageFile(args)
	if code, ok := f.parse(args); !ok {
		return code
	}
	if file == "" {
		return c.fail(tandem.Errorf(tandem.EInvalid, i18n.K("bundle.cli.file_required")))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return c.fail(tandem.Errorf(tandem.ENotFound, i18n.K("bundle.cli.no_file"), "path", file))
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	start := time.Now()
	rep, err := db.Packages().Import(c.ctx, data, *ws, *dry)
	if err != nil {
		return c.fail(err)
	}
	margs := []any{"workspace", strconv.FormatInt(rep.WorkspaceID, 10), "seconds", c.l.Decimal(time.Since(start).Milliseconds()/10, 2)}
	msg := c.l.T("bundle.cli.imported", margs...)
	if rep.DryRun {
		msg = c.l.T("bundle.cli.dry_run", margs...)
	}
	fmt.Fprintln(c.stdout, msg)
	tw := table(c.stdout)
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.l.T("bundle.cli.col.entity"), c.l.T("bundle.cli.col.created"), c.l.T("bundle.cli.col.matched"), c.l.T("bundle.cli.col.refused"))
	for _, e := range rep.Entities {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\n", e.Entity, e.Created, e.Matched, e.Refused)
	}
	tw.Flush()
	return exitOK
}

// packageFile takes the package file, the one argument that is neither a
// flag nor a flag's value, out of args, wherever it stands.
func packageFile(args []string) (string, []string) {
	rest := make([]string, 0, len(args))
	file := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-"):
			rest = append(rest, a)
			if !strings.Contains(a, "=") && a != "--dry-run" && a != "-dry-run" && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		case file == "":
			file = a
		default:
			rest = append(rest, a)
		}
	}
	return file, rest
}
