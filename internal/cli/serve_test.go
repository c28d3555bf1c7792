package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenRE = regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+)`)

// waitListening waits until the server's log names its address.
func waitListening(t *testing.T, logs interface{ String() string }) string {
	t.Helper()
	for i := 0; i < 600; i++ {
		if m := listenRE.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not start: %s", logs.String())
	return ""
}

// TestServeUserAudit runs the commands as a user would: create a token,
// serve, post the example chats, read one back, stop with a signal
// (context cancel), and read the audit log.
func TestServeUserAudit(t *testing.T) {
	dir := t.TempDir()
	code, tok, stderr := run(t, "", "user", "add", "lead", "--role", "qa", "--data-dir", dir)
	if code != ExitOK || !strings.HasPrefix(tok, "fqa_") || !strings.Contains(stderr, "shown this once") {
		t.Fatalf("user add: %d %q %q", code, tok, stderr)
	}
	tok = strings.TrimSpace(tok)
	if code, _, stderr := run(t, "", "user", "add", "v", "--role", "vendor", "--data-dir", dir); code != ExitUsage {
		t.Fatalf("vendor user without --vendor: %d %s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"}, Env{
			Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Log: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	base := waitListening(t, logs)
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "chats.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/conversations", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"accepted":26`) {
		t.Fatalf("post: %d %s", resp.StatusCode, b)
	}
	req, _ = http.NewRequest("GET", base+"/api/v1/conversations/ex-slow", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("get: %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("serve exit %d: %s", code, logs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop")
	}
	code, out, stderr := run(t, "", "audit", "--data-dir", dir)
	if code != ExitOK {
		t.Fatalf("audit: %d %s", code, stderr)
	}
	for _, want := range []string{"lead\tconversation.read\tex-slow", "lead\tconversations.ingest\t26 conversations", "cli\tuser.add\tlead"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := run(t, "", "user", "revoke", "lead", "--data-dir", dir); code != ExitOK {
		t.Fatal("revoke failed")
	}
	if _, out, _ := run(t, "", "user", "list", "--data-dir", dir); !strings.Contains(out, "lead\tqa\t\trevoked") {
		t.Errorf("user list: %q", out)
	}
}
