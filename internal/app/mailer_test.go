package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/account"
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/mail"
	"github.com/tandemhq/tandem/internal/notice"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/tandem"
	"github.com/tandemhq/tandem/internal/work"
)

// openShared opens two handles (two instances) on one fresh database of
// dialect, both reading clk.
func openShared(t *testing.T, dialect string, clk *storetest.Clock) (*store.DB, *store.DB) {
	t.Helper()
	opts := store.Options{Now: clk.Now}
	if dialect == "postgres" {
		opts.URL = storetest.CreateDatabase(t)
	} else {
		opts.DataDir = t.TempDir()
	}
	open := func() *store.DB {
		db, err := store.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.SetMailEnabled(true)
		return db
	}
	a := open()
	return a, open()
}

func testMailer(db *store.DB, holder string, port int) *mailer {
	return &mailer{db: db, cat: i18n.MustLoad(), baseURL: "https://tandem.example", holder: holder, lease: time.Minute,
		log: slog.New(slog.DiscardHandler),
		smtp: mail.SMTP{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, User: "user", Password: "secret",
			From: "Tandem <tandem@example.com>"}}
}

// readBack parses a received message: headers, decoded subject and its
// text and HTML parts.
type readMail struct {
	h                   netmail.Header
	subject, text, html string
}

func readBack(t *testing.T, raw []byte) readMail {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := readMail{h: m.Header}
	if out.subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			out.html = string(b)
		} else {
			out.text = string(b)
		}
	}
	return out
}

func fileNotice(t *testing.T, db *store.DB, f *storetest.Fixture, text string) {
	t.Helper()
	if err := db.Notices.File(context.Background(), f.VendorAgent, &notice.Notice{EngagementID: f.A1, Category: "missing_information", Text: text}); err != nil {
		t.Fatal(err)
	}
}

