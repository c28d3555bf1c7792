package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAlertTestSendsSample(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		if r.URL.Query().Get("sign") == "" || r.URL.Query().Get("timestamp") == "" {
			fmt.Fprint(w, `{"errcode":310000,"errmsg":"sign not match"}`)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer srv.Close()
	cfg := filepath.Join(t.TempDir(), "fullqa.yaml")
	yaml := fmt.Sprintf("alerts:\n  channels:\n    - {name: ops, type: dingtalk, url: %q, secret_env: TEST_DING_SECRET}\n", srv.URL+"/robot/send?access_token=x")
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if k == "TEST_DING_SECRET" {
			return "SECtest"
		}
		return ""
	}}
	before := time.Now()
	if code := Run(context.Background(), []string{"alert", "test", "ops", "--config", cfg}, env); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	after := time.Now()
	if !strings.Contains(out.String(), `"errcode":0`) || !strings.Contains(got, "markdown") {
		t.Fatalf("out %q, platform got %q", out.String(), got)
	}
	// The time is the shop's (the default time zone, Asia/Shanghai), not
	// the server's UTC.
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	if !strings.Contains(got, "时间**："+before.In(sh).Format("2006-01-02 15:04")) && !strings.Contains(got, "时间**："+after.In(sh).Format("2006-01-02 15:04")) {
		t.Errorf("alert time not in Asia/Shanghai: %q", got)
	}
	// Unknown channel: usage error.
	if code := Run(context.Background(), []string{"alert", "test", "nope", "--config", cfg}, env); code != ExitUsage {
		t.Fatalf("unknown channel: exit %d", code)
	}
	// The platform refuses: the run fails and says so.
	env.Getenv = func(string) string { return "" }
	errb.Reset()
	if code := Run(context.Background(), []string{"alert", "test", "ops", "--config", cfg}, env); code != ExitUsage {
		t.Fatalf("empty secret_env: exit %d (%s)", code, errb.String())
	}
}

func TestAlertDeadListsNothingOnNewStore(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "", "alert", "dead", "--data-dir", dir)
	if code != ExitOK || !strings.Contains(out, "no dead letters") {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
}
