package mail

import (
	"bytes"
	"html/template"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/i18n"
)

// Composer writes Tandem's e-mails in each recipient's language.
type Composer struct {
	Cat     *i18n.Catalog
	BaseURL string       // links are BaseURL + path
	From    mail.Address // the sender
	Key     []byte       // signs the unsubscribe links
}

// Recipient is the person an e-mail goes to, in a workspace.
type Recipient struct {
	WorkspaceID   int64
	UserID        int64
	Name, Email   string
	Lang          i18n.Lang
	Loc           *time.Location // the workspace's time zone
	WorkspaceName string
}

// Item is one line of an e-mail: a text and the path it leads to.
type Item struct {
	Text string
	Path string
	At   time.Time // when it happened; zero leaves it out
}

// Links of the application that e-mails point to.
const (
	PreferencesPath = "/account#mail"
	UnsubscribePath = "/mail/unsubscribe/"
)

// UnsubscribeURL is the one-click unsubscribe link of u.
func (c Composer) UnsubscribeURL(u Unsubscribe) string {
	return c.BaseURL + UnsubscribePath + u.Sign(c.Key)
}

func (c Composer) loc(r Recipient) *i18n.Localizer {
	loc := r.Loc
	if loc == nil {
		loc = time.UTC
	}
	return c.Cat.For(r.Lang, loc)
}

// body is what the layout shows.
type body struct {
	Lang                string
	Greeting            string
	Paragraphs          []string
	Items               []bodyItem
	Action, ActionURL   string
	Footer              string
	Manage, ManageURL   string
	Unsub, UnsubURL     string
	PreferencesAndUnsub bool
}

type bodyItem struct{ Text, URL, At string }

