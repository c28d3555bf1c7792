package score

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// checkItemsOf holds Sheet.itemsOf, the open-addressed table, to the map
// it stands for on every code of the sheet and on the queries.
func checkItemsOf(t *testing.T, sh *Sheet, queries []string) {
	t.Helper()
	for code := range sh.byCode {
		queries = append(queries, code)
	}
	for _, q := range queries {
		if got, want := sh.itemsOf(q), sh.byCode[q]; !reflect.DeepEqual(got, want) {
			t.Fatalf("itemsOf(%q) = %v, byCode %v (table of %d)", q, got, want, len(sh.table))
		}
	}
}

// sheetOfCodes is a one-category scorecard with an item per code.
func sheetOfCodes(codes []string) *Sheet {
	var items []Item
	for _, c := range codes {
		items = append(items, Item{Name: c, Codes: []string{c}, Points: -1})
	}
	return Scorecard{Categories: []Category{{Name: "c", Items: items}}}.Sheet()
}

// TestSheetItemsOf checks itemsOf against the map on the default
// scorecard for every known finding code and strings near them (cut,
// extended, changed in a byte, empty), and on scorecards of many codes
// that share their length and last bytes (so that slots collide and
// probes run on), of a code "" (the map answers) and of none. A table
// that stopped probing early, compared only the hash or lost an item
// fails it.
func TestSheetItemsOf(t *testing.T) {
	var queries []string
	for _, c := range conversation.Codes() {
		queries = append(queries, c, c[:len(c)-1], c+"x", "x"+c, strings.ToUpper(c), c[1:])
	}
	queries = append(queries, "", "a", "1234567", "12345678", "\xff\xfe")
	sh := DefaultScorecard().Sheet()
	if sh.table == nil {
		t.Fatal("the default sheet has no table")
	}
	checkItemsOf(t, sh, queries)

	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		var codes []string
		for n := rng.IntN(40); n > 0; n-- {
			b := []byte("code.xxxxxxxxxxx")[:5+rng.IntN(12)]
			for k := 5; k < len(b); k++ {
				b[k] = "ab"[rng.IntN(2)] // few distinct bytes: equal tails, colliding slots
			}
			codes = append(codes, string(b))
		}
		sh := sheetOfCodes(codes)
		var qs []string
		for range 50 {
			b := []byte("code.xxxxxxxxxxx")[:5+rng.IntN(12)]
			for k := 5; k < len(b); k++ {
				b[k] = "ab"[rng.IntN(2)]
			}
			qs = append(qs, string(b))
		}
		checkItemsOf(t, sh, append(qs, queries...))
	}
	withEmpty := sheetOfCodes([]string{"a.b", "", "c.d"})
	if withEmpty.table != nil {
		t.Fatal("a sheet with the code \"\" has a table")
	}
	checkItemsOf(t, withEmpty, queries)
	checkItemsOf(t, sheetOfCodes(nil), queries)
}

// FuzzSheetItemsOf checks itemsOf against the map on a sheet of the codes
// in list (cut at '|') for the query q. Run longer with go test -run xxx
// -fuzz FuzzSheetItemsOf ./internal/score/.
func FuzzSheetItemsOf(f *testing.F) {
	f.Add("response.slow|response.first_slow|emotion.negative", "response.slow")
	f.Add("aaaaaaaa|baaaaaaa|caaaaaaa|daaaaaaa|eaaaaaaa", "faaaaaaa")
	f.Add("a|b||c", "")
	f.Fuzz(func(t *testing.T, list, q string) {
		checkItemsOf(t, sheetOfCodes(strings.Split(list, "|")), []string{q, "", list})
	})
}
