package app

import (
	"fmt"
	"strconv"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// tokenFlags are the flags every token subcommand shares.
type tokenFlags struct {
	*flags
	email     *string
	workspace *int64
}

func (c *cli) tokenFlags(name string) tokenFlags {
	f := c.newFlags(name)
	f.config((*config.Config).BindDB)
	t := tokenFlags{flags: f}
	t.email = f.String("email", "", "the person's e-mail address (required)")
	t.workspace = f.Int64("workspace", 0, "workspace id; required when the person belongs to several")
	f.require("email")
	return t
}

// principal resolves the person's membership the token command acts for.
// When that needs --workspace, it prints the choices and returns code 2;
// on an error it prints it and returns 1.
func (c *cli) principal(db *store.DB, email string, workspaceID int64) (_ tandem.Principal, code int, ok bool) {
	u, err := c.user(db, email)
	if err != nil {
		return tandem.Principal{}, c.fail(err), false
	}
	ms, err := db.Accounts.MembershipsOf(c.ctx, u.ID)
	if err != nil {
		return tandem.Principal{}, c.fail(err), false
	}
	switch {
	case workspaceID != 0:
		p, err := db.Accounts.Principal(c.ctx, u.ID, workspaceID)
		if err != nil {
			if tandem.ErrorCode(err) == tandem.ENotFound {
				err = tandem.Errorf(tandem.ENotFound, i18n.K("cli.token.not_member"),
					"email", u.Email, "workspace", strconv.FormatInt(workspaceID, 10))
			}
			return tandem.Principal{}, c.fail(err), false
		}
		return p, exitOK, true
	case len(ms) == 0:
		return tandem.Principal{}, c.fail(tandem.Errorf(tandem.ENotFound, i18n.K("cli.token.no_workspace"), "email", u.Email)), false
	case len(ms) > 1:
		fmt.Fprintln(c.stderr, c.l.T("cli.error", "message", c.l.T("cli.token.choose_workspace", "email", u.Email)))
		tw := table(c.stderr)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.l.T("cli.col.id"), c.l.T("cli.col.workspace"), c.l.T("cli.col.role"))
		for _, m := range ms {
			fmt.Fprintf(tw, "  %d\t%s\t%s\n", m.WorkspaceID, m.WorkspaceName, c.role(string(m.Role)))
		}
		tw.Flush()
		return tandem.Principal{}, exitUsage, false
	}
	p, err := db.Accounts.Principal(c.ctx, u.ID, ms[0].WorkspaceID)
	if err != nil {
		return tandem.Principal{}, c.fail(err), false
	}
	return p, exitOK, true
}

// tokenCreate makes an API token and prints its secret, alone, on stdout.
func (c *cli) tokenCreate(name string, args []string) int {
	t := c.tokenFlags(name)
	tokenName := t.String("name", "cli", "a name to recognise the token by")
	if code, ok := t.parse(args); !ok {
		return code
	}
	db, err := c.open(t.cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	p, code, ok := c.principal(db, *t.email, *t.workspace)
	if !ok {
		return code
	}
	secret, tok, err := db.Accounts.CreateToken(c.ctx, p, *tokenName)
	if err != nil {
		return c.fail(err)
	}
	ws, err := db.Accounts.Workspace(c.ctx, p.WorkspaceID)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stderr, c.l.T("cli.token.created", "id", strconv.FormatInt(tok.ID, 10), "email", p.Email,
		"workspace", ws.Name, "role", c.role(string(p.Role))))
	fmt.Fprintln(c.stdout, secret)
	return exitOK
}

// tokenList prints the person's tokens in one workspace.
func (c *cli) tokenList(name string, args []string) int {
	t := c.tokenFlags(name)
	if code, ok := t.parse(args); !ok {
		return code
	}
	db, err := c.open(t.cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	p, code, ok := c.principal(db, *t.email, *t.workspace)
	if !ok {
		return code
	}
	toks, err := db.Accounts.Tokens(c.ctx, p)
	if err != nil {
		return c.fail(err)
	}
	if len(toks) == 0 {
		fmt.Fprintln(c.stdout, c.l.T("cli.token.none"))
		return exitOK
	}
	tw := table(c.stdout)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.l.T("cli.col.id"), c.l.T("cli.col.name"), c.l.T("cli.col.prefix"),
		c.l.T("cli.col.created"), c.l.T("cli.col.last_used"), c.l.T("cli.col.revoked"))
	for _, tok := range toks {
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\n", tok.ID, tok.Name, tok.Prefix, c.l.DateTime(tok.CreatedAt),
			c.when(tok.LastUsedAt), c.when(tok.RevokedAt))
	}
	tw.Flush()
	return exitOK
}

// tokenRevoke revokes one of the person's tokens.
func (c *cli) tokenRevoke(name string, args []string) int {
	t := c.tokenFlags(name)
	id := t.Int64("id", 0, "the token's id, from tandem token list (required)")
	if code, ok := t.parse(args); !ok {
		return code
	}
	if *id <= 0 {
		return t.usageError(c.l.T("cli.missing_flag", "flag", "--id"))
	}
	db, err := c.open(t.cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	p, code, ok := c.principal(db, *t.email, *t.workspace)
	if !ok {
		return code
	}
	if err := db.Accounts.RevokeToken(c.ctx, p, *id); err != nil {
		if tandem.ErrorCode(err) == tandem.ENotFound {
			err = tandem.Errorf(tandem.ENotFound, i18n.K("cli.token.not_found"), "id", strconv.FormatInt(*id, 10))
		}
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.token.revoked", "id", strconv.FormatInt(*id, 10)))
	return exitOK
}
