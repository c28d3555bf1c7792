package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode"

	"fullqa/internal/alert"
	"fullqa/internal/analyze"
	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/store"
)

// AlertSink turns committed findings into alerts for the dispatcher
// (internal/alert): it is the FindingSink `fullqa serve` installs when
// alerts.channels are configured. Evidence and details are masked as
// --redact masks output, whatever the scan's own redact setting, because
// an alert leaves the merchant's system for a chat platform.
type AlertSink struct {
	Dispatcher *alert.Dispatcher
	// PublicURL is serve.public_url: where reviewers open the dashboard;
	// links in alerts point below it. Empty: no links.
	PublicURL string
	// Redact masks personal data in the alert's text.
	Redact func(string) string
	// Loc is the configured time zone: an alert's time is read in the
	// shop's zone (a 09:03 chat is not "01:03" to a group in China). Nil:
	// the time as stored.
	Loc *time.Location
	Log *slog.Logger
}

// Found implements FindingSink. A live per-message finding and the same
// finding from the conversation's full inspection share a key, so the
// group hears of it once.
func (a *AlertSink) Found(ctx context.Context, fs []store.Finding, live bool) {
	for _, f := range fs {
		al := a.alertOf(f)
		if _, err := a.Dispatcher.Submit(ctx, al); err != nil && a.Log != nil {
			a.Log.Error("alert", "code", f.Code, "conversation", f.ConversationID, "err", err)
		}
	}
}

func (a *AlertSink) alertOf(f store.Finding) alert.Alert {
	mask := a.Redact
	if mask == nil {
		mask = func(s string) string { return s }
	}
	al := alert.Alert{Key: f.ConversationID + "|" + f.Code, Code: f.Code, Name: codebook.Name(f.Code, codebook.ZH),
		Severity: f.Severity, ConversationID: f.ConversationID, Message: -1, Vendor: f.Vendor, Shop: f.Shop,
		Agent: f.Agent, Evidence: mask(f.Evidence), Detail: mask(f.Detail), At: f.At}
	if a.Loc != nil && !al.At.IsZero() {
		al.At = al.At.In(a.Loc)
	}
	al.Detail = codebook.Detail(al.Detail, codebook.ZH)
	if !hasHan(al.Detail) {
		// The detectors' details are English; the group reads Chinese.
		al.Detail = codebook.Explain(f.Code, codebook.ZH)
	}
	if len(f.Messages) > 0 {
		al.Message = f.Messages[0]
	}
	if k, ok := f.Data.Get("alert_key").(string); ok && k != "" {
		al.Key = k
	}
	if a.PublicURL != "" && f.ConversationID != "" {
		al.Link = strings.TrimRight(a.PublicURL, "/") + "/conversations/" + url.PathEscape(f.ConversationID)
	}
	return al
}

// CatchUp submits again the findings stored in the last window and the
// bursts whose window ended in it. The sink is called after the store's
// commit, so a crash between the two would lose an alert; replaying a
// recent stretch at start-up closes that gap, and the outbox's key keeps
// the replay from sending anything twice. It returns how many findings
// and bursts it looked at.
func (a *AlertSink) CatchUp(ctx context.Context, st *store.Store, window time.Duration, now time.Time) (int, error) {
	cutoff := now.Add(-window)
	n := 0
	var before int64
	for {
		page, err := st.ListFindings(ctx, store.FindingFilter{Before: before, Limit: 500})
		if err != nil {
			return n, fmt.Errorf("alert catch-up: %w", err)
		}
		var recent []store.Finding
		for _, f := range page {
			if f.CreatedAt.Before(cutoff) {
				break
			}
			recent = append(recent, f)
		}
		a.Found(ctx, recent, false)
		n += len(recent)
		if len(recent) < len(page) || len(page) < 500 {
			break
		}
		before = page[len(page)-1].ID
	}
	bursts, err := st.ListBursts(ctx, cutoff, 1000)
	if err != nil {
		return n, fmt.Errorf("alert catch-up: %w", err)
	}
	for _, b := range bursts {
		conv := ""
		if len(b.Conversations) > 0 {
			conv = b.Conversations[0]
		}
		a.Found(ctx, []store.Finding{burstFinding(b, conv)}, false)
	}
	return n + len(bursts), nil
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// burstFinding words a burst as a finding for the sink: it belongs to no
// one conversation, so its key is the topic and window.
func burstFinding(b analyze.Burst, conv string) store.Finding {
	topic := b.Topic.Kind + " " + b.Topic.Value
	if n := codebook.Name(b.Topic.Value, codebook.ZH); b.Topic.Kind == "scene" || b.Topic.Kind == "code" {
		topic = n
	}
	return store.Finding{Code: "burst.topic", Severity: "high", Messages: nil,
		Evidence: fmt.Sprintf("%s：%s 至 %s 共 %d 次，预期 %.1f 次（例：会话 %s）", topic,
			b.WindowStart.Format("01-02 15:04"), b.WindowEnd.Format("01-02 15:04"), b.Count, b.Expected, conv),
		Data: conversation.Data{{Key: "alert_key", Value: fmt.Sprintf("burst|%s|%s|%d", b.Topic.Kind, b.Topic.Value, b.WindowStart.Unix())}},
		At:   b.WindowStart}
}
