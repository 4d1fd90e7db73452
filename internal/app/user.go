package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// userCreate creates a user, with the password from --password or stdin.
func (c *cli) userCreate(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	email := f.String("email", "", "e-mail address (required)")
	fullName := f.String("name", "", "full name (required)")
	password := f.String("password", "", "password, at least 10 characters; read from the first line of stdin when not given")
	lang := f.String("lang", "", "language: en, ru or sv; by default the pages follow the person's browser")
	f.require("email", "name")
	if code, ok := f.parse(args); !ok {
		return code
	}
	l, ok := i18n.Parse(*lang)
	if !ok {
		l = i18n.Lang(*lang) // Validate reports it ("" is no choice yet)
	}
	u := &account.User{Email: *email, Name: *fullName, Lang: l}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return c.fail(err) // before asking for a password, and before touching the database
	}
	pw := *password
	if pw == "" {
		fmt.Fprint(c.stderr, c.l.T("cli.password_prompt"))
		var err error
		if pw, err = c.readLine(); err != nil {
			return c.fail(err)
		}
	}
	if err := account.ValidatePassword("password", pw); err != nil {
		return c.fail(err)
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	if err := db.Accounts.CreateUser(c.ctx, u, pw); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.user.created", "id", strconv.FormatInt(u.ID, 10), "email", u.Email))
	return exitOK
}

// userReset issues a password reset link for a user and prints it.
func (c *cli) userReset(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB, (*config.Config).BindBaseURL)
	f.StringVar(&cfg.Addr, "addr", cfg.Addr, "host:port of the server, for the default --base-url (env "+config.EnvAddr+")")
	email := f.String("email", "", "the user's e-mail address (required)")
	f.require("email")
	if code, ok := f.parse(args); !ok {
		return code
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	u, err := c.user(db, *email)
	if err != nil {
		return c.fail(err)
	}
	secret, err := db.Accounts.CreatePasswordReset(c.ctx, store.System(0, "cli"), u.ID)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stderr, c.l.N("cli.user.reset_link", int64(account.ResetTTL.Hours()), "email", u.Email))
	fmt.Fprintln(c.stdout, cfg.BaseURL+"/reset/"+secret)
	return exitOK
}

// userSetPassword sets a user's password from the first line of stdin.
func (c *cli) userSetPassword(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	email := f.String("email", "", "the user's e-mail address (required); the new password is read from stdin")
	f.require("email")
	if code, ok := f.parse(args); !ok {
		return code
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	u, err := c.user(db, *email)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprint(c.stderr, c.l.T("cli.password_prompt"))
	pw, err := c.readLine()
	if err != nil {
		return c.fail(err)
	}
	if err := db.Accounts.SetPassword(c.ctx, u.ID, pw); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.user.password_set", "email", u.Email))
	return exitOK
}

// workspaceCreate creates a workspace owned by an existing user.
func (c *cli) workspaceCreate(name string, args []string) int {
	f := c.newFlags(name)
	cfg := f.config((*config.Config).BindDB)
	wsName := f.String("name", "", "the client company's name (required)")
	owner := f.String("owner-email", "", "e-mail of the owner, an existing user (required; see tandem user create)")
	currency := f.String("currency", "EUR", "base currency, ISO 4217 (SEK, EUR, RUB, USD …)")
	lang := f.String("lang", "en", "default language: en, ru or sv")
	tz := f.String("time-zone", "UTC", "IANA time zone, e.g. Europe/Stockholm")
	f.require("name", "owner-email")
	if code, ok := f.parse(args); !ok {
		return code
	}
	l, ok := i18n.Parse(*lang)
	if !ok {
		l = i18n.Lang(*lang)
	}
	ws := &account.Workspace{Name: *wsName, Currency: strings.ToUpper(strings.TrimSpace(*currency)), Lang: l, TimeZone: strings.TrimSpace(*tz)}
	if err := ws.Validate(); err != nil {
		return c.fail(err)
	}
	db, err := c.open(cfg)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	u, err := c.user(db, *owner)
	if err != nil {
		return c.fail(err)
	}
	if err := db.Accounts.CreateWorkspace(c.ctx, ws, u.ID); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.stdout, c.l.T("cli.workspace.created", "id", strconv.FormatInt(ws.ID, 10), "name", ws.Name, "email", u.Email))
	return exitOK
}

// user finds a user by e-mail; a missing one is a domain error that names
// the address.
func (c *cli) user(db *store.DB, email string) (*account.User, error) {
	u, err := db.Accounts.UserByEmail(c.ctx, email)
	if errors.Is(err, tandem.ErrNotFound) {
		return nil, tandem.Errorf(tandem.ENotFound, i18n.K("cli.user.not_found"), "email", account.NormalizeEmail(email))
	}
	return u, err
}
