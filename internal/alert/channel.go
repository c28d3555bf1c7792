package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Sender posts one message to one channel and returns the platform's
// answer as text (printed by `fullqa alert test`). It is the one method a
// channel type implements.
type Sender interface {
	Send(ctx context.Context, m Message) (reply string, err error)
}

// SendError is a failed send. Retryable says whether trying again later can
// help (a 5xx, a timeout, the platform's rate limit) or not (a bad sign, a
// wrong key): the dispatcher retries the first kind with backoff and puts
// the second on the dead-letter list at once.
type SendError struct {
	Retryable bool
	// RateLimited is set when the platform said "too many messages"; the
	// dispatcher then waits out the platform's window before the next send.
	RateLimited bool
	Status      int    // HTTP status, 0 when no answer came
	Code        int    // the platform's error code, 0 when none
	Msg         string // the platform's error text or the transport error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("send: status %d code %d: %s", e.Status, e.Code, e.Msg)
}

// Limit is a platform's rate limit for one robot: at most PerMinute
// messages in any minute and PerSecond in any second (0: no such limit).
type Limit struct {
	PerMinute, PerSecond int
}

// The platforms' published limits per robot.
var (
	// DingTalkLimit: 20 messages a minute per custom robot.
	DingTalkLimit = Limit{PerMinute: 20}
	// WeComLimit: 20 messages a minute per group robot.
	WeComLimit = Limit{PerMinute: 20}
	// FeishuLimit: 100 messages a minute and 5 a second per custom bot.
	FeishuLimit = Limit{PerMinute: 100, PerSecond: 5}
)

// Channel is a configured destination: its name, its sender and its limit.
type Channel struct {
	Name   string
	Type   string
	Sender Sender
	Limit  Limit
}

// NewChannel builds the sender for one configured channel. The list of
// types is written out here, not registered from init functions, so that
// what fullqa can send to is visible in one place. getenv resolves
// secret_env; now gives the signing timestamps.
func NewChannel(c ChannelConfig, client *http.Client, getenv func(string) string, now func() time.Time) (Channel, error) {
	secret := c.Secret
	if c.SecretEnv != "" {
		secret = getenv(c.SecretEnv)
		if secret == "" {
			return Channel{}, fmt.Errorf("alerts.channels %s: environment variable %s is empty", c.Name, c.SecretEnv)
		}
	}
	ch := Channel{Name: c.Name, Type: c.Type}
	switch c.Type {
	case "dingtalk":
		ch.Sender, ch.Limit = &DingTalk{URL: c.URL, Secret: secret, Client: client, Now: now}, DingTalkLimit
	case "wecom":
		ch.Sender, ch.Limit = &WeCom{URL: c.URL, Client: client}, WeComLimit
	case "feishu":
		ch.Sender, ch.Limit = &Feishu{URL: c.URL, Secret: secret, Client: client, Now: now}, FeishuLimit
	case "webhook":
		ch.Sender = &Webhook{URL: c.URL, Secret: secret, Client: client, Now: now}
	default:
		return Channel{}, fmt.Errorf("alerts.channels %s: unknown type %q", c.Name, c.Type)
	}
	if c.PerMinute > 0 {
		ch.Limit.PerMinute = c.PerMinute
	}
	return ch, nil
}

// postJSON posts body as JSON and returns the answer's status and body. A
// transport error or timeout is a retryable SendError.
func postJSON(ctx context.Context, client *http.Client, url string, body any, header http.Header) (int, []byte, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return 0, nil, fmt.Errorf("encode message: %w", err)
	}
	return postBytes(ctx, client, url, data, header)
}

func postBytes(ctx context.Context, client *http.Client, url string, data []byte, header http.Header) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return 0, nil, &SendError{Msg: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	for k, v := range header {
		req.Header[k] = v
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, &SendError{Retryable: !errors.Is(err, context.Canceled), Msg: err.Error()}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return resp.StatusCode, nil, &SendError{Retryable: true, Status: resp.StatusCode, Msg: "read answer: " + err.Error()}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return resp.StatusCode, answer, &SendError{Retryable: true, RateLimited: true, Status: resp.StatusCode, Msg: string(answer)}
	}
	if resp.StatusCode >= 500 {
		return resp.StatusCode, answer, &SendError{Retryable: true, Status: resp.StatusCode, Msg: string(answer)}
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, answer, &SendError{Status: resp.StatusCode, Msg: string(answer)}
	}
	return resp.StatusCode, answer, nil
}

// robotAnswer reads a chat robot's JSON answer: its error code under
// codeKey ("errcode" for DingTalk and WeCom, "code" for Feishu) and its
// message under msgKey. Code 0 is success; the codes in limited mean "too
// many messages" and are retried after the platform's window; -1 (busy)
// is retried; any other code is final.
func robotAnswer(status int, answer []byte, codeKey, msgKey string, limited ...int) error {
	var r map[string]json.RawMessage
	if err := json.Unmarshal(answer, &r); err != nil {
		return &SendError{Retryable: true, Status: status, Msg: "unreadable answer: " + string(answer)}
	}
	var code int
	var msg string
	json.Unmarshal(r[codeKey], &code)
	json.Unmarshal(r[msgKey], &msg)
	if code == 0 {
		return nil
	}
	isLimit := false
	for _, l := range limited {
		isLimit = isLimit || code == l
	}
	return &SendError{Retryable: isLimit || code == -1, RateLimited: isLimit, Status: status, Code: code, Msg: msg}
}
