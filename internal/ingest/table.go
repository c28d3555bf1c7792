package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// Columns maps the header names of a message-per-row CSV/TSV export to the
// canonical fields. Empty names are guessed from common header names in
// Chinese and English. Roles maps the export's role values (e.g. 买家, 客服,
// 0, 1) to canonical role names; it extends the built-in table.
type Columns struct {
	ID         string            `yaml:"id"`
	Role       string            `yaml:"role"`
	Text       string            `yaml:"text"`
	Time       string            `yaml:"time"`
	TimeLayout string            `yaml:"time_layout"`
	Agent      string            `yaml:"agent"`
	Customer   string            `yaml:"customer"`
	Shop       string            `yaml:"shop"`
	Vendor     string            `yaml:"vendor"`
	Channel    string            `yaml:"channel"`
	SKU        string            `yaml:"sku"`
	Order      string            `yaml:"order"`
	Kind       string            `yaml:"kind"`
	Roles      map[string]string `yaml:"roles"`
}

// headerGuesses lists, per canonical field, header names seen in exports of
// Chinese platforms and helpdesks, compared case-insensitively.
var headerGuesses = map[string][]string{
	"id":       {"id", "conversation_id", "conversation", "session_id", "session", "chat_id", "会话id", "会话编号", "会话", "对话id"},
	"role":     {"role", "sender", "sender_type", "from", "发送方", "角色", "发送者类型", "身份"},
	"text":     {"text", "content", "message", "msg", "内容", "消息", "消息内容", "聊天内容"},
	"time":     {"time", "timestamp", "created_at", "at", "datetime", "时间", "发送时间", "消息时间"},
	"agent":    {"agent", "agent_id", "agent_name", "staff", "客服", "客服账号", "客服昵称", "客服名称"},
	"customer": {"customer", "customer_id", "user", "user_id", "buyer", "buyer_id", "买家", "顾客", "客户", "用户", "买家昵称"},
	"shop":     {"shop", "shop_id", "store", "店铺"},
	"vendor":   {"vendor", "外包", "供应商"},
	"channel":  {"channel", "platform", "平台", "渠道"},
	"sku":      {"sku", "sku_id", "商品id", "商品"},
	"order":    {"order", "order_id", "订单", "订单号"},
	"kind":     {"kind", "msg_type", "消息类型"},
}

// defaultRoles maps role values found in exports to canonical roles.
var defaultRoles = map[string]conversation.Role{
	"customer": conversation.RoleCustomer, "user": conversation.RoleCustomer, "buyer": conversation.RoleCustomer,
	"inbound": conversation.RoleCustomer, "client": conversation.RoleCustomer, "0": conversation.RoleCustomer,
	"客户": conversation.RoleCustomer, "买家": conversation.RoleCustomer, "顾客": conversation.RoleCustomer, "用户": conversation.RoleCustomer,
	"agent": conversation.RoleAgent, "staff": conversation.RoleAgent, "seller": conversation.RoleAgent, "service": conversation.RoleAgent,
	"outbound": conversation.RoleAgent, "1": conversation.RoleAgent,
	"客服": conversation.RoleAgent, "卖家": conversation.RoleAgent, "商家": conversation.RoleAgent, "人工": conversation.RoleAgent,
	"bot": conversation.RoleBot, "robot": conversation.RoleBot, "auto": conversation.RoleBot,
	"机器人": conversation.RoleBot, "自动回复": conversation.RoleBot, "智能客服": conversation.RoleBot,
	"system": conversation.RoleSystem, "系统": conversation.RoleSystem, "系统消息": conversation.RoleSystem,
}

// tableReader reads a message-per-row table from a row source: an xlsx
// sheet (xlsx.go). Rows with a conversation id are grouped by it; without
// one, rows are grouped by customer and cut into conversations by the
// silence gap (see sessionize.go). CSV and TSV files are read by csvReader
// (csvrows.go), which parses their rows on the scan's workers; this reader
// read them until then, through encoding/csv (newTableReader, now in the
// tests), and is the reference FuzzCSVRows holds csvReader to. Its column
// and role mapping (tableFromHeader) is csvReader's too.
type tableReader struct {
	name  string
	br    *bufio.Reader // what cr reads, to tell whether a row is buffered; nil for xlsx
	cr    rowSource
	comma rune // joins a row's fields for the reject file
	opts  *Options
	col   map[string]int // canonical field → column index
	// ix is col as fields, -1 for a column the table lacks: a row reads
	// a dozen fields, and a map look-up each cost more than the rest of
	// field's work.
	ix    columnIndex
	roles map[string]conversation.Role
	// memo holds roleOf's last few answers; next is the slot to fill.
	memo [4]roleMemo
	next int
	head []byte // the header row, CSV-encoded, for the reject file
	sess *sessionizer
	eof  bool
}

