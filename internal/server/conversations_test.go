package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/report"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

func readExamples(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../examples/chats.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// toArray turns JSON Lines into a JSON array body.
func toArray(lines []byte) []byte {
	var parts []string
	for _, l := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		parts = append(parts, l)
	}
	return []byte("[\n" + strings.Join(parts, ",\n") + "\n]")
}

func TestIngestIdempotentAndUpdated(t *testing.T) {
	e := newTestEnv(t, nil)
	ex := readExamples(t)
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", ex, 200, &a)
	if a.Accepted != 26 || a.Updated != 0 || a.Unchanged != 0 || len(a.Rejected) != 0 {
		t.Fatalf("first post: %+v", a)
	}
	// The same again, as a JSON array: nothing changes.
	e.json("qa", "POST", "/api/v1/conversations", toArray(ex), 200, &a)
	if a.Accepted != 0 || a.Updated != 0 || a.Unchanged != 26 {
		t.Fatalf("resend: %+v", a)
	}
	var c conversationAnswer
	e.json("qa", "GET", "/api/v1/conversations/ex-fast", nil, 200, &c)
	if c.Inspections != 1 || !c.Inspected || c.State != store.StateClosed {
		t.Fatalf("after resend: inspections %d inspected %v state %s", c.Inspections, c.Inspected, c.State)
	}
	// The same id with one more message is updated and inspected again.
	line := `{"id":"ex-fast","shop":"s1","vendor":"v1","messages":[{"role":"customer","text":"你好，发货了吗？"},{"role":"agent","agent":"a-07","text":"加我微信 wx123456 聊"}]}`
	e.json("qa", "POST", "/api/v1/conversations", []byte(line), 200, &a)
	if a.Updated != 1 {
		t.Fatalf("update: %+v", a)
	}
	e.json("qa", "GET", "/api/v1/conversations/ex-fast", nil, 200, &c)
	if c.Inspections != 2 || !c.Inspected {
		t.Fatalf("after update: inspections %d", c.Inspections)
	}
	var res struct {
		Findings []struct{ Code string } `json:"findings"`
	}
	if err := json.Unmarshal(c.Result, &res); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range res.Findings {
		codes = append(codes, f.Code)
	}
	if !strings.Contains(strings.Join(codes, ","), "compliance.off_platform") {
		t.Fatalf("updated result lacks compliance.off_platform: %v", codes)
	}
	// Its old findings are gone, the new ones listed.
	var fa findingsAnswer
	e.json("qa", "GET", "/api/v1/findings?conversation=ex-fast", nil, 200, &fa)
	if len(fa.Findings) != len(res.Findings) {
		t.Fatalf("findings of ex-fast: %d listed, %d in the result", len(fa.Findings), len(res.Findings))
	}
}

