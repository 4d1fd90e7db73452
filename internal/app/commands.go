package app

import (
	"fmt"
	"strconv"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/demo"
)

// migrate opens the database, which applies pending migrations, and prints
// the schema version.
func (c *cli) migrate(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	if code, ok := f.parse(args); !ok {
		return code
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	v, err := db.SchemaVersion(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.migrate.done", "version", strconv.Itoa(v), "dialect", db.Dialect()))
	return exitOK
}

// demo loads the demo workspace and prints its sign-ins.
func (c *cli) demo(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	if code, ok := f.parse(args); !ok {
		return code
	}
	db, clk, err := c.openDemo(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	logins, err := demo.Load(c.ctx, db, clk)
	if err != nil {
		return c.fail(err)
	}
	c.printLogins(logins)
	return exitOK
}

// printLogins prints the demo sign-ins, one line per person.
func (c *cli) printLogins(logins []demo.Login) {
	fmt.Fprintln(c.stdout, c.l.T("cli.demo.loaded", "name", demo.WorkspaceName))
	fmt.Fprintln(c.stdout, c.l.T("cli.demo.password", "password", demo.Password))
	tw := table(c.stdout)
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.l.T("cli.col.role"), c.l.T("cli.col.email"), c.l.T("cli.col.name"), c.l.T("cli.col.partner"))
	for _, l := range logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.role(l.Role), l.Email, l.Name, l.Partner)
	}
	tw.Flush()
}

// role returns the localized name of a role.
func (c *cli) role(r string) string {
	key := "cli.role." + r
	if !c.cat.Has(c.l.Lang(), key) {
		return r
	}
	return c.l.T(key)
}

// config prints the effective configuration.
func (c *cli) config(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindServe)
	if code, ok := f.parse(args); !ok {
		return code
	}
	fmt.Fprint(c.stdout, cfg.String())
	return exitOK
}

// version prints the version.
func (c *cli) version(name string, args []string) int {
	f := c.newFlags(name)
	if code, ok := f.parse(args); !ok {
		return code
	}
	fmt.Fprintln(c.stdout, "tandem "+Version)
	return exitOK
}

// auditVerify walks every audit chain and reports the first break.
func (c *cli) auditVerify(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	if code, ok := f.parse(args); !ok {
		return code
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	brk, n, err := db.Audit.Verify(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	// Entries committed after Verify sealed are not yet in the chain:
	// their count and the oldest one's age (PostgreSQL, store/auditseal.go).
	win, err := db.Audit.Unsealed(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	unsealed := func() {
		if win.Count > 0 {
			fmt.Fprintln(c.stdout, c.l.N("cli.audit.unsealed", int64(win.Count), "age", c.l.Decimal(win.AgeTenths(db.Now()), 1)))
		}
	}
	if brk == nil {
		fmt.Fprintln(c.stdout, c.l.N("cli.audit.ok", int64(n)))
		unsealed()
		return exitOK
	}
	defer unsealed()
	reason := brk.Reason
	if key := "cli.audit.reason." + reason; c.cat.Has(c.l.Lang(), key) {
		reason = c.l.T(key)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.audit.broken",
		"workspace", strconv.FormatInt(brk.WorkspaceID, 10),
		"seq", strconv.FormatInt(brk.Seq, 10),
		"id", strconv.FormatInt(brk.ID, 10),
		"reason", reason))
	return exitFail
}

// kpiVerify recomputes every per-day KPI aggregate from the raw facts and
// reports the first difference.
func (c *cli) kpiVerify(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	if code, ok := f.parse(args); !ok {
		return code
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	m, err := db.KPI.Verify(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	if m == nil {
		fmt.Fprintln(c.stdout, c.l.T("cli.kpi.ok"))
		return exitOK
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.kpi.mismatch",
		"workspace", strconv.FormatInt(m.WorkspaceID, 10), "engagement", strconv.FormatInt(m.EngagementID, 10),
		"kind", m.Kind, "day", m.Day, "column", m.Column, "stored", m.Stored, "recomputed", m.Recomputed))
	return exitFail
}
