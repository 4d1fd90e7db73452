// Package mail is Tandem's e-mail: building a message (RFC 5322 headers,
// a MIME multipart/alternative body of plain text and HTML in UTF-8,
// encoded subjects and names, List-Unsubscribe with RFC 8058 one-click),
// the texts of each message in the recipient's language, the rules of a
// person's e-mail preferences (per notification kind immediate, in the
// digest or off; the digest daily or weekly), signed unsubscribe tokens,
// the retry schedule of the outbox, and a sender over SMTP.
//
// The outbox itself (rows written in the transaction of the event, claimed
// with a lease so that several instances send each message once) is in
// internal/store (mail.go); the worker that sends it runs in internal/app.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is one e-mail ready to be written as RFC 5322 text.
type Message struct {
	From    mail.Address
	To      mail.Address
	Subject string
	Date    time.Time
	// MessageID is the id without angle brackets ("…@host"); empty makes one.
	MessageID string
	Lang      string // Content-Language, e.g. "ru"
	Text      string // the plain-text part
	HTML      string // the HTML part; empty sends text only
	// Unsubscribe is the one-click unsubscribe URL (https or http): it is
	// sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058).
	Unsubscribe string
}

// Bytes writes m as an RFC 5322 message with CRLF line ends.
func (m *Message) Bytes() []byte {
	var b bytes.Buffer
	h := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	h("From", m.From.String())
	h("To", m.To.String())
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	h("Date", date.Format(time.RFC1123Z))
	id := m.MessageID
	if id == "" {
		id = NewMessageID(m.From.Address)
	}
	h("Message-ID", "<"+id+">")
	if m.Lang != "" {
		h("Content-Language", m.Lang)
	}
	if m.Unsubscribe != "" {
		h("List-Unsubscribe", "<"+m.Unsubscribe+">")
		h("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	h("Auto-Submitted", "auto-generated")
	h("MIME-Version", "1.0")
	if m.HTML == "" {
		h("Content-Type", `text/plain; charset="utf-8"`)
		h("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		writeQP(&b, m.Text)
		return b.Bytes()
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	b.WriteString("\r\n")
	for _, part := range []struct{ ctype, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, _ := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype + `; charset="utf-8"`},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		var p bytes.Buffer
		writeQP(&p, part.text)
		w.Write(p.Bytes())
	}
	mw.Close()
	b.Write(body.Bytes())
	return b.Bytes()
}

func writeQP(b *bytes.Buffer, s string) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
	w := quotedprintable.NewWriter(b)
	w.Write([]byte(s))
	w.Close()
	b.WriteString("\r\n")
}

// NewMessageID returns a fresh unique Message-ID on the domain of the
// sender's address.
func NewMessageID(from string) string {
	domain := "tandem.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	r := make([]byte, 12)
	rand.Read(r)
	return hex.EncodeToString(r) + "@" + domain
}

// OutboxMessageID is the Message-ID of the outbox's e-mail id: the same on
// every attempt, so that a receiver sees a message sent twice (a sender
// stopped between the server's acceptance and recording it) as one. key
// (the installation's) keeps two installations' ids apart.
func OutboxMessageID(id int64, key []byte, from string) string {
	domain := "tandem.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return fmt.Sprintf("outbox.%d.%x@%s", id, mac(key, "message-id")[:6], domain)
}
