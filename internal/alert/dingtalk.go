package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DingTalk posts markdown to a DingTalk custom robot
// (https://oapi.dingtalk.com/robot/send?access_token=…). With a secret
// ("加签"), every request carries timestamp and sign query parameters.
type DingTalk struct {
	URL    string
	Secret string
	Client *http.Client
	Now    func() time.Time
}

// DingTalk's error codes that mean "try again later".
const dingTalkTooFast = 130101 // send too fast: more than 20 messages a minute

// DingTalkSign is the robot's signature: base64 of HMAC-SHA256 keyed with
// the secret over "timestamp\nsecret", URL-encoded by the caller.
func DingTalkSign(timestampMS int64, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestampMS, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send implements Sender.
func (d *DingTalk) Send(ctx context.Context, m Message) (string, error) {
	target := d.URL
	if d.Secret != "" {
		u, err := url.Parse(d.URL)
		if err != nil {
			return "", &SendError{Msg: "bad url: " + err.Error()}
		}
		ts := now(d.Now).UnixMilli()
		q := u.Query()
		q.Set("timestamp", strconv.FormatInt(ts, 10))
		q.Set("sign", DingTalkSign(ts, d.Secret))
		u.RawQuery = q.Encode()
		target = u.String()
	}
	body := map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"title": m.Title, "text": m.Markdown},
	}
	status, answer, err := postJSON(ctx, d.Client, target, body, nil)
	if err != nil {
		return string(answer), err
	}
	return string(answer), robotAnswer(status, answer, "errcode", "errmsg", dingTalkTooFast)
}

func now(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}