func outboxOf(t *testing.T, db *store.DB, p tandem.Principal) []store.OutboxEntry {
	t.Helper()
	es, _, err := db.Mail().Outbox(context.Background(), p, tandem.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

var linkRE = regexp.MustCompile(`https://tandem\.example/[^\s"<>]+`)

// Two instances on one database send the outbox at the same time: every
// message arrives exactly once, in its recipient's language (an English
// owner, a Russian manager), with working links; the one-click
// unsubscribe stops that kind's e-mails; a reset link and an invitation go
// to the person themselves.
func TestMailTwoSendersDeliverOnceInTheirLanguage(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := storetest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			a, b := openShared(t, dialect, clk)
			f := storetest.Seed(t, a)
			storetest.Activate(t, a, f.Owner, f.A1, nil)
			if err := a.Accounts.SetLanguage(ctx, f.Manager.UserID, i18n.RU); err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				fileNotice(t, a, f, fmt.Sprintf("Need access %d", i)) // to the owner (en) and the manager (ru)
			}
			if err := a.Accounts.RequestReset(ctx, f.Emails[tandem.RoleViewer], "192.0.2.1"); err != nil { // the viewer gets a link, the owner a notification
				t.Fatal(err)
			}
			if _, err := a.Accounts.Invite(ctx, f.Owner, &account.Invitation{Email: "newcomer@example.com", Role: tandem.RoleViewer}); err != nil {
				t.Fatal(err)
			}
			queued := outboxOf(t, a, f.Owner)
			if len(queued) != 12 { // 5×2 notices, the owner's reset notification, the invitation (the reset link has no workspace)
				t.Fatalf("outbox holds %d e-mails of the workspace, want 12", len(queued))
			}

			srv := startSMTP(t, "127.0.0.1:0")
			var wg sync.WaitGroup
			for i, db := range []*store.DB{a, b, a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := testMailer(db, fmt.Sprintf("instance-%d", i%2), srv.port()).deliver(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			msgs := srv.messages()
			if len(msgs) != 13 {
				t.Fatalf("received %d messages, want 13", len(msgs))
			}
			seen := map[string]int{}
			byTo := map[string][]readMail{}
			for _, m := range msgs {
				rm := readBack(t, m.Data)
				seen[rm.h.Get("Message-Id")]++
				byTo[m.To] = append(byTo[m.To], rm)
				if m.From != "tandem@example.com" {
					t.Errorf("envelope from %q", m.From)
				}
			}
			for k, n := range seen {
				if n != 1 {
					t.Errorf("%q arrived %d times", k, n)
				}
			}
			for _, e := range outboxOf(t, a, f.Owner) {
				if e.Status != mail.Sent || e.Tries != 1 {
					t.Errorf("outbox %d: %s after %d tries", e.ID, e.Status, e.Tries)
				}
			}

			// The owner reads English, the manager Russian.
			owner, manager := byTo[f.Emails[tandem.RoleOwner]], byTo[f.Emails[tandem.RoleManager]]
			if len(owner) != 6 || len(manager) != 5 {
				t.Fatalf("owner got %d, manager %d", len(owner), len(manager))
			}
			// Two senders run at once, so the messages arrive in any order:
			// pick the notice's by its subject (its text in Russian).
			pick := func(ms []readMail, want func(readMail) bool) readMail {
				for _, m := range ms {
					if want(m) {
						return m
					}
				}
				return ms[0]
			}
			en := pick(owner, func(m readMail) bool { return m.subject == "The partner filed a written notice" })
			if en.h.Get("Content-Language") != "en" || !strings.Contains(en.text, "Hello Olivia Owner,") ||
				!strings.Contains(en.text, "https://tandem.example/engagements/") || en.subject != "The partner filed a written notice" {
				t.Errorf("English notice e-mail: %q\n%s", en.subject, en.text)
			}
			ru := pick(manager, func(m readMail) bool {
				return strings.Contains(m.text, "Отписаться от писем «Подано письменное уведомление»")
			})
			if ru.h.Get("Content-Language") != "ru" || !strings.Contains(ru.text, "Здравствуйте") || !strings.Contains(ru.text, "Отписаться от писем «Подано письменное уведомление»") {
				t.Errorf("Russian notice e-mail: %q\n%s", ru.subject, ru.text)
			}
			if ru.h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Errorf("no one-click unsubscribe: %v", ru.h)
			}

			// The reset link goes to the viewer and works once.
			viewer := byTo[f.Emails[tandem.RoleViewer]]
			if len(viewer) != 1 || viewer[0].subject != "Choose a new Tandem password" {
				t.Fatalf("viewer's e-mails: %+v", viewer)
			}
			reset := linkRE.FindString(viewer[0].text)
			secret, ok := strings.CutPrefix(reset, "https://tandem.example/reset/")
			if !ok {
				t.Fatalf("reset link %q", reset)
			}
			if err := a.Accounts.ResetPassword(ctx, secret, "a brand new password"); err != nil {
				t.Errorf("the e-mailed reset link does not work: %v", err)
			}
			inv := byTo["newcomer@example.com"]
			if len(inv) != 1 || !strings.Contains(inv[0].text, "Olivia Owner invites you to join “Fixture AB”") {
				t.Fatalf("invitation e-mails: %+v", inv)
			}
			isecret, _ := strings.CutPrefix(linkRE.FindString(inv[0].text), "https://tandem.example/invite/")
			if _, _, err := a.Accounts.Invitation(ctx, isecret); err != nil {
				t.Errorf("the e-mailed invitation link does not work: %v", err)
			}

			// One click on the manager's unsubscribe link (its token) stops
			// e-mails about notices for the manager only.
			token, ok := strings.CutPrefix(strings.Trim(ru.h.Get("List-Unsubscribe"), "<>"), "https://tandem.example"+mail.UnsubscribePath)
			if !ok {
				t.Fatalf("List-Unsubscribe %q", ru.h.Get("List-Unsubscribe"))
			}
			if err := b.Mail().Unsubscribe(ctx, token); err != nil {
				t.Fatal(err)
			}
			if err := b.Mail().Unsubscribe(ctx, token[:len(token)-2]+"xx"); err == nil {
				t.Error("a changed token unsubscribed")
			}
			fileNotice(t, a, f, "After the unsubscribe")
			if _, err := testMailer(b, "instance-1", srv.port()).deliver(ctx); err != nil {
				t.Fatal(err)
			}
			msgs = srv.messages()[13:]
			if len(msgs) != 1 || msgs[0].To != f.Emails[tandem.RoleOwner] {
				t.Errorf("after the manager unsubscribed: %d messages, to %v", len(msgs), msgs)
			}
		})
	}
}