// columnIndex is the column of each canonical field, -1 when absent.
type columnIndex struct {
	id, role, text, time, agent, customer, shop, vendor, channel, sku, order, kind int
}

// roleMemo is one remembered role value and what it maps to.
type roleMemo struct {
	val     string
	role    conversation.Role
	ok, set bool
}

// roleOf is roles[strings.ToLower(v)], remembered for the last few
// values: a table has two or three role values, and lower-casing a
// Chinese one goes a rune at a time through unicode's tables.
func (r *tableReader) roleOf(v string) (conversation.Role, bool) {
	for i := range r.memo {
		if m := &r.memo[i]; m.set && m.val == v {
			return m.role, m.ok
		}
	}
	role, ok := r.roles[strings.ToLower(v)]
	r.memo[r.next] = roleMemo{val: v, role: role, ok: ok, set: true}
	r.next = (r.next + 1) % len(r.memo)
	return role, ok
}

// indexOf is col as a columnIndex.
func indexOf(col map[string]int) columnIndex {
	at := func(field string) int {
		if i, ok := col[field]; ok {
			return i
		}
		return -1
	}
	return columnIndex{id: at("id"), role: at("role"), text: at("text"), time: at("time"), agent: at("agent"),
		customer: at("customer"), shop: at("shop"), vendor: at("vendor"), channel: at("channel"), sku: at("sku"),
		order: at("order"), kind: at("kind")}
}

// rowSource yields the rows of a table with the line (or sheet row) each
// starts on: a csv.Reader, or an xlsx sheet (xlsx.go).
type rowSource interface {
	Read() ([]string, error)
	FieldPos(field int) (line, column int)
}

// newTableReaderFrom reads a table whose first row is the header.
// br is the buffer cr reads from (nil when rows come from a sheet).
func newTableReaderFrom(name string, br *bufio.Reader, cr rowSource, comma rune, opts *Options) (*tableReader, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &tableReader{name: name, br: br, cr: cr, comma: comma, opts: opts, eof: true, sess: newSessionizer(name, opts.gap(), false, opts.SortByTime)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s:1: header: %w", name, err)
	}
	r, err := tableFromHeader(name, append([]string(nil), header...), comma, opts)
	if err != nil {
		return nil, err
	}
	r.br, r.cr = br, cr
	return r, nil
}

// tableFromHeader maps a table's header row to the canonical fields and
// sets up the role table and the sessionizer: all of a tableReader but
// its row source.
func tableFromHeader(name string, header []string, comma rune, opts *Options) (*tableReader, error) {
	r := &tableReader{name: name, comma: comma, opts: opts, col: map[string]int{}, roles: map[string]conversation.Role{},
		head: csvLine(header, comma)}
	for k, v := range defaultRoles {
		r.roles[k] = v
	}
	for k, v := range opts.Columns.Roles {
		role, ok := conversation.ParseRole(v)
		if !ok {
			return nil, fmt.Errorf("%s: role mapping %q=%q: unknown role (want customer, agent, bot or system)", name, k, v)
		}
		r.roles[strings.ToLower(strings.TrimSpace(k))] = role
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := idx[h]; !dup {
			idx[h] = i
		}
	}
	// The fields in a fixed order, so that a header lacking several
	// configured columns is refused naming the same one every run.
	want := [...]struct{ field, name string }{
		{"id", opts.Columns.ID}, {"role", opts.Columns.Role}, {"text", opts.Columns.Text}, {"time", opts.Columns.Time},
		{"agent", opts.Columns.Agent}, {"customer", opts.Columns.Customer}, {"shop", opts.Columns.Shop},
		{"vendor", opts.Columns.Vendor}, {"channel", opts.Columns.Channel}, {"sku", opts.Columns.SKU},
		{"order", opts.Columns.Order}, {"kind", opts.Columns.Kind},
	}
	for _, w := range want {
		field, name := w.field, w.name
		if name != "" {
			i, ok := idx[strings.ToLower(name)]
			if !ok {
				return nil, fmt.Errorf("%s:1: header: no column %q for %s (columns: %s)", r.name, name, field, strings.Join(header, ", "))
			}
			r.col[field] = i
			continue
		}
		for _, g := range headerGuesses[field] {
			if i, ok := idx[g]; ok {
				r.col[field] = i
				break
			}
		}
	}
	for _, need := range []string{"role", "text"} {
		if _, ok := r.col[need]; !ok {
			return nil, fmt.Errorf("%s:1: header: no %s column found; name it with --columns %s=HEADER (columns: %s)", r.name, need, need, strings.Join(header, ", "))
		}
	}
	_, hasID := r.col["id"]
	_, hasTime := r.col["time"]
	if !hasID && !hasTime {
		return nil, fmt.Errorf("%s:1: header: no conversation id column and no time column to cut sessions by; name one with --columns id=HEADER or time=HEADER", r.name)
	}
	r.sess = newSessionizer(name, opts.gap(), hasID, opts.SortByTime)
	r.sess.comma = comma
	r.ix = indexOf(r.col)
	return r, nil
}

