package server

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/ingest"
	"fullqa/internal/report"
	"fullqa/internal/scan"
)

var generatedRE = regexp.MustCompile(`"generated": "[^"]*"`)

// scanReport is `fullqa report --format json` of lines, in-process.
func scanReport(t *testing.T, e *testEnv, lines []byte, keep func(vendor string) bool) []byte {
	t.Helper()
	loc, _ := e.cfg.Location()
	rd, err := ingest.Open("in.jsonl", bytes.NewReader(lines), ingest.Options{Format: ingest.FormatJSONL, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	b := report.NewBuilder(e.cfg.Score, 0, false)
	cross := analyze.NewBatch(e.cfg.Cross, e.srv.cross.topics, loc) // as the CLI runs it
	err = scan.Run(context.Background(), rd, nil, e.srv.o.Engine, scan.Options{Score: e.cfg.Score, Location: loc}, func(r *scan.Result) error {
		if keep == nil || keep(r.Conv.Vendor) {
			fs, err := cross.Add(context.Background(), r.Conv, r.Findings, r.Tags)
			if err != nil {
				return err
			}
			r.Findings = append(r.Findings, fs...)
			b.Add(r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep := b.Finish("x", e.cfg.Timezone, time.Now())
	sum := cross.Finish()
	if keep != nil { // bursts count every vendor: a vendor's report has none
		sum.Bursts = []analyze.Burst{}
	}
	rep.Cross = &sum
	report.WriteJSON(&out, rep)
	return generatedRE.ReplaceAll(out.Bytes(), nil)
}

// TestReportOverStoreIsTheScanReport: the report endpoint over stored
// conversations is the document `fullqa report --format json` makes of
// the same conversations (generated time aside), for all and per vendor.
func TestReportOverStoreIsTheScanReport(t *testing.T) {
	e := newTestEnv(t, nil)
	ex := readExamples(t)
	e.json("qa", "POST", "/api/v1/conversations", ex, 200, nil)
	for _, c := range []struct {
		user string
		keep func(string) bool
	}{
		{"qa", nil},
		{"v1", func(v string) bool { return v == "v1" }},
		{"v2", func(v string) bool { return v == "v2" }},
	} {
		code, got, _ := e.do(c.user, "GET", "/api/v1/report", nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", c.user, code, got)
		}
		got = generatedRE.ReplaceAll(got, nil)
		want := scanReport(t, e, ex, c.keep)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: report over the store\n%s\nscan report\n%s", c.user, got, want)
		}
	}
	// Filters: a vendor asking for another vendor's report gets nothing.
	var rep report.KPIReport
	e.json("v1", "GET", "/api/v1/report?vendor=v2", nil, 200, &rep)
	if rep.Total.Conversations != 0 {
		t.Errorf("v1 asking for v2: %d conversations", rep.Total.Conversations)
	}
	e.json("qa", "GET", "/api/v1/report?from=2026-11-02&to=2026-11-02", nil, 200, &rep)
	for _, d := range rep.By["day"] {
		if d.Key != "2026-11-02" {
			t.Errorf("day %s in a report of 2026-11-02", d.Key)
		}
	}
	if rep.Total.Conversations == 0 {
		t.Error("no conversations on 2026-11-02")
	}
	if code, _, _ := e.do("qa", "GET", "/api/v1/report?from=yesterday", nil); code != 400 {
		t.Errorf("bad from: %d", code)
	}
}
