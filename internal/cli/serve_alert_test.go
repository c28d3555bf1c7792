package cli

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// dingRobot stands in for a DingTalk custom robot with 加签: it checks the
// timestamp and sign the way DingTalk documents them and records what it
// accepted.
type dingRobot struct {
	secret string
	mu     sync.Mutex
	posts  []string
}

func (d *dingRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts, _ := strconv.ParseInt(r.URL.Query().Get("timestamp"), 10, 64)
	mac := hmac.New(sha256.New, []byte(d.secret))
	fmt.Fprintf(mac, "%d\n%s", ts, d.secret)
	if r.URL.Query().Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) || time.Since(time.UnixMilli(ts)) > time.Hour {
		fmt.Fprint(w, `{"errcode":310000,"errmsg":"sign not match"}`)
		return
	}
	d.mu.Lock()
	d.posts = append(d.posts, string(body))
	d.mu.Unlock()
	fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (d *dingRobot) got() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.posts...)
}

// TestServeAlertsThreatToDingTalk is the end-to-end case: with a
// rule for threat.escalation, a streamed customer message threatening
// 12315 reaches the DingTalk group as one signed markdown POST within
// seconds; the same threat sent again does not alert again.
func TestServeAlertsThreatToDingTalk(t *testing.T) {
	robot := &dingRobot{secret: "SECtest-e2e"}
	rs := httptest.NewServer(robot)
	defer rs.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "fullqa.yaml")
	yaml := fmt.Sprintf(`serve:
  public_url: https://qa.example.com
alerts:
  channels:
    - {name: ops-dingtalk, type: dingtalk, url: %q, secret_env: FULLQA_TEST_DING}
  rules:
    - {codes: [threat.escalation], min_severity: high, channel: ops-dingtalk}
`, rs.URL+"/robot/send?access_token=abc")
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	code, tok, stderr := run(t, "", "user", "add", "feed", "--role", "qa", "--data-dir", dir, "--config", cfg)
	if code != ExitOK {
		t.Fatalf("user add: %d %s", code, stderr)
	}
	tok = strings.TrimSpace(tok)
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--config", cfg, "--data-dir", dir, "--listen", "127.0.0.1:0"}, Env{
			Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Log: slog.New(slog.NewTextHandler(logs, nil)),
			Getenv: func(k string) string {
				if k == "FULLQA_TEST_DING" {
					return robot.secret
				}
				return ""
			}})
	}()
	defer func() {
		cancel()
		<-done
	}()
	base := waitListening(t, logs)
	post := func(id string) {
		t.Helper()
		body := `{"message_id":"` + id + `","conversation_id":"c-e2e","role":"customer","vendor":"v1","customer":"u-1",` +
			`"text":"再不处理我就去12315投诉","at":"2026-12-06T10:00:00+08:00"}`
		req, _ := http.NewRequest("POST", base+"/api/v1/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/x-ndjson")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("POST messages: %d %s", resp.StatusCode, b)
		}
	}
	post("m-1")
	deadline := time.Now().Add(5 * time.Second)
	for len(robot.got()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	posts := robot.got()
	if len(posts) != 1 {
		t.Fatalf("within 5 s the robot got %d posts, want 1; logs:\n%s", len(posts), logs.String())
	}
	for _, want := range []string{`"msgtype":"markdown"`, "12315", "https://qa.example.com/conversations/c-e2e", "投诉/差评威胁"} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("the post lacks %q: %s", want, posts[0])
		}
	}
	post("m-2") // the same threat again, as a new message
	post("m-1") // and the first message resent
	time.Sleep(1500 * time.Millisecond)
	if n := len(robot.got()); n != 1 {
		t.Fatalf("after sending it again the robot has %d posts, want still 1", n)
	}
}
