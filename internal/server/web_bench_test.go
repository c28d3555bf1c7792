package server

import (
	"bytes"
	"net/http"
	"testing"

	"fullqa/internal/store"
)

// BenchmarkWebPages stores the JDDC sample (632 real chats; the bundled
// examples without ../shared) and times the dashboard's heaviest pages
// over HTTP as a signed-in QA user: the overview (every stored result read
// and aggregated, as the report is), a findings page and a conversation
// page.
//
//	go test ./internal/server -run XXX -bench WebPages -benchtime 20x -benchmem
func BenchmarkWebPages(b *testing.B) {
	convs := benchConversations(b)
	e := benchEnv(b)
	var body bytes.Buffer
	for _, c := range convs {
		doc, err := store.EncodeConversation(c)
		if err != nil {
			b.Fatal(err)
		}
		body.Write(doc)
		body.WriteByte('\n')
	}
	var a ingestAnswer
	e.json("admin", "POST", "/api/v1/conversations", body.Bytes(), 200, &a)
	fs, err := e.st.ListFindings(b.Context(), store.FindingFilter{Limit: 1})
	if err != nil || len(fs) == 0 {
		b.Fatal("no findings", err)
	}
	qa := e.signIn("qa")
	for _, p := range []struct{ name, path string }{
		{"overview", "/overview"}, {"findings", "/findings"}, {"conversation", "/conversations/" + fs[0].ConversationID},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if code, _, _ := qa.get(p.path); code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, code)
				}
			}
			b.ReportMetric(float64(a.Accepted), "conversations")
		})
	}
}
