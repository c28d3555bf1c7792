package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"fullqa/internal/classify"
	"fullqa/internal/config"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

// testEnv is a server on a real SQLite file in a temp dir, behind a real
// HTTP server on a loopback port, with one token per role.
type testEnv struct {
	t      testing.TB
	srv    *Server
	st     *store.Store
	http   *httptest.Server
	tokens map[string]string // user name → token
	cfg    config.Config
}

// engines builds the full engine as `fullqa scan` does (all detectors,
// the embedded emotion model) and the per-message one.
func engines(t testing.TB, cfg config.Config) (*detect.Engine, *detect.Engine) {
	t.Helper()
	lex, err := cfg.Lists()
	if err != nil {
		t.Fatal(err)
	}
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(cfg.Detect, lex), emo)
	if err != nil {
		t.Fatal(err)
	}
	dets, err := detect.Select(detect.Registry(cfg.Detect, lex), "threat,attitude,compliance,privacy")
	if err != nil {
		t.Fatal(err)
	}
	live, err := detect.NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	return eng, live
}

func newTestEnv(t testing.TB, mod func(*Options)) *testEnv {
	t.Helper()
	cfg := config.Default()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, live := engines(t, cfg)
	loc, _ := cfg.Location()
	o := Options{Store: st, Engine: eng, Live: live, Config: cfg, Serve: cfg.Serve,
		Scan: scan.Options{Score: cfg.Score, Location: loc}, Interval: 20 * time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, srv: srv, st: st, tokens: map[string]string{}, cfg: cfg}
	for _, u := range []struct{ name, role, vendor string }{
		{"admin", store.RoleAdmin, ""}, {"qa", store.RoleQA, ""},
		{"v1", store.RoleVendor, "v1"}, {"v2", store.RoleVendor, "v2"},
	} {
		_, tok, err := st.AddUser(context.Background(), u.name, u.role, u.vendor, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.name] = tok
	}
	e.http = httptest.NewServer(srv.Handler())
	t.Cleanup(e.http.Close)
	return e
}

// do sends a request as user (no Authorization when user is "") and
// returns the status and body.
func (e *testEnv) do(user, method, path string, body []byte) (int, []byte, http.Header) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// json sends a request that must answer want and decodes the answer.
func (e *testEnv) json(user, method, path string, body []byte, want int, out any) {
	e.t.Helper()
	code, b, _ := e.do(user, method, path, body)
	if code != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, user, code, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}
