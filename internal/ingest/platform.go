package ingest

import (
	"bufio"
	"fmt"
	"io"

	"fullqa/internal/conversation"
)

// The platform record formats (one file each): JD 咚咚 chat logs, Alibaba
// Cloud 智能对话分析 uploads, Taobao/千牛 chat history text and Zendesk
// chat exports.
const (
	FormatJDChat  = "jd-chatlog"
	FormatSCA     = "sca"
	FormatQianniu = "qianniu"
	FormatZendesk = "zendesk-chat"
	FormatXLSX    = "xlsx"
)

// maxPlatformFile bounds a platform export read whole: their records are
// grouped into conversations only at the end of the file.
const maxPlatformFile = 1 << 30

// listReader hands out conversations (or bad records) built in advance,
// in file order.
type listReader struct {
	out []result
}

func (l *listReader) Next() (*conversation.Conversation, error) {
	if len(l.out) == 0 {
		return nil, io.EOF
	}
	r := l.out[0]
	l.out = l.out[1:]
	if r.err != nil {
		return nil, r.err
	}
	return r.c, nil
}

// readExport reads a platform export whole, within maxPlatformFile.
func readExport(name string, br *bufio.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(br, maxPlatformFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxPlatformFile {
		return nil, fmt.Errorf("%s: a platform export over 1 GiB; split it into daily files", name)
	}
	return data, nil
}

// grouper collects messages per conversation key in order of first
// appearance; a bad record rejects its whole conversation, so message
// numbers stay true.
type grouper struct {
	name  string
	times orderCheck
	order []*group
	by    map[string]*group
	loose []result // bad records whose conversation is unknown, in place
}

type group struct {
	c     *conversation.Conversation
	err   *RecordError
	at    int // position among loose errors when it was opened
	first int
}

func newGrouper(name string, sortByTime bool) *grouper {
	return &grouper{name: name, by: map[string]*group{}, times: orderCheck{sort: sortByTime}}
}

// get returns the conversation for key, opening it on first use.
func (g *grouper) get(key string, line int) *group {
	gr := g.by[key]
	if gr == nil {
		gr = &group{c: &conversation.Conversation{ID: key, Source: fmt.Sprintf("%s:%d", g.name, line)}, at: len(g.loose), first: line}
		g.by[key] = gr
		g.order = append(g.order, gr)
	}
	return gr
}

// fail marks key's conversation bad (the first error is kept), or reports
// the error alone when the record names no conversation.
func (g *grouper) fail(key string, e *RecordError) {
	e.File = g.name
	if key == "" {
		g.loose = append(g.loose, result{err: e})
		return
	}
	gr := g.get(key, e.Line)
	if gr.err == nil {
		gr.err = e
	}
}

// reader returns the conversations in order of first appearance, a bad one
// as its first error.
func (g *grouper) reader() *listReader {
	l := &listReader{}
	li := 0
	for _, gr := range g.order {
		for ; li < gr.at && li < len(g.loose); li++ {
			l.out = append(l.out, g.loose[li])
		}
		if gr.err != nil {
			e := *gr.err
			e.Msg += fmt.Sprintf(" (conversation %q rejected whole to keep message numbers true)", gr.c.ID)
			l.out = append(l.out, result{err: &e})
			continue
		}
		if i, msg := g.times.apply(gr.c); i >= 0 {
			l.out = append(l.out, result{err: &RecordError{File: g.name, Line: gr.first, Field: fmt.Sprintf("messages[%d].time", i), Msg: msg}})
			continue
		}
		if len(gr.c.Messages) == 0 {
			l.out = append(l.out, result{err: &RecordError{File: g.name, Line: gr.first, Field: "messages", Msg: fmt.Sprintf("conversation %q has no messages", gr.c.ID)}})
			continue
		}
		l.out = append(l.out, result{c: gr.c})
	}
	l.out = append(l.out, g.loose[li:]...)
	return l
}
