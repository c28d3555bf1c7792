package ingest

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// fuzzPlatform checks a platform reader on arbitrary input: it never
// panics or hangs, every bad record has a position, and every accepted
// message has a role and valid UTF-8 text.
func fuzzPlatform(f *testing.F, format string, seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata/platform", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`[{"sid":"a","content":"x","waiterSend":true},{"sid":"a"}]`))
	f.Add([]byte(`{"a":{"b":[[{"tid":"t","dialogue":[]}]]}}`))
	f.Add([]byte("2026-11-03\nx 10:00:00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // decoded as GB18030 first; covered by the encoding tests
		}
		drain(t, "f."+format, data, Options{Format: format, MaxLine: 4096})
	})
}

func FuzzJDChat(f *testing.F)  { fuzzPlatform(f, FormatJDChat, "jd_chatlog.json", "jd_chatlog.jsonl") }
func FuzzSCA(f *testing.F)     { fuzzPlatform(f, FormatSCA, "sca.json") }
func FuzzZendesk(f *testing.F) { fuzzPlatform(f, FormatZendesk, "zendesk.json") }
func FuzzQianniu(f *testing.F) { fuzzPlatform(f, FormatQianniu, "qianniu.txt") }

// FuzzXLSX feeds the xlsx reader a real workbook and mutations of it: a
// broken archive is an error, never a panic or a hang.
func FuzzXLSX(f *testing.F) {
	f.Add(sampleXLSX(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, "f.xlsx", data, Options{Format: FormatXLSX})
	})
}
