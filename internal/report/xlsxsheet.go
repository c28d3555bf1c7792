package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// MaxSheetRows is Excel's row limit: a sheet holds 1,048,576 rows.
const MaxSheetRows = 1 << 20

// Column is one column of a spreadsheet table: its head, width in
// characters and number format.
type Column struct {
	Head  string
	Width float64
	Kind  CellKind
}

// CellKind is how a column's numbers are shown.
type CellKind int

// The number formats of report columns.
const (
	Text    CellKind = iota // as it is
	Int                     // 0
	Dec1                    // 0.0 (seconds, scores)
	Dec2                    // 0.00 (answer ratio)
	Percent                 // 0.0% of a ratio stored as 0..1
)

// Sheet is a table written as spreadsheet sheets: an optional note in the
// first row, a bold header, frozen panes below it, an auto-filter over the
// table and the sheet's dimension set up front, so streaming readers see
// every row. Rows beyond Excel's limit go on to further sheets named
// "Name (2)", "Name (3)" …; Row(i) gives row i, nil cells stay empty (a
// figure the data cannot give is an empty cell, not the text "n/a").
type Sheet struct {
	Name    string
	Note    string
	Columns []Column
	Rows    int
	Row     func(i int) []any
	// Validate, when set, adds data validation to the data rows of the
	// column it names (1-based), e.g. a drop-down list of verdicts.
	Validate func(dv *excelize.DataValidation) (col int)

	maxRows int // rows a sheet holds, MaxSheetRows unless a test lowers it
}

// styles are the cell styles of a workbook, one per CellKind, plus the
// header's.
type styles struct {
	kind   [Percent + 1]int
	header int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{}
	formats := [...]string{Text: "", Int: "0", Dec1: "0.0", Dec2: "0.00", Percent: "0.0%"}
	for k, nf := range formats {
		if nf == "" {
			continue
		}
		fmtStr := nf
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtStr})
		if err != nil {
			return nil, err
		}
		s.kind[k] = id
	}
	id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF1F5"}},
		Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	s.header = id
	return s, nil
}

// write adds the sheet to f, split into parts past Excel's row limit.
func (sh *Sheet) write(f *excelize.File, st *styles, first bool) error {
	top := 1 // the header's row
	if sh.Note != "" {
		top = 2
	}
	limit := MaxSheetRows
	if sh.maxRows > 0 {
		limit = sh.maxRows
	}
	per := limit - top
	parts := max(1, (sh.Rows+per-1)/per)
	for p := 0; p < parts; p++ {
		name := sh.Name
		if p > 0 {
			name = fmt.Sprintf("%s (%d)", sh.Name, p+1)
		}
		start := p * per
		n := min(per, sh.Rows-start)
		if err := sh.writePart(f, st, name, top, start, n, first && p == 0); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	return nil
}

func (sh *Sheet) writePart(f *excelize.File, st *styles, name string, top, start, n int, first bool) error {
	if first {
		if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(len(sh.Columns))
	if err != nil {
		return err
	}
	end := top + max(n, 1)
	if err := f.SetSheetDimension(name, fmt.Sprintf("A1:%s%d", last, top+n)); err != nil {
		return err
	}
	if err := f.AutoFilter(name, fmt.Sprintf("A%d:%s%d", top, last, end), nil); err != nil {
		return err
	}
	if sh.Validate != nil && n > 0 {
		dv := excelize.NewDataValidation(true)
		col := sh.Validate(dv)
		c, _ := excelize.ColumnNumberToName(col)
		dv.SetSqref(fmt.Sprintf("%s%d:%s%d", c, top+1, c, top+n))
		if err := f.AddDataValidation(name, dv); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range sh.Columns {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: top, TopLeftCell: fmt.Sprintf("A%d", top+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if sh.Note != "" {
		if err := sw.SetRow("A1", []any{sh.Note}); err != nil {
			return err
		}
	}
	head := make([]any, len(sh.Columns))
	for i, c := range sh.Columns {
		head[i] = excelize.Cell{StyleID: st.header, Value: c.Head}
	}
	cell, _ := excelize.CoordinatesToCellName(1, top)
	if err := sw.SetRow(cell, head); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		row := sh.Row(start + i)
		out := make([]any, len(row))
		for j, v := range row {
			if p, ok := v.(percent); ok {
				out[j] = excelize.Cell{StyleID: st.kind[Percent], Value: float64(p)}
			} else if j < len(sh.Columns) && st.kind[sh.Columns[j].Kind] != 0 && v != nil {
				out[j] = excelize.Cell{StyleID: st.kind[sh.Columns[j].Kind], Value: v}
			} else {
				out[j] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, top+1+i)
		if err := sw.SetRow(cell, out); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// WriteWorkbook writes sheets, in order, as one workbook to f's first and
// further sheets.
func WriteWorkbook(f *excelize.File, sheets []*Sheet) error {
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		if err := sh.write(f, st, i == 0); err != nil {
			return err
		}
	}
	return nil
}

// cellf is a figure that may be unavailable, as a cell value: nil (an
// empty cell) when the data cannot give it.
func cellf(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
