package ingest

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsx input: a message-per-row sheet read with the same column and role
// mapping as CSV (header names found automatically, or --columns and
// --roles), the first sheet or the one named with --sheet. Rows are
// streamed from the sheet; the row number stands where CSV errors give the
// line, so "chats.xlsx:12: role: …" points at row 12 in Excel.

// xlsxRows adapts excelize's row iterator to rowSource.
type xlsxRows struct {
	rows *excelize.Rows
	n    int
}

// Read returns the next row that is not empty (CSV skips blank lines too);
// the row number still counts the empty ones.
func (x *xlsxRows) Read() ([]string, error) {
	for {
		if !x.rows.Next() {
			if err := x.rows.Error(); err != nil {
				return nil, err
			}
			return nil, io.EOF
		}
		x.n++
		cols, err := x.rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", x.n, err)
		}
		for _, c := range cols {
			if strings.TrimSpace(c) != "" {
				return cols, nil
			}
		}
	}
}

func (x *xlsxRows) FieldPos(int) (int, int) { return x.n, 1 }

func newXLSXReader(name string, br *bufio.Reader, opts *Options) (Reader, error) {
	f, err := excelize.OpenReader(br)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable xlsx file: %w", name, err)
	}
	sheet := opts.Sheet
	sheets := f.GetSheetList()
	if sheet == "" {
		if len(sheets) == 0 {
			return nil, fmt.Errorf("%s: the workbook has no sheets", name)
		}
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		return nil, fmt.Errorf("%s: no sheet %q (sheets: %s)", name, sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%s: sheet %q: %w", name, sheet, err)
	}
	return newTableReaderFrom(name, nil, &xlsxRows{rows: rows}, ',', opts)
}
