package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// TLS modes of the SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (required); port 587
	TLSImplicit = "tls"      // TLS from the first byte; port 465
	TLSNone     = "none"     // no TLS: only for a relay on the same host or network
)

// SMTP is how to reach the mail server.
type SMTP struct {
	Host     string
	Port     int
	TLS      string // TLSStartTLS, TLSImplicit or TLSNone
	User     string // AUTH PLAIN when set
	Password string
	From     string // the sender's address, "Tandem <tandem@example.com>"
	// TLSConfig, when set, replaces the default (verify the server's
	// certificate against the system roots for Host); tests set it.
	TLSConfig *tls.Config
}

// Enabled reports whether e-mail is configured: a host and a sender.
func (c SMTP) Enabled() bool { return c.Host != "" && c.From != "" }

// SendTimeout is the longest one message may take to send, connection
// included; the outbox's lease must cover a batch of them.
const SendTimeout = 30 * time.Second

// PermanentError is an answer of the server that trying again will not
// change (a 5xx reply: no such mailbox, refused).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Send delivers msg (RFC 5322 text) from the address from to the address
// to. A 5xx reply to the message itself (its sender, recipient or
// content) comes back as a *PermanentError; anything else (the server
// down, a timeout, a 4xx reply, refused credentials — the installation's
// problem, not the message's) is worth trying again.
func (c SMTP) Send(ctx context.Context, from, to string, msg []byte) (err error) {
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	d := net.Dialer{Timeout: 10 * time.Second}
	deadline := time.Now().Add(SendTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	tc := c.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	if c.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: tc}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return err
	}
	conn.SetDeadline(deadline)
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer cl.Close()
	if err := cl.Hello(helloName(from)); err != nil {
		return err
	}
	if c.TLS == TLSStartTLS || c.TLS == "" {
		if ok, _ := cl.Extension("STARTTLS"); !ok {
			return fmt.Errorf("mail: %s does not offer STARTTLS", addr)
		}
		if err := cl.StartTLS(tc); err != nil {
			return err
		}
	}
	if c.User != "" {
		if err := cl.Auth(plainAuth{c.User, c.Password}); err != nil {
			return err
		}
	}
	if err := cl.Mail(from); err != nil {
		return refused(err)
	}
	if err := cl.Rcpt(to); err != nil {
		return refused(err)
	}
	w, err := cl.Data()
	if err != nil {
		return refused(err)
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return refused(err)
	}
	cl.Quit() // the message is accepted; a failed goodbye changes nothing
	return nil
}

// refused marks a 5xx reply to the message as permanent.
func refused(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &PermanentError{err}
	}
	return err
}

func helloName(from string) string {
	for i := len(from) - 1; i >= 0; i-- {
		if from[i] == '@' && i < len(from)-1 {
			return from[i+1:]
		}
	}
	return "localhost"
}

// plainAuth is AUTH PLAIN (RFC 4616). Unlike smtp.PlainAuth it does not
// refuse a connection without TLS: TLSNone is the operator's explicit
// choice (a relay on the same host).
type plainAuth struct{ user, password string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.password), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("mail: unexpected server challenge")
	}
	return nil, nil
}
