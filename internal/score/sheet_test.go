package score

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// sheetCodes are the codes the generated scorecards and findings draw
// from: scored ones, and one no item scores.
var sheetCodes = []string{"response.slow", "response.first_slow", "attitude.rude", "promise.made", "emotion.negative", "loop.repeat"}

var sheetSeverities = []string{"", "info", "low", "medium", "high", "critical", "bogus"}

// sheetCase builds a scorecard and findings from the bytes of data: items
// with one to three codes (repeats and codes in two items included, which
// Validate refuses but Apply must still agree on), signed points, caps,
// once, fatal items and severity thresholds, and up to 24 findings.
func sheetCase(data []byte) (Scorecard, []conversation.Finding) {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	var sc Scorecard
	for c := next()%3 + 1; c > 0; c-- {
		cat := Category{Name: string(rune('A' + c))}
		for n := next()%5 + 1; n > 0; n-- {
			it := Item{Name: string(rune('a' + n)), Points: next()%41 - 20, Cap: next() % 25, Once: next()%4 == 0,
				MinSeverity: sheetSeverities[next()%len(sheetSeverities)], Fatal: next()%5 == 0,
				FatalSeverity: sheetSeverities[next()%len(sheetSeverities)]}
			for k := next()%3 + 1; k > 0; k-- {
				it.Codes = append(it.Codes, sheetCodes[next()%len(sheetCodes)])
			}
			cat.Items = append(cat.Items, it)
		}
		sc.Categories = append(sc.Categories, cat)
	}
	var fs []conversation.Finding
	for n := next() % 25; n > 0; n-- {
		fs = append(fs, conversation.Finding{Code: sheetCodes[next()%len(sheetCodes)], Severity: conversation.Severity(next() % 6)})
	}
	return sc, fs
}

// checkSheet compares Sheet.Apply with applyRef, the reference.
func checkSheet(t *testing.T, sc Scorecard, fs []conversation.Finding) {
	t.Helper()
	ws, wd, wf := applyRef(sc, fs)
	gs, gd, gf := sc.Sheet().Apply(fs)
	gd = withoutPlain(t, gd)
	if gs != ws || gf != wf || !reflect.DeepEqual(gd, wd) {
		t.Fatalf("Sheet.Apply = %d %v %+v, applyRef = %d %v %+v\nscorecard %+v\nfindings %+v", gs, gf, gd, ws, wf, wd, sc, fs)
	}
}

// TestSheetMatchesApply holds Sheet.Apply to Scorecard.Apply on the
// default scorecard (every subset of its codes' findings, severities
// varied) and on random scorecards.
func TestSheetMatchesApply(t *testing.T) {
	def := DefaultScorecard()
	var codes []string
	for _, c := range def.Categories {
		for _, it := range c.Items {
			codes = append(codes, it.Codes...)
		}
	}
	codes = append(codes, "promise.made", "repeat.contact")
	rng := rand.New(rand.NewPCG(1, 2))
	checkSheet(t, def, nil)
	for range 20000 {
		var fs []conversation.Finding
		for n := rng.IntN(12); n > 0; n-- {
			fs = append(fs, conversation.Finding{Code: codes[rng.IntN(len(codes))], Severity: conversation.Severity(rng.IntN(5))})
		}
		checkSheet(t, def, fs)
	}
	for range 20000 {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		sc, fs := sheetCase(b)
		checkSheet(t, sc, fs)
	}
}

// FuzzSheetApply holds Sheet.Apply to Scorecard.Apply on scorecards and
// findings made from the fuzzer's bytes.
func FuzzSheetApply(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{2, 4, 3, 10, 1, 2, 3, 4, 2, 0, 1, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, fs := sheetCase(data)
		checkSheet(t, sc, fs)
	})
}

// applyRef is Scorecard.Apply as it was written before the rules moved to
// Sheet.Apply (every item for every finding, comparing codes): the
// reference checkSheet holds the sheet to.
func applyRef(s Scorecard, findings []conversation.Finding) (int, []Deduction, bool) {
	total := 100
	fatal := false
	var ds []Deduction
	for _, c := range s.Categories {
		for _, it := range c.Items {
			sum := 0
			parsed := false
			var minSev, fatalSev conversation.Severity
			for fi, f := range findings {
				if !hasCode(it.Codes, f.Code) {
					continue
				}
				if !parsed { // most items match no finding: parse only when one does
					minSev, _ = conversation.ParseSeverity(it.MinSeverity)
					fatalSev, _ = conversation.ParseSeverity(it.FatalSeverity)
					parsed = true
				}
				if f.Severity < minSev {
					continue
				}
				d := Deduction{Finding: fi, Code: f.Code, Category: c.Name, Item: it.Name, Points: it.Points}
				if it.Fatal && f.Severity >= fatalSev {
					d.Fatal = true
					fatal = true
				}
				if it.Cap > 0 && abs(sum+d.Points) > it.Cap {
					d.Points = sign(it.Points)*it.Cap - sum
				}
				if d.Points == 0 && !d.Fatal {
					continue
				}
				sum += d.Points
				if ds == nil { // mostly at most one per finding: one allocation
					ds = make([]Deduction, 0, len(findings))
				}
				ds = append(ds, d)
				if it.Once {
					break
				}
			}
			total += sum
		}
	}
	if total < 0 {
		total = 0
	}
	if total > 100 {
		total = 100
	}
	if fatal {
		total = 0
	}
	return total, ds, fatal
}

// hasCode reports whether codes holds c: how applyRef matched an item.
func hasCode(codes []string, c string) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}

// TestApplyWithSlab holds Sheet.ApplyWith, which cuts the deductions of
// conversation after conversation from one Scratch's slab, to applyRef:
// every result kept to the end must still be its own (a later cut, or an
// append to an earlier result past its room, must not write over it).
func TestApplyWithSlab(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s Scratch
	type kept struct {
		sc    Scorecard
		fs    []conversation.Finding
		score int
		ds    []Deduction
		fatal bool
	}
	var all []kept
	for range 5000 {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		sc, fs := sheetCase(b)
		score, ds, fatal := sc.Sheet().ApplyWith(&s, fs)
		all = append(all, kept{sc, fs, score, ds, fatal})
		if len(all) > 1 && rng.IntN(4) == 0 { // a holder appends to an earlier result
			k := &all[rng.IntN(len(all)-1)]
			_ = append(k.ds, Deduction{Code: "appended"})
		}
	}
	for i, k := range all {
		ws, wd, wf := applyRef(k.sc, k.fs)
		if k.score != ws || k.fatal != wf || !reflect.DeepEqual(withoutPlain(t, k.ds), wd) {
			t.Fatalf("case %d: ApplyWith = %d %v %+v, applyRef = %d %v %+v", i, k.score, k.fatal, k.ds, ws, wf, wd)
		}
	}
}

// withoutPlain checks that each of ds says its names are plain exactly
// when text.JSONPlain finds both so, and returns copies without the sheet
// item that says it, to compare with applyRef's literal deductions.
func withoutPlain(t *testing.T, ds []Deduction) []Deduction {
	t.Helper()
	if ds == nil {
		return nil
	}
	out := make([]Deduction, len(ds))
	for i := range ds {
		d := ds[i]
		if want := text.JSONPlain(d.Category) && text.JSONPlain(d.Item); d.PlainText() != want {
			t.Fatalf("deduction %+v: PlainText %v, want %v", d, d.PlainText(), want)
		}
		d.plain = nil
		out[i] = d
	}
	return out
}
