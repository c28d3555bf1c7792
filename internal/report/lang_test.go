package report

import (
	"strings"
	"testing"
)

// TestTablePadsByDisplayWidth: Chinese characters take two columns, so a
// column after them starts at the same screen column on every row.
func TestTablePadsByDisplayWidth(t *testing.T) {
	tb := &table{head: []string{"问题", "代码", "数"}, right: []bool{false, false, true}}
	tb.add("引导站外交易", "compliance.off_platform", "1")
	tb.add("Slow reply", "response.slow", "12345")
	tb.add("ｅｍｏｊｉ🙂", "x", "7")
	var b strings.Builder
	tb.write(&b)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	col := -1
	for _, l := range lines {
		// The second column starts after the first cell and two spaces.
		cells := strings.SplitN(strings.TrimPrefix(l, "  "), "  ", 2)
		first := cells[0]
		rest := strings.TrimLeft(cells[1], " ")
		at := displayWidth(l) - displayWidth(rest)
		if col >= 0 && at != col {
			t.Errorf("second column of %q starts at %d, want %d (after %q)\n%s", l, at, col, first, b.String())
		}
		col = at
	}
	// Right-aligned numbers end on the same column.
	w := displayWidth(lines[1])
	for _, l := range lines[1:] {
		if displayWidth(l) != w {
			t.Errorf("row %q is %d columns, want %d", l, displayWidth(l), w)
		}
	}
	for in, want := range map[string]int{"abc": 3, "首响": 4, "ｅ": 2, "é": 1, "e\u0301": 1, "🙂": 2} {
		if got := displayWidth(in); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", in, got, want)
		}
	}
	if got := clip("外包供应商名字很长很长", 9); displayWidth(got) > 9 || !strings.HasSuffix(got, "…") {
		t.Errorf("clip = %q (%d columns)", got, displayWidth(got))
	}
}
