package cli

import (
	"reflect"
	"testing"

	"fullqa/internal/config"
)

// TestListsReadOnce: scan reads the word lists once and hands the same
// Lists to the engine and then to the across analyzers. That is only the
// same as reading them afresh for each when building the engine leaves
// the lists as they were; this holds every list to a fresh read after an
// engine of all detectors was built from them.
func TestListsReadOnce(t *testing.T) {
	cfg := config.Default()
	lex, err := cfg.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newEngineLists(cfg, lex, "all"); err != nil {
		t.Fatal(err)
	}
	fresh, err := cfg.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lex, fresh) {
		for name, words := range fresh {
			if !reflect.DeepEqual(lex[name], words) {
				t.Errorf("list %s changed by building the engine", name)
			}
		}
		t.Fatal("the lists differ after building the engine")
	}
	shared, err := newCross(lex, cfg.Cross, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	own, err := newCross(fresh, cfg.Cross, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shared, own) {
		t.Error("the across analyzers differ when built from the shared lists")
	}
}