func TestIngestRejectsLikeTheCLI(t *testing.T) {
	e := newTestEnv(t, nil)
	body := strings.Join([]string{
		`{"id":"ok-1","messages":[{"role":"customer","text":"在吗"}]}`,
		`{"id":"bad-role","messages":[{"role":"cust","text":"在吗"}]}`,
		`{"id":"bad-json",`,
		`{"messages":[{"role":"customer","text":"在吗"}]}`,
		`{"id":"ok-2","messages":[{"role":"agent","text":"在的"}]}`,
		`{"id":"ok-1","messages":[{"role":"customer","text":"在吗"}]}`,
	}, "\n")
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", []byte(body), 200, &a)
	if a.Accepted != 2 || len(a.Rejected) != 4 {
		t.Fatalf("answer: %+v", a)
	}
	// The same texts the CLI prints, file and line aside.
	rd, err := ingest.Open("body", strings.NewReader(body), ingest.Options{Format: ingest.FormatJSONL})
	if err != nil {
		t.Fatal(err)
	}
	var want []rejected
	for {
		_, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if rj, ok := rejectOf(err); ok {
			want = append(want, rj)
		}
	}
	if len(want) != len(a.Rejected) {
		t.Fatalf("CLI rejects %v, API %v", want, a.Rejected)
	}
	for i := range want {
		if want[i] != a.Rejected[i] {
			t.Errorf("reject %d: API %+v, CLI %+v", i, a.Rejected[i], want[i])
		}
	}
	if a.Rejected[0].Line != 2 || a.Rejected[0].Field != "messages[0].role" {
		t.Errorf("first reject: %+v", a.Rejected[0])
	}
	// A JSON array numbers its elements.
	e.json("qa", "POST", "/api/v1/conversations", []byte(`[{"id":"ok-3","messages":[{"role":"customer","text":"在吗"}]},{"id":"x"}]`), 200, &a)
	if a.Accepted != 1 || len(a.Rejected) != 1 || a.Rejected[0].Line != 2 || a.Rejected[0].Field != "messages" {
		t.Fatalf("array answer: %+v", a)
	}
	// A broken array is a bad body: nothing is stored.
	code, b, _ := e.do("qa", "POST", "/api/v1/conversations", []byte(`[{"id":"ok-4","messages":[{"role":"customer","text":"在吗"}]}, {`))
	if code != 400 {
		t.Fatalf("broken array: %d %s", code, b)
	}
	if _, err := e.st.GetConversation(context.Background(), "", "ok-4"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ok-4 stored from a broken body: %v", err)
	}
}

func TestIngestLimits(t *testing.T) {
	e := newTestEnv(t, func(o *Options) {
		o.Serve.MaxBodyBytes = 4000
		o.Serve.MaxRecords = 3
		o.Serve.MaxRecordBytes = 300
	})
	ex := readExamples(t)
	code, _, _ := e.do("qa", "POST", "/api/v1/conversations", ex)
	if code != 413 {
		t.Fatalf("body over the cap: %d", code)
	}
	lines := strings.Repeat(`{"id":"x","messages":[{"role":"customer","text":"在吗"}]}`+"\n", 1)
	for i := 0; i < 4; i++ {
		lines += `{"id":"n` + string(rune('a'+i)) + `","messages":[{"role":"customer","text":"在吗"}]}` + "\n"
	}
	if code, b, _ := e.do("qa", "POST", "/api/v1/conversations", []byte(lines)); code != 413 {
		t.Fatalf("too many records: %d %s", code, b)
	}
	long := `{"id":"long","messages":[{"role":"customer","text":"` + strings.Repeat("长", 200) + `"}]}`
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", []byte(long+"\n"+`{"id":"short","messages":[{"role":"customer","text":"在吗"}]}`), 200, &a)
	if a.Accepted != 1 || len(a.Rejected) != 1 || a.Rejected[0].Line != 1 {
		t.Fatalf("long record: %+v", a)
	}
}

func TestBackpressure(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.Serve.Queue = 5 })
	e.srv.queue.reserve(5) // as if another request were being inspected
	code, _, h := e.do("qa", "POST", "/api/v1/conversations", readExamples(t))
	if code != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("full queue: status %d, Retry-After %q", code, h.Get("Retry-After"))
	}
	e.srv.queue.release(5)
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", readExamples(t), 200, &a)
	if a.Accepted != 26 {
		t.Fatalf("after release: %+v", a)
	}
}

func TestAuth(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, path := range []string{"/api/v1/conversations/x", "/api/v1/findings", "/metrics"} {
		if code, _, _ := e.do("", "GET", path, nil); code != 401 {
			t.Errorf("%s without a token: %d", path, code)
		}
	}
	if code, _, _ := e.do("", "POST", "/api/v1/conversations", readExamples(t)); code != 401 {
		t.Errorf("post without a token: %d", code)
	}
	e.tokens["forged"] = "fqa_forged"
	if code, _, _ := e.do("forged", "GET", "/api/v1/findings", nil); code != 401 {
		t.Errorf("unknown token: %d", code)
	}
	if err := e.st.RevokeUser(context.Background(), "qa", e.srv.now()); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := e.do("qa", "GET", "/api/v1/findings", nil); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
	if code, _, _ := e.do("", "GET", "/healthz", nil); code != 200 {
		t.Errorf("healthz: %d", code)
	}
}