// The SMTP server is down: the message is tried again a minute later, and
// delivered once when the server is back; a refused address fails at once.
func TestMailRetriedWhileSMTPDown(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := storetest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			db, _ := openShared(t, dialect, clk)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			if _, err := db.Accounts.Invite(ctx, f.Owner, &account.Invitation{Email: "bounce@example.com", Role: tandem.RoleViewer}); err != nil {
				t.Fatal(err)
			}
			fileNotice(t, db, f, "While the server is down")

			// A port nobody listens on.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			m := testMailer(db, "instance-0", port)
			if n, err := m.deliver(ctx); err != nil || n != 0 {
				t.Fatalf("deliver with the server down: %d, %v", n, err)
			}
			for _, e := range outboxOf(t, db, f.Owner) {
				if e.Status != mail.Pending || e.Tries != 1 || e.LastError == "" || !e.NextAttempt.Equal(clk.Now().Add(time.Minute)) {
					t.Errorf("after the failed try: %+v", e)
				}
			}
			srv := startSMTP(t, addr)
			if n, _ := m.deliver(ctx); n != 0 || len(srv.messages()) != 0 {
				t.Errorf("tried again before the backoff: %d", n)
			}
			clk.Add(time.Minute)
			if n, err := m.deliver(ctx); err != nil || n != 2 {
				t.Fatalf("deliver after the backoff: %d, %v", n, err)
			}
			if n, _ := m.deliver(ctx); n != 0 {
				t.Errorf("delivered again: %d", n)
			}
			got := map[string]int{}
			for _, msg := range srv.messages() {
				got[msg.To]++
			}
			if got[f.Emails[tandem.RoleOwner]] != 1 || got[f.Emails[tandem.RoleManager]] != 1 || len(got) != 2 {
				t.Errorf("received %v", got)
			}
			for _, e := range outboxOf(t, db, f.Owner) {
				want := mail.Sent
				if e.To == "bounce@example.com" {
					want = mail.Failed
				}
				if e.Status != want || e.Tries != 2 {
					t.Errorf("%s: %s after %d tries (%s), want %s", e.To, e.Status, e.Tries, e.LastError, want)
				}
			}
		})
	}
}

