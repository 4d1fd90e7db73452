package mail

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ReadMessage parses raw as a reader of e-mail would: the decoded subject,
// the headers, and the text and HTML parts.
func readMessage(t *testing.T, raw []byte) (h mail.Header, subject, text, html string) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q, %v", mt, err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			html = string(b)
		} else {
			text = string(b)
		}
	}
	return m.Header, subject, text, html
}

func TestMessageBytes(t *testing.T) {
	t.Parallel()
	m := Message{From: mail.Address{Name: "Tandem", Address: "tandem@example.com"},
		To: mail.Address{Name: "Анна Иванова", Address: "anna@example.com"}, Subject: "Результат «Отчёт» принят",
		Date: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), Lang: "ru", Text: "Строка\nвторая " + strings.Repeat("длинная ", 20),
		HTML: "<p>Строка</p>", Unsubscribe: "https://t.example/mail/unsubscribe/abc"}
	raw := m.Bytes()
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line longer than RFC 5322 allows: %d", len(line))
		}
	}
	h, subject, text, html := readMessage(t, raw)
	if subject != m.Subject {
		t.Errorf("subject %q", subject)
	}
	to, err := h.AddressList("To")
	if err != nil || to[0].Name != "Анна Иванова" || to[0].Address != "anna@example.com" {
		t.Errorf("to %v, %v", to, err)
	}
	if h.Get("List-Unsubscribe") != "<https://t.example/mail/unsubscribe/abc>" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("unsubscribe headers %q %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
	}
	if h.Get("Content-Language") != "ru" || !strings.HasSuffix(h.Get("Message-Id"), "@example.com>") || h.Get("Date") != "Fri, 04 Dec 2026 09:00:00 +0000" {
		t.Errorf("headers %v", h)
	}
	if !strings.HasPrefix(text, "Строка\r\nвторая длинная") || html != "<p>Строка</p>\r\n" {
		t.Errorf("text %q html %q", text, html)
	}
}

