package cli

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/store"
)

// serveChild is a `fullqa serve` process (the built binary).
type serveChild struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
	base string
}

func startServe(t *testing.T, dir string) *serveChild {
	t.Helper()
	c := &serveChild{logs: &lockedBuffer{}}
	c.cmd = exec.Command(fullqaBinary(t), "serve", "--data-dir", dir, "--listen", "127.0.0.1:0")
	c.cmd.Stderr = c.logs
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.base = waitListening(t, c.logs)
	return c
}

// request is one API call of the kill test's client.
type request struct {
	path string
	body []byte
}

func (c *serveChild) send(client *http.Client, tok string, r request) error {
	req, err := http.NewRequest("POST", c.base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d %s", r.path, resp.StatusCode, b)
	}
	if bytes.Contains(b, []byte(`"rejected":[{`)) {
		return fmt.Errorf("%s: rejected records: %s", r.path, b)
	}
	return nil
}

// killTestData is the client's whole session: copies of the example chats,
// half posted whole in batches, half streamed message by message (five
// conversations interleaved, then their closes).
func killTestData(t *testing.T) (reqs []request, whole map[string]*conversation.Conversation, streamed map[string][]string) {
	t.Helper()
	ex, err := os.ReadFile(filepath.Join("..", "..", "examples", "chats.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var convs []*conversation.Conversation
	for copyN := 0; copyN < 16; copyN++ {
		rd, _ := ingest.Open("x.jsonl", bytes.NewReader(ex), ingest.Options{Format: ingest.FormatJSONL})
		ingest.ForEach(rd, func(c *conversation.Conversation) error {
			c.ID = fmt.Sprintf("%s~%d", c.ID, copyN)
			c.Source = ""
			convs = append(convs, c)
			return nil
		})
	}
	whole, streamed = map[string]*conversation.Conversation{}, map[string][]string{}
	var batch [][]byte
	flush := func() {
		if len(batch) > 0 {
			reqs = append(reqs, request{"/api/v1/conversations", bytes.Join(batch, []byte("\n"))})
			batch = nil
		}
	}
	var events [][]byte
	for i := 0; i < len(convs); i += 5 {
		group := convs[i:min(i+5, len(convs))]
		if (i/5)%2 == 0 {
			for _, c := range group {
				doc, _ := store.EncodeConversation(c)
				batch = append(batch, doc)
				whole[c.ID] = c
			}
			if len(batch) >= 20 {
				flush()
			}
			continue
		}
		for k := 0; ; k++ {
			more := false
			for _, c := range group {
				if k >= len(c.Messages) {
					continue
				}
				more = true
				m := c.Messages[k]
				ev := map[string]any{"message_id": fmt.Sprintf("%s#%d", c.ID, k), "conversation_id": c.ID, "role": m.Role.String(),
					"text": m.Text, "agent": m.Agent, "vendor": c.Vendor, "shop": c.Shop, "customer": c.Customer}
				if !m.At.IsZero() {
					ev["at"] = m.At.Format(time.RFC3339)
				}
				b, _ := json.Marshal(ev)
				events = append(events, b)
				streamed[c.ID] = append(streamed[c.ID], m.Text)
			}
			if !more {
				break
			}
		}
		for _, c := range group {
			events = append(events, []byte(`{"conversation_id":"`+c.ID+`","event":"close"}`))
		}
		for len(events) >= 8 {
			reqs = append(reqs, request{"/api/v1/messages", bytes.Join(events[:8], []byte("\n"))})
			events = events[8:]
		}
	}
	flush()
	if len(events) > 0 {
		reqs = append(reqs, request{"/api/v1/messages", bytes.Join(events, []byte("\n"))})
	}
	return reqs, whole, streamed
}

// TestKillMidStream: a client streams conversations and messages into
// `fullqa serve`, the server is killed with SIGKILL mid-stream, restarted,
// and the client resends everything from the start (it never got the
// answers). Nothing acknowledged may be lost, nothing duplicated, and
// every conversation is inspected exactly once for its final content.
func TestKillMidStream(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	code, tok, stderr := run(t, "", "user", "add", "feeder", "--role", "qa", "--data-dir", dir)
	if code != ExitOK {
		t.Fatalf("user add: %s", stderr)
	}
	tok = strings.TrimSpace(tok)
	reqs, whole, streamed := killTestData(t)
	client := &http.Client{Timeout: 30 * time.Second}

	first := startServe(t, dir)
	killAt := len(reqs) * 2 / 5
	acked := 0
	for i, r := range reqs {
		if i == killAt {
			// Kill while this request is in flight.
			go func() {
				time.Sleep(2 * time.Millisecond)
				first.cmd.Process.Signal(syscall.SIGKILL)
			}()
		}
		if err := first.send(client, tok, r); err != nil {
			if i < killAt {
				t.Fatalf("request %d before the kill: %v", i, err)
			}
			break
		}
		acked = i + 1
	}
	first.cmd.Process.Signal(syscall.SIGKILL) // in case every request beat the kill
	first.cmd.Wait()
	t.Logf("%d of %d requests answered before the kill (killed during request %d)", acked, len(reqs), killAt)

	second := startServe(t, dir)
	defer func() {
		second.cmd.Process.Signal(syscall.SIGTERM)
		if err := second.cmd.Wait(); err != nil {
			t.Errorf("serve after SIGTERM: %v\n%s", err, second.logs.String())
		}
	}()
	// Nothing acknowledged was lost.
	db := openDB(t, dir)
	defer db.Close()
	for _, r := range reqs[:acked] {
		for _, line := range bytes.Split(r.body, []byte("\n")) {
			var ev struct {
				ID        string `json:"id"`
				MessageID string `json:"message_id"`
			}
			json.Unmarshal(line, &ev)
			var n int
			switch {
			case ev.ID != "":
				db.QueryRow(`SELECT COUNT(*) FROM conversations WHERE id = ?`, ev.ID).Scan(&n)
			case ev.MessageID != "":
				db.QueryRow(`SELECT COUNT(*) FROM messages WHERE message_id = ?`, ev.MessageID).Scan(&n)
			default:
				continue
			}
			if n != 1 {
				t.Fatalf("acknowledged record lost after the kill: %s", line)
			}
		}
	}
	// Resend everything from the start.
	for i, r := range reqs {
		if err := second.send(client, tok, r); err != nil {
			t.Fatalf("resend %d: %v", i, err)
		}
	}
	// Wait for the inspector to finish the closed conversations.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var pending int
		db.QueryRow(`SELECT COUNT(*) FROM conversations WHERE inspected_hash <> content_hash`).Scan(&pending)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d conversations still not inspected\n%s", pending, second.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	checkKillResult(t, db, whole, streamed)
}

func openDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.FileName)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func checkKillResult(t *testing.T, db *sql.DB, whole map[string]*conversation.Conversation, streamed map[string][]string) {
	t.Helper()
	var total int
	db.QueryRow(`SELECT COUNT(*) FROM conversations`).Scan(&total)
	if total != len(whole)+len(streamed) {
		t.Errorf("%d conversations stored, sent %d", total, len(whole)+len(streamed))
	}
	rows, err := db.Query(`SELECT id, doc, state, inspections, inspected_hash = content_hash FROM conversations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, doc, state string
		var inspections int
		var inspected bool
		if err := rows.Scan(&id, &doc, &state, &inspections, &inspected); err != nil {
			t.Fatal(err)
		}
		if state != store.StateClosed || inspections != 1 || !inspected {
			t.Errorf("%s: state %s, inspected %d times, current %v", id, state, inspections, inspected)
		}
		c, err := store.DecodeConversation([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range c.Messages {
			texts = append(texts, m.Text)
		}
		if w, ok := whole[id]; ok {
			want, _ := store.EncodeConversation(w)
			if string(want) != doc {
				t.Errorf("%s: stored\n%s\nsent\n%s", id, doc, want)
			}
		} else if strings.Join(texts, "\x00") != strings.Join(streamed[id], "\x00") {
			t.Errorf("%s: stored messages %q, sent %q", id, texts, streamed[id])
		}
	}
	var msgs, want int
	db.QueryRow(`SELECT COUNT(*) FROM messages`).Scan(&msgs)
	for _, ts := range streamed {
		want += len(ts)
	}
	if msgs != want {
		t.Errorf("%d streamed messages stored, sent %d", msgs, want)
	}
	// Findings are the full inspection's, once: as many as the results list.
	rows2, err := db.Query(`SELECT r.conversation_id, r.doc, (SELECT COUNT(*) FROM findings f WHERE f.conversation_id = r.conversation_id),
		(SELECT COUNT(*) FROM findings f WHERE f.conversation_id = r.conversation_id AND f.source <> 'inspection') FROM results r`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows2.Close()
	n := 0
	for rows2.Next() {
		var id, doc string
		var stored, live int
		rows2.Scan(&id, &doc, &stored, &live)
		var res struct{ Findings []json.RawMessage }
		json.Unmarshal([]byte(doc), &res)
		if stored != len(res.Findings) || live != 0 {
			t.Errorf("%s: %d findings stored (%d live), result has %d", id, stored, live, len(res.Findings))
		}
		n++
	}
	if n != total {
		t.Errorf("%d results for %d conversations", n, total)
	}
}
