package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServeSection(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := Load(write("serve:\n  listen: 127.0.0.1:9999\n  retention: 400d\n  close_after: 5m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Serve.Listen != "127.0.0.1:9999" || time.Duration(cfg.Serve.Retention) != 400*24*time.Hour ||
		time.Duration(cfg.Serve.CloseAfter) != 5*time.Minute || cfg.Serve.DataDir != "./fullqa-data" {
		t.Fatalf("serve: %+v", cfg.Serve)
	}
	out, err := cfg.YAML()
	if err != nil || !strings.Contains(string(out), "retention: 400d") {
		t.Fatalf("printed: %v\n%s", err, out)
	}
	for body, want := range map[string]string{
		"serve:\n  retention: forever\n": "bad duration",
		"serve:\n  close_after: 0s\n":    "close_after",
		"serve:\n  queue: 0\n":           "queue",
		"serve:\n  listn: x\n":           "listn",
	} {
		if _, err := Load(write(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error naming %q", body, err, want)
		}
	}
}