func TestUnsubscribeToken(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	u := Unsubscribe{WorkspaceID: 7, UserID: 42, Kind: "deliverable"}
	tok := u.Sign(key)
	if got, ok := ParseUnsubscribe(key, tok); !ok || got != u {
		t.Fatalf("parse = %v, %v", got, ok)
	}
	if _, ok := ParseUnsubscribe([]byte("another key"), tok); ok {
		t.Error("token accepted with another key")
	}
	forged := Unsubscribe{WorkspaceID: 7, UserID: 43, Kind: "deliverable"}.Sign([]byte("x"))
	payload, _, _ := strings.Cut(forged, ".")
	_, sig, _ := strings.Cut(tok, ".")
	if _, ok := ParseUnsubscribe(key, payload+"."+sig); ok {
		t.Error("another person's payload accepted with this signature")
	}
	for _, bad := range []string{"", ".", "abc", tok + "x"} {
		if _, ok := ParseUnsubscribe(key, bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	// No other spelling of a token works: every change of one character,
	// the last one (whose spare bits a lenient decoder ignores) included.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, user := range []int64{1, 2, 3, 42, 1000} {
		tok := Unsubscribe{WorkspaceID: 7, UserID: user, Kind: "notice.filed"}.Sign(key)
		for i := range len(tok) {
			for _, c := range alphabet {
				if byte(c) == tok[i] {
					continue
				}
				changed := tok[:i] + string(c) + tok[i+1:]
				if _, ok := ParseUnsubscribe(key, changed); ok {
					t.Fatalf("%q accepted for %q", changed, tok)
				}
			}
		}
	}
}

func TestBackoffAndFailure(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if Backoff(30) != 6*time.Hour {
		t.Errorf("Backoff(30) = %v", Backoff(30))
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if s, next := AfterFailure(1, false, now); s != Pending || !next.Equal(now.Add(time.Minute)) {
		t.Errorf("first failure: %s %v", s, next)
	}
	if s, _ := AfterFailure(MaxTries, false, now); s != Failed {
		t.Errorf("last try: %s", s)
	}
	if s, _ := AfterFailure(1, true, now); s != Failed {
		t.Errorf("permanent: %s", s)
	}
}

func TestDigestDue(t *testing.T) {
	t.Parallel()
	sto, _ := time.LoadLocation("Europe/Stockholm")
	// Monday 7 December 2026, 08:00 in Stockholm is 07:00 UTC.
	from := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	at, ok := DigestDue(Daily, sto, from, to)
	if !ok || !at.Equal(time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("daily: %v %v", at, ok)
	}
	if _, ok := DigestDue(Weekly, sto, from, to); !ok {
		t.Error("weekly on a Monday not due")
	}
	if _, ok := DigestDue(Weekly, sto, from.AddDate(0, 0, 1), to.AddDate(0, 0, 1)); ok {
		t.Error("weekly due on a Tuesday")
	}
	if _, ok := DigestDue(Daily, sto, to, to.Add(time.Hour)); ok {
		t.Error("daily due in the next hour too")
	}
	if _, ok := DigestDue(Never, sto, from, to); ok {
		t.Error("no digest due")
	}
}

func TestComposeLanguages(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	c := Composer{Cat: cat, BaseURL: "https://t.example", From: mail.Address{Name: "Tandem", Address: "tandem@example.com"}, Key: []byte("k")}
	sto, _ := time.LoadLocation("Europe/Stockholm")
	r := Recipient{WorkspaceID: 1, UserID: 2, Name: "Анна", Email: "anna@example.com", Lang: i18n.RU, Loc: sto, WorkspaceName: "Acme"}
	items := []Item{{Text: "один", Path: "/deliverables/1"}, {Text: "два", Path: "/deliverables/2"}}
	m := c.Digest(r, Daily, items)
	_, subject, text, html := readMessage(t, m.Bytes())
	if subject != "2 непрочитанных уведомления в «Acme»" {
		t.Errorf("ru subject %q", subject)
	}
	if !strings.Contains(text, "Здравствуйте, Анна!") || !strings.Contains(text, "https://t.example/deliverables/2") || !strings.Contains(html, `href="https://t.example/deliverables/1"`) {
		t.Errorf("ru digest:\n%s\n%s", text, html)
	}
	u, ok := ParseUnsubscribe(c.Key, strings.TrimPrefix(m.Unsubscribe, "https://t.example"+UnsubscribePath))
	if !ok || u.Kind != DigestKind || u.UserID != 2 {
		t.Errorf("unsubscribe %q: %v %v", m.Unsubscribe, u, ok)
	}
	r.Lang, r.Name = i18n.EN, "Ann"
	m = c.Notification(r, "deliverable.submitted", Item{Text: "“Report” was submitted", Path: "/deliverables/1"})
	_, subject, text, _ = readMessage(t, m.Bytes())
	if subject != "“Report” was submitted" || !strings.Contains(text, "Unsubscribe from e-mails “A deliverable waits for your review”: https://t.example/mail/unsubscribe/") {
		t.Errorf("en notification %q:\n%s", subject, text)
	}
	u, ok = ParseUnsubscribe(c.Key, strings.TrimPrefix(m.Unsubscribe, "https://t.example"+UnsubscribePath))
	if !ok || u.Kind != "deliverable.submitted" || u.ForArea() {
		t.Errorf("a notification's unsubscribe names its kind: %v %v", u, ok)
	}
	if AreaOf("sales.claim_made.deal_won") != "sales" || len(Areas()) != 18 || !slices.Equal(KindsOf("meeting"), []string{"meeting.cancelled", "meeting.moved"}) {
		t.Errorf("areas %v", Areas())
	}
}

// Every kind of notification has a name in every language, as has its
// area; and the kinds listed are exactly those the catalogue has a message
// for, so a new kind cannot be left without a name.
func TestEveryKindNamed(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad()
	for _, kind := range notification.Kinds {
		for _, lang := range i18n.Supported {
			if !cat.Has(lang, "mail.kind."+kind) {
				t.Errorf("no name for the kind %q in %s", kind, lang)
			}
			if !cat.Has(lang, "mail.area."+AreaOf(kind)) {
				t.Errorf("no name for the area %q in %s", AreaOf(kind), lang)
			}
		}
	}
	var messages []string
	for _, k := range cat.Keys(i18n.EN) {
		if kind, ok := strings.CutPrefix(k, "notify."); ok && strings.Contains(kind, ".") {
			messages = append(messages, kind)
		}
	}
	sort.Strings(messages)
	if !slices.Equal(messages, notification.Kinds) {
		t.Errorf("kinds with a message %v\nkinds listed %v", messages, notification.Kinds)
	}
	var named []string
	for _, k := range cat.Keys(i18n.EN) {
		if kind, ok := strings.CutPrefix(k, "mail.kind."); ok {
			named = append(named, kind)
		}
	}
	sort.Strings(named)
	if !slices.Equal(named, notification.Kinds) {
		t.Errorf("kinds named %v", named)
	}
}

// A kind's own choice wins over its area's, which wins over the default;
// unknown kinds and areas and unknown modes are refused, each under its
// field.
func TestPreferencesPerKind(t *testing.T) {
	t.Parallel()
	p := Preferences{Modes: map[string]Mode{"deliverable": InDigest}, Kinds: map[string]Mode{"deliverable.created": Off, "notice.filed": InDigest}}
	for kind, want := range map[string]Mode{
		"deliverable.created":       Off,       // its own
		"deliverable.accepted":      InDigest,  // its area's
		"notice.filed":              InDigest,  // its own, the area has none
		"notice.acknowledged":       Immediate, // nothing chosen
		"sales.claim_made.deal_won": Immediate,
	} {
		if got := p.Mode(kind); got != want {
			t.Errorf("Mode(%q) = %q, want %q", kind, got, want)
		}
	}
	if err := p.Validate(); err != nil {
		t.Errorf("valid choices refused: %v", err)
	}
	bad := Preferences{Modes: map[string]Mode{"nonsense": Off, "invoice": "later"}, Kinds: map[string]Mode{"deliverable.eaten": Off, "notice.filed": "sometimes"}}
	err := bad.Validate()
	var fields []string
	for _, fe := range tandem.FieldErrors(err) {
		fields = append(fields, fe.Field+":"+string(fe.Key))
	}
	sort.Strings(fields)
	want := []string{"kinds.deliverable.eaten:mail.prefs.unknown", "kinds.notice.filed:mail.prefs.invalid", "modes.invoice:mail.prefs.invalid", "modes.nonsense:mail.prefs.unknown"}
	if !slices.Equal(fields, want) {
		t.Errorf("errors %v, want %v", fields, want)
	}
	if (Unsubscribe{Kind: "deliverable"}).ForArea() != true || (Unsubscribe{Kind: DigestKind}).ForArea() || (Unsubscribe{Kind: "notice.filed"}).ForArea() {
		t.Error("ForArea")
	}
}