// field is the row's value in column i (a columnIndex field), trimmed;
// "" when the table lacks the column or the row is short.
func field(rec []string, i int) string {
	if i >= 0 && i < len(rec) {
		return text.TrimSpace(rec[i])
	}
	return ""
}

// asciiSpace reports whether c is one of the ASCII bytes unicode.IsSpace
// calls white space.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// RejectHeader is the input's header row, which a reject file starts with
// so that it can be fixed and fed again; nil for an empty input.
func (r *tableReader) RejectHeader() []byte { return r.head }

// csvLine encodes one record as a CSV (or TSV) line without its line
// end, quoting fields as needed, so a rejected row reads back as it was.
func csvLine(rec []string, comma rune) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	w.Write(rec)
	w.Flush()
	return bytes.TrimRight(b.Bytes(), "\r\n")
}

// Ready reports whether Next can return without waiting for input.
func (r *tableReader) Ready() bool {
	if len(r.sess.out) > 0 || r.eof || r.br == nil {
		return true
	}
	n := r.br.Buffered()
	b, _ := r.br.Peek(n)
	return bytes.IndexByte(b, '\n') >= 0
}

func (r *tableReader) Next() (*conversation.Conversation, error) {
	for {
		if c, err, ok := r.sess.pop(); ok {
			return c, err
		}
		if r.eof {
			return nil, io.EOF
		}
		rec, err := r.cr.Read()
		if errors.Is(err, io.EOF) {
			r.eof = true
			r.sess.flushAll()
			continue
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				r.sess.reject(&RecordError{File: r.name, Line: pe.Line, Msg: pe.Err.Error()})
				continue
			}
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		line, _ := r.cr.FieldPos(0)
		r.row(rec, line)
	}
}

// row converts one table row into a message and hands it to the
// sessionizer: an xlsx row in the product (CSV rows go through csvReader,
// csvrows.go), and any row in the tests that hold csvReader to this.
func (r *tableReader) row(rec []string, line int) {
	// The conversation the row belongs to, so that a bad row rejects its
	// whole conversation rather than renumbering it.
	ix := &r.ix
	hasID := ix.id >= 0
	key := field(rec, ix.customer)
	if hasID {
		key = field(rec, ix.id)
	}
	if !text.ValidUTF8(key) {
		key = ""
	}
	// The row goes to the sessionizer as fields: encoded for the reject
	// file only when it is rejected (here, or with its conversation).
	bad := func(field, msg string) {
		r.sess.rejectIn(key, &RecordError{File: r.name, Line: line, Field: field, Msg: msg, Raw: csvLine(rec, r.comma)})
	}
	for _, f := range rec {
		if !text.ValidUTF8(f) {
			bad("", "invalid UTF-8 (use --encoding gb18030 if the file is GBK)")
			return
		}
	}
	roleVal := field(rec, ix.role)
	role, ok := r.roleOf(roleVal)
	if !ok {
		bad("role", fmt.Sprintf("unknown role %q (map it with --roles %s=customer|agent|bot|system)", roleVal, roleVal))
		return
	}
	m := conversation.Message{Role: role, Text: field(rec, ix.text), Agent: field(rec, ix.agent), Kind: field(rec, ix.kind)}
	if role != conversation.RoleAgent {
		m.Agent = ""
	}
	if ts := field(rec, ix.time); ts != "" {
		t, err := ParseTime(ts, r.opts.Columns.TimeLayout, r.opts.location())
		if err != nil {
			bad("time", err.Error())
			return
		}
		m.At = t
	} else if !hasID {
		bad("time", "missing (needed to cut sessions when there is no conversation id)")
		return
	}
	if hasID && key == "" {
		bad("id", "missing")
		return
	}
	customer := field(rec, ix.customer)
	r.sess.add(key, line, nil, rec, m, func(c *conversation.Conversation) {
		c.Source = sourceOf(r.name, line)
		c.Customer = customer
		c.Shop = field(rec, ix.shop)
		c.Vendor = field(rec, ix.vendor)
		c.Channel = field(rec, ix.channel)
		// Every row added passed the check of all its fields above, and
		// a bad row rejects its conversation: the texts are valid UTF-8.
		c.TextValid = true
	}, customer, field(rec, ix.sku), field(rec, ix.order))
}
