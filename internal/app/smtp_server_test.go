package app

import (
	"bufio"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
)

// smtpServer is a small SMTP server (RFC 5321: EHLO, AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT) started by a test on 127.0.0.1; it keeps
// every message it accepted. A recipient starting with "bounce@" is
// refused with 550; the credentials must be user/secret.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []receivedMail
}

type receivedMail struct {
	From, To string
	Data     []byte
}

// startSMTP starts a server on addr ("127.0.0.1:0" for any port).
func startSMTP(t *testing.T, addr string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) messages() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.msgs...)
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	reply := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	reply("220 test ESMTP")
	var from, to string
	authed := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			reply("250-test greets " + arg)
			reply("250 AUTH PLAIN")
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			if strings.ToUpper(mech) != "PLAIN" || err != nil || string(b) != "\x00user\x00secret" {
				reply("535 5.7.8 authentication failed")
				continue
			}
			authed = true
			reply("235 2.7.0 ok")
		case "MAIL":
			if !authed {
				reply("530 5.7.0 authentication required")
				continue
			}
			from = strings.Trim(strings.Fields(arg[len("FROM:"):])[0], "<>")
			reply("250 ok")
		case "RCPT":
			to = strings.Trim(arg[3:], "<>")
			if strings.HasPrefix(to, "bounce@") {
				reply("550 5.1.1 no such mailbox")
				continue
			}
			reply("250 ok")
		case "DATA":
			reply("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, receivedMail{From: from, To: to, Data: []byte(data.String())})
			s.mu.Unlock()
			reply("250 ok queued")
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}