// TestBatchAndServiceAgree posts conversations to the service and scans
// the same file with the scan pipeline: every stored result must be the
// scan output line, byte for byte.
func TestBatchAndServiceAgree(t *testing.T) {
	e := newTestEnv(t, nil)
	ex := readExamples(t)
	compareWithScan(t, e, ex)
}

func compareWithScan(t *testing.T, e *testEnv, lines []byte) {
	t.Helper()
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", lines, 200, &a)
	if len(a.Rejected) != 0 {
		t.Fatalf("rejected: %+v", a.Rejected)
	}
	if n := compareStored(t, e, lines); n != a.Accepted+a.Updated+a.Unchanged {
		t.Fatalf("scan saw %d conversations, service %+v", n, a)
	}
}

// compareStored scans lines with the scan pipeline and checks each
// conversation's stored result is its scan output line, byte for byte.
func compareStored(t *testing.T, e *testEnv, lines []byte) int {
	t.Helper()
	loc, _ := e.cfg.Location()
	rd, err := ingest.Open("in.jsonl", bytes.NewReader(lines), ingest.Options{Format: ingest.FormatJSONL, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = scan.Run(context.Background(), rd, nil, e.srv.o.Engine, scan.Options{Score: e.cfg.Score, Location: loc}, func(r *scan.Result) error {
		want := bytes.TrimSuffix(report.AppendJSONResult(nil, r), []byte("\n"))
		var c conversationAnswer
		e.json("qa", "GET", "/api/v1/conversations/"+r.Conv.ID, nil, 200, &c)
		if !bytes.Equal(c.Result, want) {
			t.Errorf("%s: service result\n%s\nscan output\n%s", r.Conv.ID, c.Result, want)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenAPIServed(t *testing.T) {
	e := newTestEnv(t, nil)
	code, b, _ := e.do("", "GET", "/api/v1/openapi.json", nil)
	if code != 200 || !json.Valid(b) || !bytes.Contains(b, []byte(`"/api/v1/messages"`)) {
		t.Fatalf("openapi: %d", code)
	}
	if err := checkOpenAPI([]string{"GET /api/v1/nothing"}); err == nil {
		t.Fatal("a route missing from openapi.json passed the check")
	}
}

// TestBatchAndServiceAgreeJDDC: the 632 JDDC chats, scanned from their
// TSV by the scan pipeline and posted to the service in the canonical
// format, give the same result line for every conversation. Skips when
// ../shared is absent.
func TestBatchAndServiceAgreeJDDC(t *testing.T) {
	path := "../../../shared/data/jddc/jddc_dev.tsv"
	if _, err := os.Stat(path); err != nil {
		t.Skip("../shared/data absent")
	}
	e := newTestEnv(t, nil)
	loc, _ := e.cfg.Location()
	var body bytes.Buffer
	err := ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJDDC, Location: loc}, func(c *conversation.Conversation) error {
		doc, err := store.EncodeConversation(c)
		body.Write(doc)
		body.WriteByte('\n')
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", body.Bytes(), 200, &a)
	if a.Accepted != 632 || len(a.Rejected) != 0 {
		t.Fatalf("answer: %+v", a)
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rd, err := ingest.Open(path, fh, ingest.Options{Format: ingest.FormatJDDC, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = scan.Run(context.Background(), rd, nil, e.srv.o.Engine, scan.Options{Score: e.cfg.Score, Location: loc}, func(r *scan.Result) error {
		want := bytes.TrimSuffix(report.AppendJSONResult(nil, r), []byte("\n"))
		res, err := e.st.GetResult(context.Background(), r.Conv.ID)
		if err != nil {
			return err
		}
		if !bytes.Equal(res.Doc, want) {
			t.Errorf("%s: service result\n%s\nscan output\n%s", r.Conv.ID, res.Doc, want)
		}
		n++
		return nil
	})
	if err != nil || n != 632 {
		t.Fatalf("scanned %d: %v", n, err)
	}
}
