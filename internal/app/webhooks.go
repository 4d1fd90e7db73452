package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/webhook"
)

// webhookSettings are the sender's: how often it looks for due messages,
// how long it holds one, how many it sends at once.
type webhookSettings struct {
	tick         time.Duration
	lease        time.Duration
	batch        int
	parallel     int
	allowPrivate bool // deliver to loopback and private addresses (tests, closed networks)
}

var defaultWebhookSettings = webhookSettings{tick: 2 * time.Second, lease: time.Minute, batch: 50, parallel: 4}

// webhookTimeout bounds one delivery, answer included.
const webhookTimeout = 15 * time.Second

// webhookSender delivers the webhook outbox (see package webhook). Every
// instance runs one; the store's lease makes each message attempted by
// one sender at a time.
type webhookSender struct {
	db     *store.DB
	log    *slog.Logger
	holder string
	set    webhookSettings
	client *http.Client
}

func newWebhookSender(db *store.DB, log *slog.Logger, set webhookSettings) *webhookSender {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: webhook.DialControl(set.allowPrivate)}
	return &webhookSender{db: db, log: log, holder: newHolder(), set: set, client: &http.Client{
		Timeout: webhookTimeout,
		// A redirect is not followed: its answer is the answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: 2,
			IdleConnTimeout: time.Minute, TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: webhookTimeout},
	}}
}

// startWebhooks runs a sender until ctx ends; wg waits for the deliveries
// in progress.
func startWebhooks(ctx context.Context, wg *sync.WaitGroup, log *slog.Logger, db *store.DB, set webhookSettings) {
	s := newWebhookSender(db, log.With("component", "webhooks"), set)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(set.tick)
		defer t.Stop()
		for {
			if _, err := s.sendDue(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("webhooks", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// sendDue claims the due messages and delivers them, a few at a time; it
// returns how many it attempted.
func (s *webhookSender) sendDue(ctx context.Context) (int, error) {
	out, err := s.db.Webhooks().ClaimWebhooks(ctx, s.holder, s.set.lease, s.set.batch)
	if err != nil || len(out) == 0 {
		return 0, err
	}
	sem := make(chan struct{}, max(1, s.set.parallel))
	var wg sync.WaitGroup
	for _, o := range out {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := s.deliver(ctx, o)
			// Record the attempt even while stopping: it happened.
			if err := s.db.Webhooks().FinishWebhook(context.WithoutCancel(ctx), s.holder, o, r); err != nil {
				s.log.Error("webhooks: record attempt", "message", o.MsgID, "err", err)
			}
		}()
	}
	wg.Wait()
	return len(out), nil
}

// deliver POSTs one message, signed, and reports how it went.
func (s *webhookSender) deliver(ctx context.Context, o store.OutgoingWebhook) store.WebhookResult {
	now := time.Now()
	sig, err := webhook.Sign(o.MsgID, now, o.Body, o.Secrets...)
	if err != nil {
		return store.WebhookResult{Error: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(o.Body))
	if err != nil {
		return store.WebhookResult{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tandem-Webhooks/"+Version)
	req.Header.Set("webhook-id", o.MsgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	resp, err := s.client.Do(req)
	took := time.Since(start)
	if err != nil {
		return store.WebhookResult{Error: err.Error(), Duration: took}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return store.WebhookResult{StatusCode: resp.StatusCode, Duration: took,
		RetryAfter: webhook.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
}
