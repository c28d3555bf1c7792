package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// openTableRef opens data as Open did before CSV and TSV rows were cut
// on the reading goroutine and parsed on the workers: through the table
// reader, which is the reference the CSV reader is held to.
func openTableRef(name string, data []byte, opts Options) (Reader, error) {
	opts.Location = opts.location()
	br, err := decode(bufio.NewReaderSize(bytes.NewReader(data), 256<<10), opts.Encoding)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return newTableReader(name, br, opts.Format, &opts)
}

// newTableReader is how Open read a CSV or TSV file before csvReader:
// the table reader over encoding/csv.
func newTableReader(name string, br *bufio.Reader, format string, opts *Options) (*tableReader, error) {
	cr := csv.NewReader(br)
	if format == FormatTSV {
		cr.Comma = '\t'
		cr.LazyQuotes = true
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return newTableReaderFrom(name, br, cr, cr.Comma, opts)
}

// results reads rd to its end as one string per result: the conversation,
// or the bad record with its raw rows, or the error that stopped it.
// With raws, records are cut first, all of them, then parsed last to
// first, then settled in order, as the scan's workers may.
func results(t *testing.T, rd Reader, raws bool) []string {
	t.Helper()
	var out []string
	add := func(c any, err error) bool {
		var re *RecordError
		switch {
		case errors.As(err, &re):
			out = append(out, fmt.Sprintf("error %v raw %q", re, re.Raw))
		case err != nil:
			out = append(out, "fatal "+err.Error())
			return false
		default:
			out = append(out, fmt.Sprintf("%#v", c))
		}
		return true
	}
	if h, ok := rd.(interface{ RejectHeader() []byte }); ok {
		out = append(out, fmt.Sprintf("header %q", h.RejectHeader()))
	}
	if !raws {
		for {
			c, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return out
			}
			if c != nil {
				if !add(*c, err) {
					return out
				}
			} else if !add(nil, err) {
				return out
			}
		}
	}
	type item struct {
		raw *csvConv
		err error
	}
	var items []item
	cr := rd.(*csvReader)
	for {
		raw, err := cr.NextRaw()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			items = append(items, item{err: err})
			var re *RecordError
			if !errors.As(err, &re) {
				break
			}
			continue
		}
		items = append(items, item{raw: raw.(*csvConv)})
	}
	for i := len(items) - 1; i >= 0; i-- {
		if items[i].raw != nil {
			items[i].raw.Parse()
		}
	}
	for _, it := range items {
		if it.raw == nil {
			if !add(nil, it.err) {
				return out
			}
			continue
		}
		c, _, err := it.raw.Settle()
		if c != nil {
			add(*c, err)
		} else {
			add(nil, err)
		}
	}
	return out
}

// csvOptions picks the reading options of a fuzz case from mode.
func csvOptions(format string, mode uint8) Options {
	o := Options{Format: format, SortByTime: mode&1 != 0}
	if mode&2 != 0 {
		o.Gap = time.Minute
	}
	switch mode >> 2 & 3 {
	case 1:
		o.Columns.TimeLayout = "unix"
	case 2:
		o.Encoding = "gb18030"
	case 3:
		o.Columns.Roles = map[string]string{"路人": "bot", " X ": "system", `"`: "agent", `x"`: "agent", "": "customer"}
	}
	return o
}

