package alert

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The vectors were computed outside Go (Python's hmac, hashlib and base64)
// from each platform's published algorithm.
func TestSignVectors(t *testing.T) {
	if got := DingTalkSign(1733472000000, "SEC0123456789abcdef"); got != "COZOocKyjuPongcveltJwy1AAt01WT7vqfy37lV4N1k=" {
		t.Errorf("DingTalkSign = %s", got)
	}
	if got := FeishuSign(1733472000, "feishusecret"); got != "8RV6Dy2qQaCDRQfe46l5KuftN/i0LeFJRHt9Wq7fydo=" {
		t.Errorf("FeishuSign = %s", got)
	}
	if got := WebhookSign(1733472000, []byte(`{"a":1}`), "whsecret"); got != "sha256=0e861b7d976f83b298edf20fc3d8e2cab8e8fbdfad93332eaa278a52555a36f8" {
		t.Errorf("WebhookSign = %s", got)
	}
}

func sample() Alert {
	return Alert{Key: "c-1|threat.escalation", Code: "threat.escalation", Name: "升级投诉威胁", Severity: "high",
		ConversationID: "c-1", Message: 3, Vendor: "v1", Agent: "a-07", Evidence: "再不处理我就去12315投诉",
		Link: "http://127.0.0.1:8080/conversations/c-1", At: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
}

func TestSendersAgainstPlatforms(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		kind, secret, wrong string
		badCode             int
	}{
		{"dingtalk", "SECabc", "SECother", 310000},
		{"feishu", "fs", "other", 19021},
		{"webhook", "wh", "other", 0},
		{"wecom", "", "", 93000},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			p := &platform{kind: tc.kind, secret: tc.secret, key: "k1"}
			srv := startPlatform(t, p)
			url := srv.URL + "/send?access_token=tok"
			if tc.kind == "wecom" {
				url = srv.URL + "/cgi-bin/webhook/send?key=k1"
			}
			ch, err := NewChannel(ChannelConfig{Name: "x", Type: tc.kind, URL: url, Secret: tc.secret}, srv.Client(), nil, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ch.Sender.Send(ctx, Render(sample())); err != nil {
				t.Fatalf("send: %v", err)
			}
			if p.count() != 1 {
				t.Fatalf("platform accepted %d", p.count())
			}
			if !strings.Contains(string(p.rawBody[0]), "12315") {
				t.Errorf("body lacks the evidence: %s", p.rawBody[0])
			}
			// A wrong secret (or key) is refused, and not worth retrying.
			bad := ChannelConfig{Name: "x", Type: tc.kind, URL: url, Secret: tc.wrong}
			if tc.kind == "wecom" {
				bad.URL = srv.URL + "/cgi-bin/webhook/send?key=nope"
			}
			ch, _ = NewChannel(bad, srv.Client(), nil, time.Now)
			_, err = ch.Sender.Send(ctx, Render(sample()))
			var se *SendError
			if !errors.As(err, &se) || se.Retryable {
				t.Fatalf("bad sign: err = %v, want a non-retryable SendError", err)
			}
			if tc.badCode != 0 && se.Code != tc.badCode {
				t.Errorf("bad sign: code %d, want %d", se.Code, tc.badCode)
			}
		})
	}
}

func TestRateLimitAnswersAreRetryable(t *testing.T) {
	for _, kind := range []string{"dingtalk", "wecom", "feishu"} {
		p := &platform{kind: kind, key: "k", limit: 1}
		srv := startPlatform(t, p)
		ch, _ := NewChannel(ChannelConfig{Name: "x", Type: kind, URL: srv.URL + "/?key=k"}, srv.Client(), nil, time.Now)
		ctx := context.Background()
		if _, err := ch.Sender.Send(ctx, Render(sample())); err != nil {
			t.Fatal(err)
		}
		_, err := ch.Sender.Send(ctx, Render(sample()))
		var se *SendError
		if !errors.As(err, &se) || !se.Retryable || !se.RateLimited {
			t.Errorf("%s over the limit: err = %v, want a retryable rate-limit error", kind, err)
		}
	}
}

func TestWeComCutsLongContent(t *testing.T) {
	p := &platform{kind: "wecom", key: "k"}
	srv := startPlatform(t, p)
	ch, _ := NewChannel(ChannelConfig{Name: "x", Type: "wecom", URL: srv.URL + "/?key=k"}, srv.Client(), nil, time.Now)
	many := make([]Alert, 60)
	for i := range many {
		many[i] = sample()
		many[i].Evidence = strings.Repeat("很长的证据", 30)
	}
	if _, err := ch.Sender.Send(context.Background(), RenderDigest(many)); err != nil {
		t.Fatalf("long digest: %v", err)
	}
}

func TestServerErrorIsRetryable(t *testing.T) {
	p := &platform{kind: "dingtalk", fail5x: 1}
	srv := startPlatform(t, p)
	ch, _ := NewChannel(ChannelConfig{Name: "x", Type: "dingtalk", URL: srv.URL + "/?access_token=t"}, srv.Client(), nil, time.Now)
	_, err := ch.Sender.Send(context.Background(), Render(sample()))
	var se *SendError
	if !errors.As(err, &se) || !se.Retryable || se.Status != 502 {
		t.Fatalf("502: err = %v", err)
	}
}

func TestTruncateBytesKeepsUTF8(t *testing.T) {
	s := strings.Repeat("中", 2000)
	got := truncateBytes(s, 4096)
	if len(got) > 4096 || !strings.HasSuffix(got, "…") {
		t.Fatalf("len %d", len(got))
	}
	for _, r := range got {
		if r == '\uFFFD' {
			t.Fatal("cut inside a character")
		}
	}
}
