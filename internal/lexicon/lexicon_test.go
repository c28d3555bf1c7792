package lexicon

import (
	"io/fs"
	"strings"
	"testing"
)

func TestDefaultAndOverrides(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Words("response_closings")) < 20 {
		t.Fatalf("response_closings has %d terms", len(l.Words("response_closings")))
	}
	l2, err := Load(Overrides{
		Add:    map[string][]string{"response_closings": {" 好的哈 "}, "attitude_forbidden": {"亲爱的"}},
		Remove: map[string][]string{"response_closings": {"好的"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	has := func(list []string, w string) bool {
		for _, x := range list {
			if x == w {
				return true
			}
		}
		return false
	}
	if !has(l2.Words("response_closings"), "好的哈") || has(l2.Words("response_closings"), "好的") {
		t.Errorf("overrides not applied: %v", l2.Words("response_closings"))
	}
	if !has(l2.Words("attitude_forbidden"), "亲爱的") {
		t.Error("an added word is missing")
	}
	// A misspelled list name is an error under every key, naming the key
	// and suggesting the list meant: no detector would ever read it.
	for _, o := range []Overrides{
		{Add: map[string][]string{"attitude_forbiden": {"亲爱的"}}},
		{Remove: map[string][]string{"attitude_forbiden": {"x"}}},
		{Replace: map[string][]string{"attitude_forbiden": {"x"}}},
	} {
		_, err := Load(o)
		if err == nil || !strings.Contains(err.Error(), `"attitude_forbiden"`) || !strings.Contains(err.Error(), `did you mean "attitude_forbidden"`) {
			t.Errorf("%+v: error %v, want one naming the list and the nearest name", o, err)
		}
	}
	if _, err := Load(Overrides{Add: map[string][]string{"shop_words": {"x"}}}); err == nil || !strings.Contains(err.Error(), "lexicon.add") {
		t.Errorf("adding to a list no detector reads must fail: %v", err)
	}
	if !has(l.Words("response_closings"), "好的") {
		t.Error("Load changed the default lists")
	}
}

func TestParseComments(t *testing.T) {
	got := parse([]byte("# head\n退款 # refund\n\n  换货  \n#E-s表情\n"))
	want := []string{"退款", "换货", "#E-s表情"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %q", got)
	}
}

// TestFilesSayWhereWordsCameFrom checks that every list starts with a
// comment naming its source, so reviewers know what they may change.
func TestFilesSayWhereWordsCameFrom(t *testing.T) {
	names, err := fs.Glob(dataFS, "data/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := dataFS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "# ") {
			t.Errorf("%s does not start with a comment saying where its words came from", n)
		}
		if len(parse(b)) == 0 {
			t.Errorf("%s has no terms", n)
		}
	}
}
