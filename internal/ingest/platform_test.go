package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fullqa/internal/conversation"
)

// flat is a conversation in a form reflect.DeepEqual can compare: times as
// instants, whatever their zone.
type flat struct {
	ID, Channel, Shop, Vendor, Customer string
	OrderIDs, SKUs                      []string
	Rating                              int
	Meta                                map[string]string
	Messages                            []string
}

func flatten(cs []*conversation.Conversation) []flat {
	var out []flat
	for _, c := range cs {
		f := flat{ID: c.ID, Channel: c.Channel, Shop: c.Shop, Vendor: c.Vendor, Customer: c.Customer,
			OrderIDs: c.OrderIDs, SKUs: c.SKUs, Rating: c.Rating, Meta: c.Meta}
		if len(f.Meta) == 0 {
			f.Meta = nil
		}
		for _, m := range c.Messages {
			at := ""
			if m.HasTime() {
				at = m.At.UTC().Format(time.RFC3339)
			}
			f.Messages = append(f.Messages, fmt.Sprintf("%s|%s|%q|%s", m.Role, m.Agent, m.Text, at))
		}
		out = append(out, f)
	}
	return out
}

// TestPlatformFormats reads every platform fixture, detected from its
// content and forced with its format name, and compares it with the same
// chats written by hand in the canonical format.
func TestPlatformFormats(t *testing.T) {
	for _, tc := range []struct {
		file, want, format string
	}{
		{"jd_chatlog.json", "jd_chatlog.want.jsonl", FormatJDChat},
		{"jd_chatlog.jsonl", "jd_chatlog.want.jsonl", FormatJDChat},
		{"sca.json", "sca.want.jsonl", FormatSCA},
		{"qianniu.txt", "qianniu.want.jsonl", FormatQianniu},
		{"zendesk.json", "zendesk.want.jsonl", FormatZendesk},
	} {
		data, err := os.ReadFile(filepath.Join("testdata/platform", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		wantData, err := os.ReadFile(filepath.Join("testdata/platform", tc.want))
		if err != nil {
			t.Fatal(err)
		}
		want, werrs := readAll(t, tc.want, bytes.NewReader(wantData), Options{})
		if len(werrs) > 0 {
			t.Fatalf("%s: %v", tc.want, werrs[0])
		}
		for _, format := range []string{"", tc.format} {
			got, errs := readAll(t, tc.file, bytes.NewReader(data), Options{Format: format})
			if len(errs) > 0 {
				t.Errorf("%s (format %q): bad record %v", tc.file, format, errs[0])
			}
			if g, w := flatten(got), flatten(want); !reflect.DeepEqual(g, w) {
				t.Errorf("%s (format %q):\n got %+v\nwant %+v", tc.file, format, g, w)
			}
		}
	}
}

// TestPlatformArrayShape: a plain JSON array of records reads the same as
// the wrapper object.
func TestPlatformArrayShape(t *testing.T) {
	lines, _ := os.ReadFile("testdata/platform/jd_chatlog.jsonl")
	arr := "[" + strings.Join(strings.Split(strings.TrimSpace(string(lines)), "\n"), ",\n") + "]"
	got, errs := readAll(t, "x.json", strings.NewReader(arr), Options{})
	if len(errs) > 0 || len(got) != 2 || len(got[0].Messages) != 3 {
		t.Fatalf("array: %d conversations, errors %v", len(got), errs)
	}
}

// TestPlatformBadRecords: each bad record names file, line and field, and
// rejects only its own conversation.
func TestPlatformBadRecords(t *testing.T) {
	for _, tc := range []struct {
		name, format, input, wantErr string
		good                         int
	}{
		{"jd.jsonl", FormatJDChat, `{"sid":"a","content":"hi","waiterSend":false}
{"sid":"b","content":"hi","waiterSend":"yes"}
{"sid":"c","content":"hi","waiterSend":false,"time":"yesterday"}
{"content":"hi","waiterSend":true,"sid":7}`, "jd.jsonl:2: waiterSend: missing or not true/false", 2},
		{"jd.json", FormatJDChat, "[\n{\"sid\":\"a\",\"content\":\"hi\",\"waiterSend\":false},\n{\"sid\":\"a\",\"content\":5,\"waiterSend\":true}\n]", "jd.json:3: content: missing or not a string", 0},
		{"sca.json", FormatSCA, "{\"tickets\":[\n{\"tid\":\"t1\",\"dialogue\":[{\"Role\":\"访客\",\"Words\":\"x\"}]},\n{\"tid\":\"t2\",\"dialogue\":[{\"Role\":\"客户\",\"Words\":\"x\",\"Begin\":0}]}]}",
			"sca.json:2: dialogue[0].Role: unknown role \"访客\"", 1},
		{"z.json", FormatZendesk, "{\"chats\":[\n{\"id\":\"c1\",\"history\":[{\"type\":\"chat.msg\",\"msg\":\"x\",\"sender_type\":\"Alien\"}]}]}",
			"z.json:2: history[0].sender_type: unknown sender_type \"Alien\"", 0},
		{"q.txt", FormatQianniu, "小明 10:00:00\n在吗\n", "q.txt:1: time: a message before any day line", 0},
		{"order.jsonl", FormatJDChat, `{"sid":"a","content":"在吗","waiterSend":false,"time":"2026-11-03 10:00:00"}
{"sid":"a","content":"您好","waiterSend":true,"time":"2026-11-03 09:00:00"}`, "order.jsonl:1: messages[1].time: 2026-11-03T09:00:00+08:00 is before", 0},
		{"bad.json", FormatSCA, "{\"tickets\": [ {\"tid\": \"t\", ", "bad.json", 0},
	} {
		rd, err := Open(tc.name, strings.NewReader(tc.input), Options{Format: tc.format})
		if err != nil {
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: open error %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		good, first := 0, ""
		for {
			c, err := rd.Next()
			if err != nil {
				if re, ok := err.(*RecordError); ok {
					if first == "" {
						first = re.Error()
					}
					continue
				}
				break
			}
			if c != nil {
				good++
			}
		}
		if !strings.Contains(first, tc.wantErr) || good != tc.good {
			t.Errorf("%s: first error %q (want %q), %d good (want %d)", tc.name, first, tc.wantErr, good, tc.good)
		}
	}
}

// TestQianniuBuyerName: with two non-sub-account names the buyer must be
// named, and --customer-name picks them.
func TestQianniuBuyerName(t *testing.T) {
	in := "2026-11-03\n甲 10:00:00\n在吗\n乙 10:00:05\n我也在\n店:客服 10:00:10\n您好\n"
	if _, err := Open("q.txt", strings.NewReader(in), Options{Format: FormatQianniu}); err == nil || !strings.Contains(err.Error(), "--customer-name") {
		t.Fatalf("two buyers: err = %v", err)
	}
	rd, err := Open("q.txt", strings.NewReader(in), Options{Format: FormatQianniu, CustomerName: "甲"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rd.Next()
	if err == nil || !strings.Contains(err.Error(), `sender "乙"`) {
		t.Fatalf("unknown sender: %v", err)
	}
}

// TestXLSXInput writes a sheet the way an export tool would (Chinese
// headers, a blank row) and reads it with the CSV column guessing.
func TestXLSXInput(t *testing.T) {
	buf := bytes.NewBuffer(sampleXLSX(t))
	for _, opts := range []Options{{}, {Format: FormatXLSX, Sheet: "聊天记录"}} {
		got, errs := readAll(t, "chats.xlsx", bytes.NewReader(buf.Bytes()), opts)
		if len(got) != 2 || got[0].ID != "x1" || len(got[0].Messages) != 2 || got[0].Messages[1].Agent != "a-07" {
			t.Fatalf("xlsx: %+v", flatten(got))
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "chats.xlsx:5: role: unknown role \"路人\"") {
			t.Fatalf("xlsx errors: %v", errs)
		}
	}
	if _, err := Open("chats.xlsx", bytes.NewReader(buf.Bytes()), Options{Sheet: "nope"}); err == nil || !strings.Contains(err.Error(), "聊天记录") {
		t.Fatalf("missing sheet: %v", err)
	}
}

// sampleXLSX writes a sheet the way an export tool would.
func sampleXLSX(t testing.TB) []byte {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "聊天记录")
	rows := [][]any{
		{"会话ID", "发送方", "内容", "发送时间", "客服昵称"},
		{"x1", "买家", "怎么还没发货", "2026-11-03 10:00:05", ""},
		{"x1", "客服", "今天给您发出", "2026-11-03 10:00:40", "a-07"},
		{},
		{"x2", "路人", "你好", "2026-11-03 11:00:00", ""},
		{"x3", "买家", "在吗", "2026-11-03 12:00:00", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("聊天记录", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
