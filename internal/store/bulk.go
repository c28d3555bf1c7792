package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// bulkRows is how many rows one multi-row INSERT carries. Batch ingestion
// writes thousands of rows a request; one statement per row spends more
// time in database/sql and the driver than in SQLite itself.
const bulkRows = 64

// bulkInsert runs "head VALUES (?,…),(?,…)… tail" over rows of cols
// values each, in statements of bulkRows rows, preparing each statement
// shape once per transaction (kept in stmts). It returns the last
// inserted rowid of each statement's chunk.
type bulkInsert struct {
	tx    *sql.Tx
	head  string
	tail  string
	cols  int
	stmts map[int]*sql.Stmt
}

func newBulk(tx *sql.Tx, head string, cols int, tail string) *bulkInsert {
	return &bulkInsert{tx: tx, head: head, tail: tail, cols: cols, stmts: map[int]*sql.Stmt{}}
}

func (b *bulkInsert) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// exec inserts the rows (len(args) a multiple of cols) and calls lastID,
// when not nil, with each chunk's first row index and last rowid.
func (b *bulkInsert) exec(ctx context.Context, args []any, lastID func(first int, id int64)) error {
	n := len(args) / b.cols
	for start := 0; start < n; start += bulkRows {
		k := min(bulkRows, n-start)
		st, ok := b.stmts[k]
		if !ok {
			var q strings.Builder
			q.WriteString(b.head)
			q.WriteString(" VALUES ")
			row := "(" + strings.Repeat("?, ", b.cols-1) + "?)"
			for i := 0; i < k; i++ {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(row)
			}
			q.WriteString(" ")
			q.WriteString(b.tail)
			var err error
			if st, err = b.tx.PrepareContext(ctx, q.String()); err != nil {
				return fmt.Errorf("store: prepare bulk insert: %w", err)
			}
			b.stmts[k] = st
		}
		res, err := st.ExecContext(ctx, args[start*b.cols:(start+k)*b.cols]...)
		if err != nil {
			return fmt.Errorf("store: bulk insert: %w", err)
		}
		if lastID != nil {
			id, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("store: bulk insert: %w", err)
			}
			lastID(start, id)
		}
	}
	return nil
}

// appendInts writes xs as a JSON array.
func appendInts(b []byte, xs []int) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}

// findingArgs appends one findings row's values.
func findingArgs(args []any, f *Finding) ([]any, error) {
	var data sql.NullString
	if len(f.Data) > 0 {
		b, err := json.Marshal(f.Data)
		if err != nil {
			return nil, fmt.Errorf("store: finding data: %w", err)
		}
		data = sql.NullString{String: string(b), Valid: true}
	}
	var first sql.NullInt64
	if len(f.Messages) > 0 {
		first = sql.NullInt64{Int64: int64(f.Messages[0]), Valid: true}
	}
	return append(args, f.ConversationID, f.Source, f.Code, f.Severity, first, string(appendInts(nil, f.Messages)), f.Evidence,
		f.Detail, data, f.Vendor, f.Shop, f.Agent, f.At.UnixMilli(), f.CreatedAt.UnixMilli()), nil
}

const findingInsert = `INSERT INTO findings (conversation_id, source, code, severity, message_n, messages, evidence, detail,
	data, vendor, shop, agent, at, created_at)`

