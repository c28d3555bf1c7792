package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// twcsReader reads the Customer Support on Twitter CSV and rebuilds threads
// from the reply links: a thread is a root tweet and everything that answers
// it, directly or not; inbound tweets are the customer's, the others the
// company's (the agent). Messages are in time order, as they were sent.
//
// Reply links can point forward and backward in the file, so this reader
// keeps a compact index of all tweets (not the whole file's bytes) before it
// emits the first thread; threads come out in order of their first tweet's
// position in the file.
type twcsReader struct {
	name    string
	threads []*conversation.Conversation
	errs    []error
	pos     int
	head    []byte // the header row, for the reject file
}

// RejectHeader is the input's header row, which a reject file starts with.
func (r *twcsReader) RejectHeader() []byte { return r.head }

type tweet struct {
	id, author, text, parent string
	inbound                  bool
	at                       time.Time
	line                     int
}

func newTWCSReader(name string, br *bufio.Reader, opts *Options) (*twcsReader, error) {
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &twcsReader{name: name}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s:1: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"tweet_id", "author_id", "inbound", "created_at", "text", "in_response_to_tweet_id"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s:1: header: no %s column", name, need)
		}
	}
	r := &twcsReader{name: name, head: csvLine(header, ',')}
	var tweets []*tweet
	byID := map[string]*tweet{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				r.errs = append(r.errs, &RecordError{File: name, Line: pe.Line, Msg: pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(f string) string {
			if i := col[f]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		raw := csvLine(rec, ',')
		bad := func(field, msg string) {
			r.errs = append(r.errs, &RecordError{File: name, Line: line, Field: field, Msg: msg, Raw: raw})
		}
		t := &tweet{id: get("tweet_id"), author: get("author_id"), text: get("text"), line: line}
		if t.id == "" {
			bad("tweet_id", "missing")
			continue
		}
		if !text.ValidUTF8(t.text) {
			bad("text", "invalid UTF-8")
			continue
		}
		switch strings.ToLower(get("inbound")) {
		case "true":
			t.inbound = true
		case "false":
		default:
			bad("inbound", fmt.Sprintf("want True or False, got %q", get("inbound")))
			continue
		}
		at, err := time.Parse(time.RubyDate, get("created_at"))
		if err != nil {
			if at, err = ParseTime(get("created_at"), "", opts.location()); err != nil {
				bad("created_at", err.Error())
				continue
			}
		}
		t.at = at
		t.parent = strings.TrimSuffix(get("in_response_to_tweet_id"), ".0")
		if _, dup := byID[t.id]; dup {
			bad("tweet_id", fmt.Sprintf("duplicate tweet %s", t.id))
			continue
		}
		byID[t.id] = t
		tweets = append(tweets, t)
	}
	// Find each tweet's root by following parent links present in the file.
	root := func(t *tweet) *tweet {
		for hops := 0; hops < 10000; hops++ {
			p, ok := byID[t.parent]
			if !ok || t.parent == "" {
				return t
			}
			t = p
		}
		return t
	}
	groups := map[*tweet][]*tweet{}
	var roots []*tweet
	for _, t := range tweets {
		rt := root(t)
		if _, seen := groups[rt]; !seen {
			roots = append(roots, rt)
		}
		groups[rt] = append(groups[rt], t)
	}
	sort.SliceStable(roots, func(a, b int) bool { return roots[a].line < roots[b].line })
	for _, rt := range roots {
		ts := groups[rt]
		sort.SliceStable(ts, func(a, b int) bool {
			if !ts[a].at.Equal(ts[b].at) {
				return ts[a].at.Before(ts[b].at)
			}
			return ts[a].line < ts[b].line
		})
		c := &conversation.Conversation{ID: "twcs-" + rt.id, Channel: "twitter", Source: name + ":" + strconv.Itoa(rt.line),
			Meta: map[string]string{"root_tweet": rt.id}}
		for _, t := range ts {
			m := conversation.Message{Text: t.text, At: t.at}
			if t.inbound {
				m.Role = conversation.RoleCustomer
				if c.Customer == "" {
					c.Customer = t.author
				}
			} else {
				m.Role = conversation.RoleAgent
				m.Agent = t.author
				if c.Shop == "" {
					c.Shop = t.author
				}
			}
			c.Messages = append(c.Messages, m)
		}
		c.TextValid = true // a tweet whose text is not valid UTF-8 is rejected above
		r.threads = append(r.threads, c)
	}
	return r, nil
}

func (r *twcsReader) Next() (*conversation.Conversation, error) {
	if len(r.errs) > 0 {
		e := r.errs[0]
		r.errs = r.errs[1:]
		return nil, e
	}
	if r.pos >= len(r.threads) {
		return nil, io.EOF
	}
	c := r.threads[r.pos]
	r.threads[r.pos] = nil
	r.pos++
	return c, nil
}