// A Russian manager who put notices in a daily digest gets no e-mail per
// notice but one digest at 08:00 in the workspace's zone (Stockholm)
// listing them; writing the digests again writes none; read
// notifications are left out.
func TestMailDigest(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// Monday 7 December 2026, 07:30 in Stockholm.
			clk := storetest.NewClock(time.Date(2026, 12, 7, 6, 30, 0, 0, time.UTC))
			db, _ := openShared(t, dialect, clk)
			f := storetest.Seed(t, db)
			storetest.Activate(t, db, f.Owner, f.A1, nil)
			if err := db.Accounts.SetLanguage(ctx, f.Manager.UserID, i18n.RU); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Mail().SetPreferences(ctx, f.Manager, mail.Preferences{Modes: map[string]mail.Mode{"notice": mail.InDigest}, Frequency: mail.Daily}); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				fileNotice(t, db, f, fmt.Sprintf("Digest %d", i))
			}
			ns, _, err := db.Notifications.List(ctx, f.Manager, false, 10)
			if err != nil || len(ns) != 3 {
				t.Fatalf("manager's notifications: %d, %v", len(ns), err)
			}
			if err := db.Notifications.MarkRead(ctx, f.Manager, ns[0].ID); err != nil { // the newest, read in the app
				t.Fatal(err)
			}
			for _, e := range outboxOf(t, db, f.Owner) {
				if e.To == f.Emails[tandem.RoleManager] {
					t.Errorf("a notice e-mailed to the manager at once: %+v", e)
				}
			}
			// The hour before 08:00 local writes nothing; the hour that ends at it, one digest.
			early := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
			if n, err := db.Mail().QueueDigests(ctx, early.Add(-time.Hour), early); err != nil || n != 0 {
				t.Fatalf("digests before 08:00: %d, %v", n, err)
			}
			slot := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)
			clk.Add(30 * time.Minute)
			for i, want := range []int{1, 0} {
				if n, err := db.Mail().QueueDigests(ctx, slot.Add(-time.Hour), slot); err != nil || n != want {
					t.Fatalf("digests, round %d: %d, %v; want %d", i, n, err, want)
				}
			}
			srv := startSMTP(t, "127.0.0.1:0")
			if _, err := testMailer(db, "instance-0", srv.port()).deliver(ctx); err != nil {
				t.Fatal(err)
			}
			var digest *readMail
			for _, m := range srv.messages() {
				if m.To == f.Emails[tandem.RoleManager] {
					if digest != nil {
						t.Fatal("the manager got more than one e-mail")
					}
					rm := readBack(t, m.Data)
					digest = &rm
				}
			}
			if digest == nil {
				t.Fatal("no digest")
			}
			if digest.subject != "2 непрочитанных уведомления в «Fixture AB»" || digest.h.Get("Content-Language") != "ru" {
				t.Errorf("digest subject %q", digest.subject)
			}
			if c := strings.Count(digest.text, "• Подрядчик направил письменное уведомление"); c != 2 || !strings.Contains(digest.text, "после вчерашней сводки") {
				t.Errorf("digest lists %d notices:\n%s", c, digest.text)
			}
			token, _ := strings.CutPrefix(strings.Trim(digest.h.Get("List-Unsubscribe"), "<>"), "https://tandem.example"+mail.UnsubscribePath)
			if err := db.Mail().Unsubscribe(ctx, token); err != nil {
				t.Fatal(err)
			}
			if p, err := db.Mail().Preferences(ctx, f.Manager); err != nil || p.Frequency != mail.Never || p.Mode("notice.filed") != mail.InDigest {
				t.Errorf("after unsubscribing from the digest: %+v, %v", p, err)
			}
		})
	}
}

