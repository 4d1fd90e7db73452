package app

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small SMTP server (RFC 5321: EHLO, AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT) started by a test on 127.0.0.1; it keeps
// every message it accepted. A recipient starting with "bounce@" is
// refused with 550; the credentials must be user/secret.
type smtpServer struct {
	ln   net.Listener
	tls  *tls.Config // offers STARTTLS when set (startSMTPTLS)
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
	return startSMTPTLS(t, addr, nil, false)
}

// startSMTPTLS starts a server that offers STARTTLS with cfg, or with
// implicit set speaks TLS from the first byte.
func startSMTPTLS(t *testing.T, addr string, cfg *tls.Config, implicit bool) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, cfg)
		cfg = nil
	}
	s := &smtpServer{ln: ln, tls: cfg}
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
	defer func() { c.Close() }()
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
			if s.tls != nil {
				reply("250-STARTTLS")
			}
			reply("250 AUTH PLAIN")
		case "STARTTLS":
			if s.tls == nil {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, r, w = tc, bufio.NewReader(tc), bufio.NewWriter(tc)
			authed = false
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

// testCert is a self-signed certificate for 127.0.0.1, and a client
// configuration that trusts it.
func testCert(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}
