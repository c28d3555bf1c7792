package cli

import (
	"os"
	"path/filepath"
	"testing"

	"fullqa/internal/conversation"
)

// TestSyntheticNegativeSet reads the committed training-only synthetic
// negative-emotion set the way `fullqa eval|train negative --synthetic`
// does, and holds it to what the trainer relies on: every chat labelled
// once and every label of a chat, ids unique, each labelled message a
// customer message of its chat, and about the share of negative customer
// messages the README states (a file cut short or misaligned fails here).
func TestSyntheticNegativeSet(t *testing.T) {
	dir := filepath.Join("..", "classify", "traindata")
	set, err := syntheticNegative(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var chats, customers, negative int
	err = set.Src(func(c *conversation.Conversation) error {
		if seen[c.ID] {
			t.Errorf("%s: id twice", c.ID)
		}
		seen[c.ID] = true
		chats++
		l, ok := set.Labels[c.ID]
		if !ok {
			t.Errorf("%s: no labels", c.ID)
			return nil
		}
		for _, m := range c.Messages {
			if m.Role == conversation.RoleCustomer {
				customers++
			}
		}
		for _, n := range l.CustomerNegative {
			if n < 0 || n >= len(c.Messages) || c.Messages[n].Role != conversation.RoleCustomer {
				t.Errorf("%s: label %d is not a customer message", c.ID, n)
			}
			negative++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Labels) != chats {
		t.Errorf("%d labelled ids for %d chats", len(set.Labels), chats)
	}
	if chats < 200 || negative*10 < customers*2 || negative*10 > customers*4 {
		t.Errorf("%d chats, %d of %d customer messages negative: not the set the README describes", chats, negative, customers)
	}
}

// TestSyntheticNegativeMissing checks that --synthetic with no set to read
// is an error naming the set, not a silent run on the real chats alone.
func TestSyntheticNegativeMissing(t *testing.T) {
	dir := t.TempDir()
	if _, err := syntheticNegative(dir); err == nil {
		t.Fatal("no error for a folder without the synthetic set")
	}
	if err := os.WriteFile(filepath.Join(dir, negativeTraindataLabels), []byte("{\"session_id\": \"x\", \"customer_negative\": [}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := syntheticNegative(dir); err == nil {
		t.Fatal("no error for a labels file that does not parse")
	}
}
