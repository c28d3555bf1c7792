package report

import (
	"bytes"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/score"
)

// TestDeductionPlainText holds appendDeduction's copy of a deduction's
// category and item, for a sheet that found them plain
// (Deduction.PlainText), to what it writes escaping them, on names that
// need no escapes and on names that do (which the sheet must not mark).
func TestDeductionPlainText(t *testing.T) {
	names := []string{"服务态度", "客户情绪未安抚", "回复慢(超3分钟)", "风险", "a", "", "x\"y", `a\b`, "a\nb", "好\u2028", "\xff", "<&>", "😀"}
	plain := 0
	for _, cat := range names {
		for _, item := range names {
			sc := score.Scorecard{Categories: []score.Category{{Name: cat, Items: []score.Item{{Name: item, Codes: []string{"x.y"}, Points: -5}}}}}
			_, ds, _ := sc.Sheet().Apply([]conversation.Finding{{Code: "x.y", Severity: conversation.SeverityLow, Messages: []int{0}}})
			if len(ds) != 1 {
				t.Fatalf("%q/%q: %d deductions", cat, item, len(ds))
			}
			d := ds[0]
			if d.PlainText() {
				plain++
			}
			ref := score.Deduction{Finding: d.Finding, Code: d.Code, Category: d.Category, Item: d.Item, Points: d.Points, Fatal: d.Fatal}
			if ref.PlainText() {
				t.Fatal("a Deduction made by hand says its text is plain")
			}
			if got, want := appendDeduction(nil, &d), appendDeduction(nil, &ref); !bytes.Equal(got, want) {
				t.Fatalf("%q/%q (plain %v): %s, escaped %s", cat, item, d.PlainText(), got, want)
			}
			// A copy whose names were changed after the sheet made it is
			// escaped again, plain or not.
			edited, eref := d, ref
			edited.Category, eref.Category = cat+`"改`, cat+`"改`
			edited.Item, eref.Item = "\n"+item, "\n"+item
			if edited.PlainText() {
				t.Fatalf("%q/%q: an edited copy still says its names are plain", cat, item)
			}
			if got, want := appendDeduction(nil, &edited), appendDeduction(nil, &eref); !bytes.Equal(got, want) {
				t.Fatalf("%q/%q edited: %s, escaped %s", cat, item, got, want)
			}
		}
	}
	if plain == 0 || plain == len(names)*len(names) {
		t.Fatalf("%d of %d deductions plain: both kinds must be tested", plain, len(names)*len(names))
	}
}
