package report

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSheetSplitsPastRowLimit: a table longer than a sheet goes on in
// "Name (2)" …, each part with its note, header, dimension and filter, and
// no row is lost or repeated. The limit is lowered to keep the test small.
func TestSheetSplitsPastRowLimit(t *testing.T) {
	f := excelize.NewFile()
	sh := &Sheet{Name: "会话 Conversations", Note: "note", Columns: []Column{{"id", 10, Text}, {"share", 8, Percent}, {"n/a", 8, Dec1}},
		Rows: 12, Row: func(i int) []any { return []any{fmt.Sprintf("c%02d", i), float64(i) / 100, nil} }, maxRows: 7}
	if err := WriteWorkbook(f, []*Sheet{sh}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	names := g.GetSheetList()
	// 7 rows a sheet: note, header and 5 data rows; 12 rows make 3 sheets.
	if fmt.Sprint(names) != "[会话 Conversations 会话 Conversations (2) 会话 Conversations (3)]" {
		t.Fatalf("sheets %q", names)
	}
	var ids []string
	for i, name := range names {
		rows, _ := g.GetRows(name)
		if rows[0][0] != "note" || rows[1][0] != "id" {
			t.Errorf("%s: no note and header: %q", name, rows[:2])
		}
		for _, r := range rows[2:] {
			ids = append(ids, r[0])
			if len(r) > 2 {
				t.Errorf("%s: unavailable figure written as %q, want an empty cell", name, r[2])
			}
		}
		wantDim := []string{"A1:C7", "A1:C7", "A1:C4"}[i]
		if dim, _ := g.GetSheetDimension(name); dim != wantDim {
			t.Errorf("%s: dimension %q, want %q", name, dim, wantDim)
		}
		if p, _ := g.GetPanes(name); !p.Freeze || p.YSplit != 2 {
			t.Errorf("%s: header not frozen: %+v", name, p)
		}
	}
	if len(ids) != 12 || ids[0] != "c00" || ids[5] != "c05" || ids[11] != "c11" {
		t.Errorf("rows across sheets: %q", ids)
	}
	v, _ := g.GetCellValue(names[0], "B4")
	if v != "1.0%" {
		t.Errorf("share cell shows %q, want 1.0%% (a number formatted as a percentage)", v)
	}
	raw, _ := g.GetCellValue(names[0], "B4", excelize.Options{RawCellValue: true})
	if raw != "0.01" {
		t.Errorf("share cell holds %q, want the number 0.01", raw)
	}
}
