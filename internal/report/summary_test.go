package report

import (
	"testing"

	"fullqa/internal/codebook"
)

// TestSummaryFinishSharedNumbering checks that Finish reads a shared
// numbering that holds codes the summary never counted (another user of
// the numbering gave them out) without running past its counts.
func TestSummaryFinishSharedNumbering(t *testing.T) {
	var n codebook.Numbering
	s := NewSummary(5)
	s.useNumbering(&n)
	n.Number("promise.made")
	n.Number("emotion.negative")
	s.Finish()
	if len(s.ByCode) != 0 || len(s.ConvsByCode) != 0 {
		t.Fatalf("nothing counted, but ByCode %v, ConvsByCode %v", s.ByCode, s.ConvsByCode)
	}
}