// The sender speaks STARTTLS (the default) and implicit TLS, verifying the
// server's certificate, and refuses to send in clear to a server that does
// not offer STARTTLS when STARTTLS is asked for.
func TestMailSMTPOverTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srvTLS, cliTLS := testCert(t)
	msg := (&mail.Message{From: netmail.Address{Address: "tandem@example.com"}, To: netmail.Address{Address: "anna@example.com"},
		Subject: "Привет", Text: "over TLS", HTML: "<p>over TLS</p>"}).Bytes()
	for _, mode := range []string{mail.TLSStartTLS, mail.TLSImplicit} {
		srv := startSMTPTLS(t, "127.0.0.1:0", srvTLS, mode == mail.TLSImplicit)
		c := mail.SMTP{Host: "127.0.0.1", Port: srv.port(), TLS: mode, User: "user", Password: "secret", From: "tandem@example.com", TLSConfig: cliTLS}
		if err := c.Send(ctx, "tandem@example.com", "anna@example.com", msg); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if got := srv.messages(); len(got) != 1 || readBack(t, got[0].Data).subject != "Привет" {
			t.Errorf("%s: received %d", mode, len(got))
		}
		// Another certificate authority: the server is not trusted.
		_, other := testCert(t)
		c.TLSConfig = other
		if err := c.Send(ctx, "tandem@example.com", "anna@example.com", msg); err == nil {
			t.Errorf("%s: sent to a server whose certificate is not trusted", mode)
		}
	}
	plain := startSMTP(t, "127.0.0.1:0")
	c := mail.SMTP{Host: "127.0.0.1", Port: plain.port(), TLS: mail.TLSStartTLS, User: "user", Password: "secret", From: "tandem@example.com", TLSConfig: cliTLS}
	if err := c.Send(ctx, "tandem@example.com", "anna@example.com", msg); err == nil || len(plain.messages()) != 0 {
		t.Errorf("sent in clear when STARTTLS was asked for: %v", err)
	}
	c.Password = "wrong"
	c.TLS = mail.TLSNone
	var pe *mail.PermanentError
	if err := c.Send(ctx, "tandem@example.com", "anna@example.com", msg); err == nil || errors.As(err, &pe) {
		t.Errorf("wrong password: %v, want an error to try again later", err)
	}
	c.Password = "secret"
	if err := c.Send(ctx, "tandem@example.com", "bounce@example.com", msg); !errors.As(err, &pe) {
		t.Errorf("refused recipient: %v, want a permanent error", err)
	}
}

// Two `tandem serve` instances on one database, both configured with the
// test's SMTP server, send the outbox through the scheduler: every message
// arrives exactly once, the manager's in Russian.
func TestMailTwoServeInstancesSendOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		db := tg.open(t)
		f := storetest.Seed(t, db)
		storetest.Activate(t, db, f.Owner, f.A1, nil)
		if err := db.Accounts.SetLanguage(ctx, f.Manager.UserID, i18n.RU); err != nil {
			t.Fatal(err)
		}
		const notices = 10
		for i := range notices {
			fileNotice(t, db, f, fmt.Sprint("Serve ", i))
		}
		srv := startSMTP(t, "127.0.0.1:0")
		set := defaultSchedulerSettings
		set.tick, set.sweep = 20*time.Millisecond, 200*time.Millisecond
		args := tg.with("serve", "--addr", "127.0.0.1:0", "--base-url", "https://tandem.example",
			"--smtp-host", "127.0.0.1", "--smtp-port", fmt.Sprint(srv.port()), "--smtp-tls", "none",
			"--smtp-user", "user", "--mail-from", "Tandem <tandem@example.com>")
		env := func(k string) string {
			if k == "TANDEM_SMTP_PASSWORD" {
				return "secret"
			}
			return ""
		}
		var stderrs []*syncBuffer
		for range 2 {
			ictx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			stderr := &syncBuffer{}
			stderrs = append(stderrs, stderr)
			go func() {
				var stdout syncBuffer
				done <- runWith(ictx, options{scheduler: &set}, args, env, strings.NewReader(""), &stdout, stderr)
			}()
			t.Cleanup(func() { cancel(); <-done })
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(srv.messages()) < 2*notices && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(time.Second) // a second delivery, if any, would arrive now
		msgs := srv.messages()
		if len(msgs) != 2*notices {
			t.Fatalf("received %d messages, want %d\n%s\n%s", len(msgs), 2*notices, stderrs[0].String(), stderrs[1].String())
		}
		ids := map[string]int{}
		langs := map[string]string{}
		for _, m := range msgs {
			rm := readBack(t, m.Data)
			ids[rm.h.Get("Message-Id")]++
			langs[m.To] = rm.h.Get("Content-Language")
			if !strings.Contains(rm.text, "https://tandem.example/engagements/") {
				t.Errorf("link to the installation missing:\n%s", rm.text)
			}
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("%s arrived %d times", id, n)
			}
		}
		if langs[f.Emails[tandem.RoleOwner]] != "en" || langs[f.Emails[tandem.RoleManager]] != "ru" {
			t.Errorf("languages %v", langs)
		}
		for _, e := range outboxOf(t, db, f.Owner) {
			if e.Status != mail.Sent || e.Tries != 1 {
				t.Errorf("outbox %d: %s after %d tries", e.ID, e.Status, e.Tries)
			}
		}
		for _, s := range stderrs {
			if !strings.Contains(s.String(), "e-mail over SMTP") || strings.Contains(s.String(), "secret") {
				t.Errorf("log:\n%s", s.String())
			}
		}
	})
}

