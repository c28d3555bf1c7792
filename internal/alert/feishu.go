package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Feishu posts a rich-text ("post") message to a Feishu/Lark custom bot
// (https://open.feishu.cn/open-apis/bot/v2/hook/{token}). With a secret
// ("签名校验"), the body carries timestamp (seconds) and sign.
type Feishu struct {
	URL    string
	Secret string
	Client *http.Client
	Now    func() time.Time
}

// Feishu's error codes that mean "too many requests": 9499 from the bot
// gateway, 11232 from the message service (100 a minute, 5 a second).
const (
	feishuTooMany   = 9499
	feishuRateLimit = 11232
)

// FeishuSign is the bot's signature: base64 of HMAC-SHA256 keyed with
// "timestamp\nsecret" over an empty message.
func FeishuSign(timestampS int64, secret string) string {
	mac := hmac.New(sha256.New, []byte(strconv.FormatInt(timestampS, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send implements Sender.
func (f *Feishu) Send(ctx context.Context, m Message) (string, error) {
	body := map[string]any{
		"msg_type": "post",
		"content": map[string]any{"post": map[string]any{"zh_cn": map[string]any{
			"title": m.Title, "content": feishuLines(m.Markdown),
		}}},
	}
	if f.Secret != "" {
		ts := now(f.Now).Unix()
		body["timestamp"] = strconv.FormatInt(ts, 10)
		body["sign"] = FeishuSign(ts, f.Secret)
	}
	status, answer, err := postJSON(ctx, f.Client, f.URL, body, nil)
	if err != nil {
		return string(answer), err
	}
	return string(answer), robotAnswer(status, answer, "code", "msg", feishuTooMany, feishuRateLimit)
}

// feishuLines turns the markdown body into Feishu post paragraphs: a
// markdown link [text](href) becomes a link element, everything else text.
func feishuLines(md string) [][]map[string]string {
	var out [][]map[string]string
	for _, ln := range strings.Split(md, "\n") {
		ln = strings.TrimSpace(ln)
		if ln == "" || strings.HasPrefix(ln, "### ") {
			continue // the title is shown apart
		}
		var para []map[string]string
		for ln != "" {
			i := strings.Index(ln, "[")
			j := strings.Index(ln, "](")
			k := -1
			if i >= 0 && j > i {
				k = strings.Index(ln[j:], ")")
			}
			if k < 0 {
				para = append(para, map[string]string{"tag": "text", "text": plain(ln)})
				break
			}
			if i > 0 {
				para = append(para, map[string]string{"tag": "text", "text": plain(ln[:i])})
			}
			para = append(para, map[string]string{"tag": "a", "text": ln[i+1 : j], "href": ln[j+2 : j+k]})
			ln = ln[j+k+1:]
		}
		out = append(out, para)
	}
	return out
}

// plain drops the markdown emphasis marks Feishu's post would show as is.
func plain(s string) string {
	return strings.NewReplacer("**", "", "`", "", "> ", "").Replace(s)
}
