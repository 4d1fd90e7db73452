// Package app is the tandem command: it parses the command line, builds the
// configuration and the dependencies, and runs a subcommand (serve, migrate,
// demo, user, workspace, token, audit, config, version). cmd/tandem only
// calls Run; the end-to-end tests call it too.
//
// Everything printed for a person goes through the message catalogue
// (locales/<lang>/cli.json), in the language of TANDEM_LANG, else of
// LC_ALL, LC_MESSAGES or LANG, else English. Exit codes: 0 success, 1 the
// command failed, 2 the command line was wrong.
//
// Durability is tested on the real binary: the kill -9 test
// (crash_test.go) builds tandem, kills `tandem serve` with SIGKILL while
// writers are waiting for answers, starts it again on the same data and
// requires every write the API acknowledged to be there exactly once, and
// `audit verify` and `kpi verify` to pass. TANDEM_CRASH_ROUNDS sets the
// rounds per dialect (2 on SQLite, 1 on PostgreSQL by default);
// TANDEM_CRASH_SEED replays the logged kill moments.
package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/demo"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Version is the program's version, set at build time with
// -ldflags "-X github.com/tandemhq/tandem/internal/app.Version=v1.2.3".
var Version = "dev"

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// cli is one invocation: its environment, streams and localizer.
type cli struct {
	ctx    context.Context
	getenv func(string) string
	stdin  *bufio.Reader
	stdout io.Writer
	stderr io.Writer
	cat    *i18n.Catalog
	l      *i18n.Localizer
	cmds   []command
	opts   options
}

// options are what the tests change in one invocation besides its command
// line and environment; Run passes the zero value.
type options struct {
	// scheduler, when set, replaces defaultSchedulerSettings for the
	// scheduler of serve.
	scheduler *schedulerSettings
	// webhooks, when set, replaces defaultWebhookSettings.
	webhooks *webhookSettings
	// benchRun, when set, is told about every run of `bench http`.
	benchRun func(benchRunEvent)
}

// command is one subcommand, or a group of them (user, workspace …).
type command struct {
	name  string
	usage string // syntax, after "tandem "
	about string // catalogue key of the one-line description
	run   func(c *cli, name string, args []string) int
	sub   []command
}

// commandTable is the whole command line, in help order.
func commandTable() []command {
	return []command{
		{name: "serve", usage: "serve [--demo] [--addr host:port] [--data-dir DIR | --database URL] [flags]", about: "cli.serve.about", run: (*cli).serve},
		{name: "migrate", usage: "migrate [--data-dir DIR | --database URL]", about: "cli.migrate.about", run: (*cli).migrate},
		{name: "demo", usage: "demo [--data-dir DIR | --database URL]", about: "cli.demo.about", run: (*cli).demo},
		{name: "user", about: "cli.user.about", sub: []command{
			{name: "create", usage: "user create --email E --name N [--password P] [--lang en|ru|sv]", about: "cli.user.create.about", run: (*cli).userCreate},
			{name: "reset-password", usage: "user reset-password --email E [--base-url URL]", about: "cli.user.reset.about", run: (*cli).userReset},
			{name: "set-password", usage: "user set-password --email E  < password", about: "cli.user.set.about", run: (*cli).userSetPassword},
		}},
		{name: "workspace", about: "cli.workspace.about", sub: []command{
			{name: "create", usage: "workspace create --name N --owner-email E [--currency SEK] [--lang sv] [--time-zone Europe/Stockholm]", about: "cli.workspace.create.about", run: (*cli).workspaceCreate},
		}},
		{name: "token", about: "cli.token.about", sub: []command{
			{name: "create", usage: "token create --email E [--workspace ID] [--name N]", about: "cli.token.create.about", run: (*cli).tokenCreate},
			{name: "list", usage: "token list --email E [--workspace ID]", about: "cli.token.list.about", run: (*cli).tokenList},
			{name: "revoke", usage: "token revoke --email E --id N [--workspace ID]", about: "cli.token.revoke.about", run: (*cli).tokenRevoke},
		}},
		{name: "audit", about: "cli.audit.about", sub: []command{
			{name: "verify", usage: "audit verify [--data-dir DIR | --database URL]", about: "cli.audit.verify.about", run: (*cli).auditVerify},
		}},
		{name: "kpi", about: "cli.kpi.about", sub: []command{
			{name: "verify", usage: "kpi verify [--data-dir DIR | --database URL]", about: "cli.kpi.verify.about", run: (*cli).kpiVerify},
		}},
		{name: "package", about: "bundle.cli.about", sub: []command{
			{name: "export", usage: "package export --email E (--engagement ID | --all) --out FILE [--workspace ID]", about: "bundle.cli.export.about", run: (*cli).packageExport},
			{name: "import", usage: "package import FILE [--dry-run] [--workspace ID]", about: "bundle.cli.import.about", run: (*cli).packageImport},
		}},
		{name: "bench", about: "cli.bench.about", sub: []command{
			{name: "http", usage: "bench http [--data-dir DIR | --database URL] [--duration 10s] [--connections 50] [--repeat 3] [--only a,b] [--grow [--grow-audit 1000000] [--grow-partners 100000] [--grow-deliverables 100000]] [--cpuprofile FILE]", about: "cli.bench.http.about", run: (*cli).benchHTTP},
			{name: "soak", usage: "bench soak [--data-dir DIR | --database URL] [--rate 1000] [--duration 10m] [--every 1m] [--connections 50] [--server BIN]", about: "cli.bench.soak.about", run: (*cli).benchSoak},
		}},
		{name: "backup", usage: "backup --out FILE [--data-dir DIR]", about: "cli.backup.about", run: (*cli).backup},
		{name: "restore", usage: "restore --from FILE [--data-dir DIR]", about: "cli.restore.about", run: (*cli).restore},
		{name: "config", usage: "config [flags]", about: "cli.config.about", run: (*cli).config},
		{name: "version", usage: "version", about: "cli.version.about", run: (*cli).version},
	}
}

