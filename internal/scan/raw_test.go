package scan_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"fullqa/internal/ingest"
	"fullqa/internal/scan"
)

// TestRawRecordsAsNext checks that parsing on the workers (a JSON Lines
// reader hands out records unparsed) gives what reading with Next gives:
// the same conversations and the same bad records with the same messages,
// in input order, whatever the batch size and number of workers. The input
// has bad JSON, duplicate ids and conversations out of time order, whose
// messages count the conversations before them.
func TestRawRecordsAsNext(t *testing.T) {
	data, err := os.ReadFile("testdata/records.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	eng := engine(t)
	for _, sort := range []bool{false, true} {
		for _, filter := range []bool{false, true} {
			open := func() ingest.Reader {
				rd, err := ingest.Open("records.jsonl", strings.NewReader(string(data)), ingest.Options{SortByTime: sort})
				if err != nil {
					t.Fatal(err)
				}
				if filter {
					var skipped int
					rd = ingest.Filtered(rd, ingest.Filter{Vendors: []string{"v1"}}, &skipped)
				}
				return rd
			}
			var want []string
			rd := open()
			for {
				c, err := rd.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					want = append(want, "error "+err.Error())
					continue
				}
				want = append(want, c.ID+" "+c.Source+fmt.Sprint(len(c.Messages)))
			}
			for _, size := range []int{1, 3, 64} {
				var got []string
				err := scan.Run(context.Background(), open(), isRecordError, eng, scan.Options{Workers: 4, Batch: size},
					func(r *scan.Result) error {
						if r.Err != nil {
							got = append(got, "error "+r.Err.Error())
						} else {
							got = append(got, r.Conv.ID+" "+r.Conv.Source+fmt.Sprint(len(r.Conv.Messages)))
						}
						return nil
					})
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("sort %v filter %v batch %d: got\n%s\nwant\n%s", sort, filter, size,
						strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		}
	}
}

func isRecordError(err error) bool {
	var re *ingest.RecordError
	return errors.As(err, &re)
}
