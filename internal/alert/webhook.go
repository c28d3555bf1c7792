package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Webhook posts the alerts as JSON to any URL, for systems of the
// merchant's own. With a secret, the headers X-Fullqa-Timestamp (Unix
// seconds) and X-Fullqa-Signature ("sha256=" + hex HMAC-SHA256 keyed with
// the secret over timestamp + "." + body) let the receiver check the sender
// and reject replays.
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client
	Now    func() time.Time
}

// WebhookBody is what a generic webhook receives.
type WebhookBody struct {
	Title  string  `json:"title"`
	Text   string  `json:"text"` // the markdown the chat channels get
	Alerts []Alert `json:"alerts"`
}

// WebhookSign is the signature header's value for a body sent at ts.
func WebhookSign(ts int64, body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10) + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send implements Sender. Any 2xx answer is success.
func (w *Webhook) Send(ctx context.Context, m Message) (string, error) {
	data, err := json.Marshal(WebhookBody{Title: m.Title, Text: m.Markdown, Alerts: m.Alerts})
	if err != nil {
		return "", &SendError{Msg: "encode: " + err.Error()}
	}
	h := http.Header{}
	if w.Secret != "" {
		ts := now(w.Now).Unix()
		h.Set("X-Fullqa-Timestamp", strconv.FormatInt(ts, 10))
		h.Set("X-Fullqa-Signature", WebhookSign(ts, data, w.Secret))
	}
	_, answer, err := postBytes(ctx, w.Client, w.URL, data, h)
	return string(answer), err
}