// Run runs the tandem command line args (without the program name) and
// returns the exit code: 0 on success, 1 when the command failed, 2 for a
// wrong command line. getenv reads the environment; stdin is read for
// passwords; results go to stdout, errors and logs to stderr. Cancelling ctx
// stops a running server gracefully.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, options{}, args, getenv, stdin, stdout, stderr)
}

// runWith is Run with options.
func runWith(ctx context.Context, opts options, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Each language is read when a message of it is first needed: tandem
	// version needs none, most commands one; the server reads them all.
	cat := i18n.Lazy()
	c := &cli{ctx: ctx, getenv: getenv, stdin: bufio.NewReader(stdin), stdout: stdout, stderr: stderr, cat: cat, opts: opts}
	c.l = cat.For(Language(getenv), nil)
	c.cmds = commandTable()
	return c.dispatch(c.cmds, "", args)
}

// Language picks the language of messages: TANDEM_LANG when it names a
// supported language, else the first set of LC_ALL, LC_MESSAGES and LANG
// (e.g. "ru_RU.UTF-8"), else English.
func Language(getenv func(string) string) i18n.Lang {
	if l, ok := i18n.Parse(getenv("TANDEM_LANG")); ok {
		return l
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if l, ok := i18n.Parse(v); ok {
				return l
			}
			return i18n.EN
		}
	}
	return i18n.EN
}

// dispatch finds the (sub)command named by args[0] among cmds and runs it.
func (c *cli) dispatch(cmds []command, prefix string, args []string) int {
	if len(args) == 0 {
		c.help(c.stderr, cmds, prefix)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" || name == "help" {
		c.help(c.stdout, cmds, prefix)
		return exitOK
	}
	for _, cmd := range cmds {
		if cmd.name != name {
			continue
		}
		if cmd.sub != nil {
			return c.dispatch(cmd.sub, prefix+name+" ", args[1:])
		}
		return cmd.run(c, prefix+name, args[1:])
	}
	fmt.Fprintln(c.stderr, c.l.T("cli.unknown_command", "command", strings.TrimSpace(prefix+name)))
	fmt.Fprintln(c.stderr, c.l.T("cli.see_help", "help", "tandem "+prefix+"-h"))
	return exitUsage
}

