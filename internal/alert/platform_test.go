package alert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// platform is a stand-in for one chat platform's robot endpoint. It checks
// the signature the way the platform documents it, enforces a per-minute
// limit with the platform's error code, and records what it accepted.
type platform struct {
	t      *testing.T
	kind   string // dingtalk, wecom, feishu, webhook
	secret string
	key    string // wecom key
	limit  int    // accepted messages a minute before the rate-limit code
	fail5x int    // answer this many requests with 502 first

	mu       sync.Mutex
	accepted []map[string]any
	rawBody  [][]byte
	calls    int
}

func (p *platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	body, _ := io.ReadAll(r.Body)
	if p.fail5x > 0 {
		p.fail5x--
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	answer := func(code int, msg string) {
		switch p.kind {
		case "feishu":
			fmt.Fprintf(w, `{"code":%d,"msg":%q,"data":{}}`, code, msg)
		case "webhook":
			if code != 0 {
				w.WriteHeader(code)
			}
		default:
			fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q}`, code, msg)
		}
	}
	switch p.kind {
	case "dingtalk":
		if p.secret != "" {
			ts, err := strconv.ParseInt(r.URL.Query().Get("timestamp"), 10, 64)
			mac := hmac.New(sha256.New, []byte(p.secret))
			fmt.Fprintf(mac, "%d\n%s", ts, p.secret)
			want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			// r.URL.Query() already URL-decoded the sign, as the platform does.
			if err != nil || r.URL.Query().Get("sign") != want || time.Since(time.UnixMilli(ts)) > time.Hour {
				answer(310000, "sign not match")
				return
			}
		}
		if m["msgtype"] != "markdown" {
			answer(40035, "msgtype missing")
			return
		}
		if len(p.accepted) >= p.limit {
			answer(130101, "send too fast, exceed 20 times per minute")
			return
		}
	case "wecom":
		if r.URL.Query().Get("key") != p.key {
			answer(93000, "invalid webhook url")
			return
		}
		md, _ := m["markdown"].(map[string]any)
		if c, _ := md["content"].(string); len(c) > 4096 || c == "" {
			answer(40058, "markdown.content exceed max length 4096")
			return
		}
		if len(p.accepted) >= p.limit {
			answer(45009, "api freq out of limit")
			return
		}
	case "feishu":
		if p.secret != "" {
			ts, _ := strconv.ParseInt(fmt.Sprint(m["timestamp"]), 10, 64)
			mac := hmac.New(sha256.New, []byte(fmt.Sprintf("%d\n%s", ts, p.secret)))
			if m["sign"] != base64.StdEncoding.EncodeToString(mac.Sum(nil)) || time.Since(time.Unix(ts, 0)) > time.Hour {
				answer(19021, "sign match fail or timestamp is not within one hour from current time")
				return
			}
		}
		if m["msg_type"] != "post" {
			answer(19002, "params error, msg_type need")
			return
		}
		if len(p.accepted) >= p.limit {
			answer(11232, "frequency limited")
			return
		}
	case "webhook":
		if p.secret != "" {
			ts, _ := strconv.ParseInt(r.Header.Get("X-Fullqa-Timestamp"), 10, 64)
			mac := hmac.New(sha256.New, []byte(p.secret))
			fmt.Fprintf(mac, "%d.", ts)
			mac.Write(body)
			if r.Header.Get("X-Fullqa-Signature") != "sha256="+fmt.Sprintf("%x", mac.Sum(nil)) {
				answer(http.StatusUnauthorized, "")
				return
			}
		}
	}
	p.accepted = append(p.accepted, m)
	p.rawBody = append(p.rawBody, body)
	answer(0, "ok")
}

func (p *platform) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.accepted)
}

func startPlatform(t *testing.T, p *platform) *httptest.Server {
	t.Helper()
	p.t = t
	if p.limit == 0 {
		p.limit = 1000
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv
}