// Unsubscribing from one kind through the link of its e-mail stops that
// kind only: the partner's manager leaves "a new deliverable" e-mails, and
// still receives "a deliverable was accepted", of the same area, over SMTP.
func TestMailUnsubscribeOneKindKeepsItsArea(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk := storetest.NewClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
			a, b := openShared(t, dialect, clk)
			f := storetest.Seed(t, a)
			storetest.Activate(t, a, f.Owner, f.A1, nil)
			v, err := a.Contracts.InForce(ctx, f.Owner, f.A1, tandem.DateOf(clk.Now()))
			if err != nil {
				t.Fatal(err)
			}
			create := func(title string) *work.Deliverable {
				d := &work.Deliverable{EngagementID: f.A1, ServiceKey: v.Terms.Services[0].Key, Title: title, DueAt: clk.Now().Add(14 * 24 * time.Hour)}
				if err := a.Work.Create(ctx, f.Owner, d); err != nil {
					t.Fatal(err)
				}
				return d
			}
			srv := startSMTP(t, "127.0.0.1:0")
			deliver := func() map[string][]readMail {
				t.Helper()
				before := len(srv.messages())
				if _, err := testMailer(b, "instance-1", srv.port()).deliver(ctx); err != nil {
					t.Fatal(err)
				}
				byTo := map[string][]readMail{}
				for _, m := range srv.messages()[before:] {
					byTo[m.To] = append(byTo[m.To], readBack(t, m.Data))
				}
				return byTo
			}
			vm := f.Emails[tandem.RoleVendorManager]

			d1 := create("Call list")
			got := deliver()[vm]
			if len(got) != 1 || got[0].subject != "New deliverable “Call list”" || !strings.Contains(got[0].text, "Unsubscribe from e-mails “A new deliverable”") {
				t.Fatalf("the partner's manager's first e-mails: %+v", got)
			}
			token, ok := strings.CutPrefix(strings.Trim(got[0].h.Get("List-Unsubscribe"), "<>"), "https://tandem.example"+mail.UnsubscribePath)
			if !ok || got[0].h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Fatalf("List-Unsubscribe %q", got[0].h.Get("List-Unsubscribe"))
			}
			if err := b.Mail().Unsubscribe(ctx, token); err != nil {
				t.Fatal(err)
			}

			// Another new deliverable (kind A, off) and an acceptance (kind B, same area).
			create("Price list")
			if _, err := a.Work.Submit(ctx, f.VendorAgent, d1.ID, "Done", nil); err != nil {
				t.Fatal(err)
			}
			if err := a.Work.Review(ctx, f.Owner, d1.ID, work.Review{Accepted: true}); err != nil {
				t.Fatal(err)
			}
			byTo := deliver()
			got = byTo[vm]
			if len(got) != 1 || got[0].subject != "“Call list”, version 1, was accepted" {
				var subjects []string
				for _, m := range got {
					subjects = append(subjects, m.subject)
				}
				t.Errorf("after unsubscribing from new deliverables the partner's manager got %q, want only the acceptance", subjects)
			}
			// The agent, who did not unsubscribe, gets both.
			if agent := byTo[f.Emails[tandem.RoleVendorAgent]]; len(agent) != 2 {
				t.Errorf("the agent got %d e-mails, want 2", len(agent))
			}
		})
	}
}