// help prints the commands of one level with their descriptions.
func (c *cli) help(w io.Writer, cmds []command, prefix string) {
	fmt.Fprintln(w, c.l.T("cli.usage", "usage", "tandem "+prefix+"<command> [flags]"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, c.l.T("cli.commands"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, cmd := range cmds {
		fmt.Fprintf(tw, "  %s\t%s\n", cmd.name, c.l.T(cmd.about))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, c.l.T("cli.help_hint", "help", "tandem "+prefix+"<command> -h"))
}

// flags is one subcommand's flag set with its usage and description.
type flags struct {
	*flag.FlagSet
	c        *cli
	name     string // "user create"
	usage    string
	about    string
	cfg      *config.Config
	envErr   error
	required []string
}

// newFlags starts the flag set of the subcommand name.
func (c *cli) newFlags(name string) *flags {
	var cmd *command
	for i, top := range c.cmds {
		if top.name == name {
			cmd = &c.cmds[i]
		}
		for j, sub := range top.sub {
			if top.name+" "+sub.name == name {
				cmd = &top.sub[j]
			}
		}
	}
	if cmd == nil {
		panic("app: no command " + name) // a programming error
	}
	fs := flag.NewFlagSet("tandem "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flags{FlagSet: fs, c: c, name: name, usage: cmd.usage, about: cmd.about}
}

// config binds the configuration flags: bind is one of the
// config.Config.Bind methods.
func (f *flags) config(binds ...func(*config.Config, *flag.FlagSet)) *config.Config {
	cfg, err := config.FromEnv(f.c.getenv)
	f.cfg, f.envErr = &cfg, err
	for _, bind := range binds {
		bind(f.cfg, f.FlagSet)
	}
	return f.cfg
}

// require marks flags that must be given a non-empty value.
func (f *flags) require(names ...string) { f.required = append(f.required, names...) }

// parse parses args. It returns ok=false with the exit code when the
// command should stop: after printing help (0) or a usage error (2).
func (f *flags) parse(args []string) (code int, ok bool) {
	c := f.c
	err := f.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(c.stdout, c.l.T("cli.usage", "usage", "tandem "+f.usage))
		fmt.Fprintln(c.stdout)
		fmt.Fprintln(c.stdout, c.l.T(f.about))
		if f.hasFlags() {
			fmt.Fprintln(c.stdout)
			fmt.Fprintln(c.stdout, c.l.T("cli.flags"))
			f.SetOutput(c.stdout)
			f.PrintDefaults()
			f.SetOutput(io.Discard)
		}
		return exitOK, false
	}
	if err != nil {
		return f.usageError(c.l.T("cli.bad_arguments", "detail", err.Error())), false
	}
	if f.NArg() > 0 {
		return f.usageError(c.l.T("cli.unexpected_argument", "arg", f.Arg(0))), false
	}
	for _, name := range f.required {
		if strings.TrimSpace(f.Lookup(name).Value.String()) == "" {
			return f.usageError(c.l.T("cli.missing_flag", "flag", "--"+name)), false
		}
	}
	if f.cfg != nil {
		err := f.envErr
		if err == nil {
			err = f.cfg.Finish()
		}
		if err != nil {
			c.printError(err)
			return exitUsage, false
		}
	}
	return exitOK, true
}

func (f *flags) hasFlags() bool {
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// usageError prints msg and the command's usage line to stderr; it returns 2.
func (f *flags) usageError(msg string) int {
	c := f.c
	fmt.Fprintln(c.stderr, c.l.T("cli.error", "message", msg))
	fmt.Fprintln(c.stderr, c.l.T("cli.usage", "usage", "tandem "+f.usage))
	fmt.Fprintln(c.stderr, c.l.T("cli.see_help", "help", "tandem "+f.name+" -h"))
	return exitUsage
}

// fail prints err for a person and returns 1.
func (c *cli) fail(err error) int {
	c.printError(err)
	return exitFail
}

// printError prints err localized: a domain error as its message or one line
// per field error; any other error as its text.
func (c *cli) printError(err error) {
	e, ok := tandem.AsError(err)
	switch {
	case !ok:
		fmt.Fprintln(c.stderr, c.l.T("cli.error", "message", err.Error()))
	case len(e.Fields) > 0:
		for _, f := range e.Fields {
			fmt.Fprintln(c.stderr, c.l.T("cli.error", "message", f.Field+": "+c.l.T(string(f.Key), f.Args...)))
		}
	default:
		msg := c.l.T(string(e.Key), e.Args...)
		if e.Code == tandem.EInternal && e.Err != nil {
			msg += ": " + e.Err.Error()
		}
		fmt.Fprintln(c.stderr, c.l.T("cli.error", "message", msg))
	}
}

// open opens (and migrates) the database cfg names.
func (c *cli) open(cfg *config.Config) (*store.DB, error) {
	return store.Open(c.ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
}

// openDemo opens the database with a demo clock as the store's clock: the
// demo's backdated history sets it while it loads; otherwise it reads the
// real time.
func (c *cli) openDemo(cfg *config.Config) (*store.DB, *demo.Clock, error) {
	clk := demo.NewClock(time.Now)
	db, err := store.Open(c.ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Now: clk.Now})
	return db, clk, err
}

// readLine reads one line from stdin, without its line ending. An empty
// stdin gives "".
func (c *cli) readLine() (string, error) {
	s, err := c.stdin.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// when formats an optional time: a dash when it is unset.
func (c *cli) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return c.l.DateTime(t)
}

// table returns a tab writer for aligned columns on w.
func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) }
