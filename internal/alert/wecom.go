package alert

import (
	"context"
	"encoding/json"
	"net/http"
)

// WeCom posts markdown to a WeCom (企业微信) group robot
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…). The key in the
// URL is the only credential; the markdown content is cut to the
// platform's 4096 bytes.
type WeCom struct {
	URL    string
	Client *http.Client
}

// WeComMaxBytes is the longest markdown content a WeCom robot accepts.
const WeComMaxBytes = 4096

// WeCom's error code for "api freq out of limit" (20 messages a minute).
const weComTooFast = 45009

// Send implements Sender.
func (w *WeCom) Send(ctx context.Context, m Message) (string, error) {
	body := map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"content": truncateBytes(m.Markdown, WeComMaxBytes)},
	}
	status, answer, err := postJSON(ctx, w.Client, w.URL, body, nil)
	if err != nil {
		return string(answer), err
	}
	var r struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return string(answer), &SendError{Retryable: true, Status: status, Msg: "unreadable answer: " + string(answer)}
	}
	if r.ErrCode != 0 {
		return string(answer), &SendError{Retryable: r.ErrCode == weComTooFast || r.ErrCode == -1,
			RateLimited: r.ErrCode == weComTooFast, Status: status, Code: r.ErrCode, Msg: r.ErrMsg}
	}
	return string(answer), nil
}