// compareCSV reads data through the CSV reader and the table reader and
// fails on any difference: conversations, bad records, raw rows, order.
func compareCSV(t *testing.T, data []byte, opts Options) {
	t.Helper()
	name := "f." + opts.Format
	ref, rerr := openTableRef(name, data, opts)
	rd, err := Open(name, bytes.NewReader(data), opts)
	if (rerr == nil) != (err == nil) || rerr != nil && rerr.Error() != err.Error() {
		t.Fatalf("open: reference %v, new %v", rerr, err)
	}
	if rerr != nil {
		return
	}
	if _, ok := rd.(*csvReader); !ok {
		t.Fatalf("%s reader is a %T", opts.Format, rd)
	}
	want := results(t, ref, false)
	for _, raws := range []bool{false, true} {
		rd, _ := Open(name, bytes.NewReader(data), opts)
		if got := results(t, rd, raws); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s (raws %v) differs from the table reader:\nnew %s\nref %s", opts.Format, raws,
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// csvSeeds are tables with the cases the CSV reader must read as the
// table reader does: quotes, CRLF, a BOM, bad rows of each kind, ids that
// come back after their conversation closed, rows without ids.
var csvSeeds = []string{
	"id,role,text,time\n1,customer,hi,2026-11-01 10:00:00\n1,客服,\"a,b\",x\n2,buyer,\" q \",2026-11-01 10:00:01\n1,agent,late,\n",
	"role,text,time,customer\ncustomer,a,2026-11-01 10:00:00,u\nagent,\"x\"\"y\",2026-11-01 09:00:00,u\n路人,z,2026-11-01 10:00:00,v\n",
	"会话ID,发送时间,发送方,客服昵称,买家,内容\nc1,2026-11-01 09:03:07,买家,,U1,\"你好\"\nc1,2026-11-01 09:01:07,客服,a-1,U1,\"在的\"\nc2,,客服,a,U2,x\nc1,2026-11-01 09:04:07,\xff,,U1,y\n",
	"id\trole\ttext\n1\tcustomer\ta\"b\n\tcustomer\tc\n1\tagent\t\"d\n",
	"\xef\xbb\xbfid,role,text,time\r\n1,customer,\"two\r\nlines\",2026-11-01 10:00:00\r\n1,agent,ok,2026-11-01 10:00:05\r\n",
	"id,role,text,time\n1,customer,\"open quote,2026-11-01 10:00:00\n2,agent,x,2026-11-01 10:00:00\n",
	"id,role,text,time\n1,customer,a\"b,2026-11-01 10:00:00\n1,agent,\"x\"y,2026-11-01 10:00:00\n\n\n2,agent,\"z\"\n",
	"id,role,text,time,sku,order,shop,kind\na,customer,hi,2026-11-01 10:00:00,s1,o1,shop,t\nb,customer,yo,2026-11-01 10:00:00,s2,,x,\na,agent,ok,2026-11-01 10:00:09,s1,o2,,auto\n" +
		"a,agent,again,2026-11-01 12:00:09,,,,\n",
	"customer,role,text,time\nu,customer,a,2026-11-01 10:00:00\nu,agent,b,2026-11-01 10:10:00\nu,customer,c,2026-11-01 12:00:00\n,customer,d,2026-11-01 12:00:00\nv,agent,e,\n",
	"id,role,text,time\n1,customer,a,1762000000\n1,agent,b,1762000060\n2,路人,c,1762000000\n",
	"id,role,text\n\xc4\xe3\xba\xc3,\xc2\xf2\xbc\xd2,\xc4\xe3\xba\xc3\n",
	"id,role,text,time\n1,customer,a,2026-11-01 10:00:00\n1,agent,b,2026-11-01 11:00:00\n1,agent,c,2026-11-01 09:00:00\n2,customer,d,2026-11-01 09:00:00\n2,agent,e,2026-11-01 08:00:00\n",
	"id,role,text,time\n\"1\",\" customer \",\"a\"\"\",\" 2026-11-01 10:00:00 \"\n 1 ,agent,b\n",
	"id,role,text\n1,customer,\"unterminated\n",
	"id,role,text,\"bad\"x\n",
	"",
	"id,role,text\n",
	"\"id\nx\",role,text\n1,customer,a\n",
	"id,role,text\n1,\"\"\"\",a\n1,,b\n2,\"cu\"\"stomer\",c\n2,customer,d\n3,,e\n",
	"id\trole\ttext\n1\t\"x\"\"\"\tx\n2\tx\"\"\ty\n",
}

func TestCSVRowsMatchTableReader(t *testing.T) {
	for _, s := range csvSeeds {
		for _, format := range []string{FormatCSV, FormatTSV} {
			for mode := uint8(0); mode < 16; mode++ {
				compareCSV(t, []byte(s), csvOptions(format, mode))
			}
		}
	}
}

// TestCSVRowsLong holds the CSV reader to the table reader on a long
// table whose conversations interleave and come back after closing
// (more than 1,024 rows, so idle conversations are closed as it goes),
// with and without ids.
func TestCSVRowsLong(t *testing.T) {
	for _, withID := range []bool{true, false} {
		var b bytes.Buffer
		if withID {
			b.WriteString("id,customer,role,text,time\n")
		} else {
			b.WriteString("customer,role,text,time\n")
		}
		for i := range 5000 {
			conv := i / 7
			if i%13 == 0 {
				conv = i / 100 // comes back later, maybe after closing
			}
			ts := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 20 * time.Second).Format("2006-01-02 15:04:05")
			if i%17 == 0 {
				ts = ""
			}
			role := []string{"买家", "客服", "bot", "路人"}[i%4*(i%5)/4%4]
			if withID {
				fmt.Fprintf(&b, "c%d,u%d,%s,\"第%d句, \"\"ok\"\"\",%s\n", conv, conv%50, role, i, ts)
			} else {
				fmt.Fprintf(&b, "u%d,%s,\"第%d句\",%s\n", conv%50, role, i, ts)
			}
		}
		for mode := uint8(0); mode < 4; mode++ {
			compareCSV(t, b.Bytes(), csvOptions(FormatCSV, mode))
		}
	}
}

// FuzzCSVRows holds the CSV reader, rows cut on the reading goroutine and
// parsed on the workers, to the table reader it replaces: the same
// conversations, bad records, raw rows and order, byte for byte, for CSV
// and TSV under the options mode picks.
func FuzzCSVRows(f *testing.F) {
	for i, s := range csvSeeds {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		compareCSV(t, data, csvOptions(FormatCSV, mode))
		compareCSV(t, data, csvOptions(FormatTSV, mode))
	})
}

