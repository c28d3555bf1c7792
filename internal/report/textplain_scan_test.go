package report

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
	"fullqa/internal/privacy"
	"fullqa/internal/scan"
)

// TestPlainEvidenceScanned runs the default scan (with and without
// redaction) over JSON Lines whose texts hold what JSON escapes, or what
// normalizes to it, beside plain ones, and holds the written lines to
// encoding/json's: a conversation the engine wrongly found plain would
// have its evidence copied unescaped.
func TestPlainEvidenceScanned(t *testing.T) {
	texts := []string{`我要投诉"你们"`, `退款\\在哪`, "明天\u2028一定\u2029发货", "&quot;退款&quot; <b>&amp;</b>", "＂投诉＂ ＼ ﹨ ＆quot;", "好的\t收到\x01",
		"亲，今天下午就发出", "我要投诉你们，太慢了", "12345678901 手机13812345678", "您好，请问还有什么可以帮您"}
	var in strings.Builder
	for i := range 40 {
		in.WriteString(`{"id":"p` + strconv.Itoa(i) + `","messages":[`)
		for j := range 6 {
			if j > 0 {
				in.WriteByte(',')
			}
			role := "customer"
			if j%2 == 1 {
				role = "agent"
			}
			s := texts[(i*7+j*3)%len(texts)] + texts[(i+j)%len(texts)]
			switch {
			case i%3 == 0: // the plain texts only
				s = texts[6+(i+j)%4] + texts[6+j%4]
			case i%3 == 1: // one kind of escape in one message
				s = texts[6+(i+j)%4] + texts[6+j%4]
				if j == i/3%6 {
					s = texts[i/3%6] + s
				}
			}
			txt, _ := json.Marshal(s)
			in.WriteString(`{"role":"` + role + `","text":` + string(txt) + `,"at":"2026-11-01T10:0` + strconv.Itoa(j) + `:00+08:00"}`)
		}
		in.WriteString("]}\n")
	}
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, redact := range []func(string) string{nil, privacy.Redact} {
		rd, err := ingest.Open("p.jsonl", strings.NewReader(in.String()), ingest.Options{Format: ingest.FormatJSONL})
		if err != nil {
			t.Fatal(err)
		}
		plain, findings := 0, 0
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		err = scan.Run(context.Background(), rd, nil, eng, scan.Options{Redact: redact}, func(r *scan.Result) error {
			if r.Err != nil {
				return r.Err
			}
			if r.Conv.TextPlain {
				plain++
			}
			findings += len(r.Findings)
			want.Reset()
			if err := enc.Encode(NewJSONResult(r)); err != nil {
				return err
			}
			if got := AppendJSONResult(nil, r); !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("%s:\n got  %s\n want %s", r.Conv.ID, got, want.Bytes())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if plain == 0 || plain == 40 || findings == 0 {
			t.Fatalf("%d of 40 conversations plain, %d findings: the test tests neither way", plain, findings)
		}
	}
}
