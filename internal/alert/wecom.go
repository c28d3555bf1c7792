package alert

import (
	"context"
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
	return string(answer), robotAnswer(status, answer, "errcode", "errmsg", weComTooFast)
}