// FuzzCSVCutter holds the cutter to encoding/csv: the same records, on
// the same lines, with the same fields, and the same errors.
func FuzzCSVCutter(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, tsv bool) {
		cr := csv.NewReader(bytes.NewReader(data))
		cut := csvCutter{br: bufio.NewReaderSize(bytes.NewReader(data), 16), comma: ','}
		if tsv {
			cr.Comma, cr.LazyQuotes, cut.comma, cut.lazy = '\t', true, '\t', true
		}
		cr.FieldsPerRecord = -1
		for i := 0; ; i++ {
			want, werr := cr.Read()
			line, err := cut.next()
			if fmt.Sprint(werr) != fmt.Sprint(err) {
				t.Fatalf("record %d: error %v, want %v", i, err, werr)
			}
			if errors.Is(werr, io.EOF) {
				return
			}
			if werr != nil {
				continue
			}
			if wl, _ := cr.FieldPos(0); wl != line {
				t.Fatalf("record %d: line %d, want %d", i, line, wl)
			}
			if got := cut.fields(); !reflect.DeepEqual(got, want) {
				t.Fatalf("record %d: fields %q, want %q", i, got, want)
			}
			if again := resplit(cut.rec, cut.comma, 0, nil); !reflect.DeepEqual(again, cut.spans) {
				t.Fatalf("record %d %q: resplit %v, next %v", i, cut.rec, again, cut.spans)
			}
		}
	})
}

// TestHourCache reads times hour after hour, in zones with and without
// offset changes (daylight saving, a half-hour shift, a zone that moved
// its offset), through the hour cache as the CSV reader does, and holds
// every one to parseDateTime, field for field.
func TestHourCache(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("X", 5*3600+1800)}
	for _, name := range []string{"Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Europe/London", "Pacific/Apia", "America/Sao_Paulo"} {
		if loc, err := time.LoadLocation(name); err == nil {
			zones = append(zones, loc)
		}
	}
	if len(zones) < 5 {
		t.Log("few zones in the zone database; testing those found")
	}
	for _, loc := range zones {
		for _, year := range []int{1986, 2011, 2026} {
			var h hourCache
			cached := 0
			for hour := range 366 * 24 {
				day := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(hour) * time.Hour)
				for _, ms := range []int{0, 59, 61, 1799, 3599, 1234, 3599, 0} {
					s := fmt.Sprintf("%s:%02d:%02d", day.Format("2006-01-02 15"), ms/60, ms%60)
					want, ok := parseDateTime(s, loc)
					if !ok {
						t.Fatalf("%s: parseDateTime refused it", s)
					}
					got, hit := h.in([]byte(s))
					if hit {
						cached++
						if got != want {
							t.Fatalf("%s in %s: cached %#v, want %#v", s, loc, got, want)
						}
						continue
					}
					h.set([]byte(s), want)
				}
			}
			if cached == 0 {
				t.Errorf("%s %d: the cache never answered", loc, year)
			}
		}
	}
	var h hourCache
	h.set([]byte("2026-11-01 10:00:00"), time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	for _, s := range []string{"2026-11-01 10:60:00", "2026-11-01 10:00:60", "2026-11-01 10:0a:00", "2026-11-01 10-00:00", "2026-11-01 10:00:0", "2026-11-01 11:00:00"} {
		if _, ok := h.in([]byte(s)); ok {
			t.Errorf("%s: cached, want refused", s)
		}
	}
}
