package ingest

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestOpenDoesNotWaitForAFullHead feeds each line-based format through a
// pipe that sends one record and then stays open, as `tail -f` does:
// (JSON Lines and JDDC; a CSV's rows of one conversation may come
// anywhere, so it holds conversations until their gap or the end.)
// Open must not wait for 64 KiB of input to detect the format, Next must
// return the record, and Ready must say the next one is not buffered yet.
func TestOpenDoesNotWaitForAFullHead(t *testing.T) {
	for _, tc := range []struct{ name, first string }{
		{"<stdin>", `{"id":"a","messages":[{"role":"customer","text":"在吗"}]}` + "\n"},
		{"<stdin>", "s1\tu1\t0\t0\t0\tnan\t在吗\ns2\tu2\t0\t0\t0\tnan\t你好\n"},
	} {
		pr, pw := io.Pipe()
		go pw.Write([]byte(tc.first)) // and never close
		got := make(chan string, 1)
		var rd Reader
		go func() {
			var err error
			rd, err = Open(tc.name, pr, Options{})
			if err != nil {
				got <- "open: " + err.Error()
				return
			}
			c, err := rd.Next()
			if err != nil {
				got <- "next: " + err.Error()
				return
			}
			got <- c.ID
		}()
		select {
		case id := <-got:
			if strings.Contains(id, ":") {
				t.Errorf("%q: %s", tc.first, id)
				continue
			}
			if r, ok := rd.(interface{ Ready() bool }); !ok || r.Ready() {
				t.Errorf("%q: Ready must report that the next record is not buffered", tc.first)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%q: the first record did not come through a pipe that stays open", tc.first)
		}
		pw.Close()
	}
}