// putBulk writes the conversations, keys, results and findings of puts
// (those with write set) with multi-row statements. exists[i] says the
// conversation was stored before: its keys and findings were deleted by
// the caller.
func (s *Store) putBulk(ctx context.Context, tx *sql.Tx, puts []Put, write []bool, now time.Time) error {
	convs := newBulk(tx, `INSERT INTO conversations (id, channel, shop, vendor, customer, started_at, last_at, n_messages, doc,
		content_hash, state, received_at, created_at, updated_at, inspected_hash, inspections)`, 16,
		`ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, shop = excluded.shop, vendor = excluded.vendor,
		customer = excluded.customer, started_at = excluded.started_at, last_at = excluded.last_at,
		n_messages = excluded.n_messages, doc = excluded.doc, content_hash = excluded.content_hash,
		state = excluded.state, received_at = excluded.received_at, updated_at = excluded.updated_at,
		inspected_hash = excluded.inspected_hash, inspections = conversations.inspections + 1`)
	defer convs.close()
	keys := newBulk(tx, `INSERT INTO conversation_keys (conversation_id, kind, value)`, 3, `ON CONFLICT DO NOTHING`)
	defer keys.close()
	results := newBulk(tx, `INSERT INTO results (conversation_id, content_hash, score, fatal, doc, inspected_at)`, 6,
		`ON CONFLICT (conversation_id) DO UPDATE SET content_hash = excluded.content_hash, score = excluded.score,
		fatal = excluded.fatal, doc = excluded.doc, inspected_at = excluded.inspected_at`)
	defer results.close()
	finds := newBulk(tx, findingInsert, 14, "")
	defer finds.close()
	var ca, ka, ra, fa []any
	var fptr []*Finding
	ms := now.UnixMilli()
	for i := range puts {
		if !write[i] {
			continue
		}
		p := &puts[i]
		c := p.Conv
		first, last := span(c)
		ca = append(ca, c.ID, c.Channel, c.Shop, c.Vendor, c.Customer, msArg(first), msArg(last), len(c.Messages), p.Doc,
			p.Hash, StateClosed, ms, ms, ms, p.Hash, 1)
		for _, o := range c.OrderIDs {
			ka = append(ka, c.ID, "order", o)
		}
		for _, k := range c.SKUs {
			ka = append(ka, c.ID, "sku", k)
		}
		ra = append(ra, c.ID, p.Hash, p.Result.Score, p.Result.Fatal, p.Result.Doc, ms)
		for k := range p.Findings {
			var err error
			if fa, err = findingArgs(fa, &p.Findings[k]); err != nil {
				return err
			}
			fptr = append(fptr, &p.Findings[k])
		}
	}
	if err := convs.exec(ctx, ca, nil); err != nil {
		return err
	}
	if err := keys.exec(ctx, ka, nil); err != nil {
		return err
	}
	if err := results.exec(ctx, ra, nil); err != nil {
		return err
	}
	// The rows of one INSERT get consecutive ids (one writer, AUTOINCREMENT).
	return finds.exec(ctx, fa, func(first int, id int64) {
		k := min(bulkRows, len(fptr)-first)
		for j := 0; j < k; j++ {
			fptr[first+j].ID = id - int64(k-1-j)
		}
	})
}

// msArg is ms as a driver value.
func msArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// resultsBulk upserts results and inserts findings with multi-row
// statements, for a batch of full inspections.
type resultsBulk struct {
	results, finds *bulkInsert
	ra, fa         []any
	fptr           []*Finding
}

func newResultsBulk(tx *sql.Tx) *resultsBulk {
	return &resultsBulk{
		results: newBulk(tx, `INSERT INTO results (conversation_id, content_hash, score, fatal, doc, inspected_at)`, 6,
			`ON CONFLICT (conversation_id) DO UPDATE SET content_hash = excluded.content_hash, score = excluded.score,
			fatal = excluded.fatal, doc = excluded.doc, inspected_at = excluded.inspected_at`),
		finds: newBulk(tx, findingInsert, 14, ""),
	}
}

// add queues one conversation's result and findings.
func (b *resultsBulk) add(id, hash string, r *Result, fs []Finding, now time.Time) error {
	b.ra = append(b.ra, id, hash, r.Score, r.Fatal, r.Doc, now.UnixMilli())
	for k := range fs {
		var err error
		if b.fa, err = findingArgs(b.fa, &fs[k]); err != nil {
			return err
		}
		b.fptr = append(b.fptr, &fs[k])
	}
	return nil
}

// flush writes what was queued and sets the findings' ids.
func (b *resultsBulk) flush(ctx context.Context) error {
	defer b.results.close()
	defer b.finds.close()
	if err := b.results.exec(ctx, b.ra, nil); err != nil {
		return err
	}
	// The rows of one INSERT get consecutive ids (one writer, AUTOINCREMENT).
	return b.finds.exec(ctx, b.fa, func(first int, id int64) {
		k := min(bulkRows, len(b.fptr)-first)
		for j := 0; j < k; j++ {
			b.fptr[first+j].ID = id - int64(k-1-j)
		}
	})
}