// layout is parsed when the first mail is written, not when a command
// starts.
var layout = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"></head>
<body style="font-family:Helvetica,Arial,sans-serif;color:#1f2933;line-height:1.5">
<p>{{.Greeting}}</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Items}}<ul>
{{range .Items}}<li>{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{if .At}} <span style="color:#616e7c">({{.At}})</span>{{end}}</li>
{{end}}</ul>
{{end}}{{if .Action}}<p><a href="{{.ActionURL}}" style="display:inline-block;padding:8px 16px;background:#1f4e8c;color:#fff;text-decoration:none;border-radius:4px">{{.Action}}</a></p>
{{end}}<hr style="border:none;border-top:1px solid #cbd2d9">
<p style="font-size:12px;color:#616e7c">{{.Footer}}{{if .Manage}}<br><a href="{{.ManageURL}}">{{.Manage}}</a>{{end}}{{if .Unsub}} · <a href="{{.UnsubURL}}">{{.Unsub}}</a>{{end}}</p>
</body></html>
`))
})

// render returns the text and HTML parts of b.
func render(b body) (text, html string) {
	var t strings.Builder
	t.WriteString(b.Greeting + "\n\n")
	for _, p := range b.Paragraphs {
		t.WriteString(p + "\n\n")
	}
	for _, it := range b.Items {
		t.WriteString("• " + it.Text)
		if it.At != "" {
			t.WriteString(" (" + it.At + ")")
		}
		if it.URL != "" {
			t.WriteString("\n  " + it.URL)
		}
		t.WriteString("\n")
	}
	if len(b.Items) > 0 {
		t.WriteString("\n")
	}
	if b.Action != "" {
		t.WriteString(b.Action + ":\n" + b.ActionURL + "\n\n")
	}
	t.WriteString("-- \n" + b.Footer + "\n")
	if b.Manage != "" {
		t.WriteString(b.Manage + ": " + b.ManageURL + "\n")
	}
	if b.Unsub != "" {
		t.WriteString(b.Unsub + ": " + b.UnsubURL + "\n")
	}
	var h bytes.Buffer
	if err := layout().Execute(&h, b); err != nil {
		panic(err) // the layout is fixed; a failure is a bug
	}
	return t.String(), h.String()
}

func (c Composer) message(r Recipient, subject string, b body, unsub string) Message {
	text, html := render(b)
	return Message{From: c.From, To: mail.Address{Name: r.Name, Address: r.Email}, Subject: subject,
		Lang: string(r.Lang), Text: text, HTML: html, Unsubscribe: unsub}
}

func (c Composer) greeting(l *i18n.Localizer, name string) string {
	if name == "" {
		return l.T("mail.greeting_anonymous")
	}
	return l.T("mail.greeting", "name", name)
}

// Notification is the e-mail of one notification: its text is the subject
// and the body, with a link to it, to the preferences and to unsubscribe
// from the notification's kind (its other kinds, even of the same area,
// keep coming).
func (c Composer) Notification(r Recipient, kind string, it Item) Message {
	l := c.loc(r)
	unsub := c.UnsubscribeURL(Unsubscribe{WorkspaceID: r.WorkspaceID, UserID: r.UserID, Kind: kind})
	b := body{Lang: string(r.Lang), Greeting: c.greeting(l, r.Name), Paragraphs: []string{it.Text},
		Action: l.T("mail.open"), ActionURL: c.BaseURL + it.Path,
		Footer: l.T("mail.footer", "workspace", r.WorkspaceName), Manage: l.T("mail.manage"), ManageURL: c.BaseURL + PreferencesPath,
		Unsub: l.T("mail.unsubscribe_kind", "kind", KindLabel(l, kind)), UnsubURL: unsub}
	return c.message(r, it.Text, b, unsub)
}

// KindLabel names a kind of notification in l's language ("A new
// deliverable"); AreaLabel its area ("deliverables").
func KindLabel(l *i18n.Localizer, kind string) string { return l.T("mail.kind." + kind) }

// AreaLabel names an area of notifications in l's language.
func AreaLabel(l *i18n.Localizer, area string) string { return l.T("mail.area." + area) }

// Digest is a person's digest: the notifications listed, newest first.
func (c Composer) Digest(r Recipient, f Frequency, items []Item) Message {
	l := c.loc(r)
	unsub := c.UnsubscribeURL(Unsubscribe{WorkspaceID: r.WorkspaceID, UserID: r.UserID, Kind: DigestKind})
	intro := l.T("mail.digest.intro_daily", "workspace", r.WorkspaceName)
	if f == Weekly {
		intro = l.T("mail.digest.intro_weekly", "workspace", r.WorkspaceName)
	}
	b := body{Lang: string(r.Lang), Greeting: c.greeting(l, r.Name),
		Paragraphs: []string{intro},
		Action:     l.T("mail.digest.open"), ActionURL: c.BaseURL + "/notifications",
		Footer: l.T("mail.footer", "workspace", r.WorkspaceName), Manage: l.T("mail.manage"), ManageURL: c.BaseURL + PreferencesPath,
		Unsub: l.T("mail.unsubscribe_digest"), UnsubURL: unsub}
	for _, it := range items {
		bi := bodyItem{Text: it.Text, URL: c.BaseURL + it.Path}
		if !it.At.IsZero() {
			bi.At = l.DateTime(it.At)
		}
		b.Items = append(b.Items, bi)
	}
	subject := l.N("mail.digest.subject", int64(len(items)), "workspace", r.WorkspaceName)
	return c.message(r, subject, b, unsub)
}

// Invitation is the e-mail that invites r.Email into a workspace; secret
// is the invitation's link secret, expires when the link stops working.
func (c Composer) Invitation(r Recipient, inviter, secret string, expires time.Time) Message {
	l := c.loc(r)
	b := body{Lang: string(r.Lang), Greeting: l.T("mail.greeting_anonymous"),
		Paragraphs: []string{l.T("mail.invitation.body", "inviter", inviter, "workspace", r.WorkspaceName, "expires", l.DateTime(expires))},
		Action:     l.T("mail.invitation.action"), ActionURL: c.BaseURL + "/invite/" + url.PathEscape(secret),
		Footer: l.T("mail.invitation.footer")}
	return c.message(r, l.T("mail.invitation.subject", "workspace", r.WorkspaceName), b, "")
}

// Reset is the e-mail with a password reset link, to the person themselves.
func (c Composer) Reset(r Recipient, secret string, expires time.Time) Message {
	l := c.loc(r)
	b := body{Lang: string(r.Lang), Greeting: c.greeting(l, r.Name),
		Paragraphs: []string{l.T("mail.reset.body", "email", r.Email, "expires", l.DateTime(expires))},
		Action:     l.T("mail.reset.action"), ActionURL: c.BaseURL + "/reset/" + url.PathEscape(secret),
		Footer: l.T("mail.reset.footer")}
	return c.message(r, l.T("mail.reset.subject"), b, "")
}
