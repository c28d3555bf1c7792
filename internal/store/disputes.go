package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Dispute states. A QA user's ruling (accepted or rejected) is final.
const (
	DisputeOpen     = "open"
	DisputeAccepted = "accepted"
	DisputeRejected = "rejected"
)

// ErrConflict is returned for an action the current state forbids: a
// second open dispute of one finding, a ruling on a closed dispute.
var ErrConflict = errors.New("conflict")

// Dispute is a vendor user's objection to a finding and its ruling.
type Dispute struct {
	ID             int64
	ConversationID string
	FindingID      int64
	Code           string
	Messages       []int
	Evidence       string
	Vendor         string
	FiledBy        string
	Comment        string
	FiledAt        time.Time
	State          string
	RuledBy        string
	Ruling         string
	RuledAt        time.Time
	// ScoreBefore and ScoreAfter are the conversation's score around an
	// accepted ruling; nil otherwise.
	ScoreBefore, ScoreAfter *int
}

// FileDispute opens a dispute of a finding visible in scope (another
// vendor's finding is ErrNotFound). The comment is required; a finding
// has at most one dispute open, and a ruled one cannot be disputed again.
func (s *Store) FileDispute(ctx context.Context, scope string, findingID int64, user, comment string, now time.Time) (*Dispute, error) {
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return nil, errors.New("a dispute needs a comment saying why the finding is wrong")
	}
	fs, err := s.ListFindings(ctx, FindingFilter{Scope: scope, ID: findingID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, fmt.Errorf("finding %d: %w", findingID, ErrNotFound)
	}
	f := fs[0]
	d := &Dispute{ConversationID: f.ConversationID, FindingID: f.ID, Code: f.Code, Messages: f.Messages, Evidence: f.Evidence,
		Vendor: f.Vendor, FiledBy: user, Comment: comment, FiledAt: now, State: DisputeOpen}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM disputes WHERE finding_id = ?`), f.ID).Scan(&n); err != nil {
			return fmt.Errorf("store: file dispute: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("finding %d is already disputed: %w", f.ID, ErrConflict)
		}
		msgs, _ := json.Marshal(f.Messages)
		if err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO disputes (conversation_id, finding_id, code, messages, evidence, vendor, filed_by,
			comment, filed_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), d.ConversationID, d.FindingID, d.Code, string(msgs),
			d.Evidence, d.Vendor, user, comment, now.UnixMilli(), DisputeOpen).Scan(&d.ID); err != nil {
			return fmt.Errorf("store: file dispute: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: user, Action: "dispute.file", Object: d.ConversationID,
			Detail: fmt.Sprintf("dispute %d of finding %d (%s): %s", d.ID, f.ID, f.Code, comment)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DisputeFilter selects disputes; empty fields do not filter.
type DisputeFilter struct {
	Scope          string
	State          string
	ConversationID string
	ID             int64
}

// ListDisputes returns disputes, oldest first.
func (s *Store) ListDisputes(ctx context.Context, f DisputeFilter) ([]Dispute, error) {
	q := `SELECT id, conversation_id, finding_id, code, messages, evidence, vendor, filed_by, comment, filed_at, state,
		ruled_by, ruling, ruled_at, score_before, score_after FROM disputes WHERE 1 = 1`
	var args []any
	for _, p := range []struct {
		cond string
		v    any
		set  bool
	}{{"vendor = ?", f.Scope, f.Scope != ""}, {"state = ?", f.State, f.State != ""},
		{"conversation_id = ?", f.ConversationID, f.ConversationID != ""}, {"id = ?", f.ID, f.ID != 0}} {
		if p.set {
			q += " AND " + p.cond
			args = append(args, p.v)
		}
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(q+" ORDER BY id"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list disputes: %w", err)
	}
	defer rows.Close()
	var out []Dispute
	for rows.Next() {
		var d Dispute
		var msgs string
		var filed int64
		var ruled, before, after sql.NullInt64
		if err := rows.Scan(&d.ID, &d.ConversationID, &d.FindingID, &d.Code, &msgs, &d.Evidence, &d.Vendor, &d.FiledBy, &d.Comment,
			&filed, &d.State, &d.RuledBy, &d.Ruling, &ruled, &before, &after); err != nil {
			return nil, fmt.Errorf("store: list disputes: %w", err)
		}
		if err := json.Unmarshal([]byte(msgs), &d.Messages); err != nil {
			return nil, fmt.Errorf("store: dispute %d messages: %w", d.ID, err)
		}
		d.FiledAt, d.RuledAt = time.UnixMilli(filed).UTC(), fromMS(ruled)
		if before.Valid {
			b, a := int(before.Int64), int(after.Int64)
			d.ScoreBefore, d.ScoreAfter = &b, &a
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Rescored is a conversation's result after an accepted dispute took a
// finding out of it.
type Rescored struct {
	Score int
	Fatal bool
	Doc   []byte
}

// Rescore recomputes a stored result without the disputed finding. The
// store knows no scorecard, so the caller supplies it; it runs inside the
// ruling's transaction, on the result as stored then.
type Rescore func(doc []byte, d *Dispute) (Rescored, error)

// RuleDispute records a QA user's final ruling. Accepting it rewrites the
// conversation's stored result through rescore (score, fatal and the scan
// output without the finding), in the same transaction, so the report and
// the KPIs over the store no longer count the finding.
func (s *Store) RuleDispute(ctx context.Context, id int64, ruler string, accept bool, ruling string, now time.Time, rescore Rescore) (*Dispute, error) {
	ds, err := s.ListDisputes(ctx, DisputeFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("dispute %d: %w", id, ErrNotFound)
	}
	d := ds[0]
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var state string
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT state FROM disputes WHERE id = ?`), id).Scan(&state); err != nil {
			return errNoRows(err, fmt.Sprintf("dispute %d", id))
		}
		if state != DisputeOpen {
			return fmt.Errorf("dispute %d is already %s: %w", id, state, ErrConflict)
		}
		d.State, d.RuledBy, d.Ruling, d.RuledAt = DisputeRejected, ruler, strings.TrimSpace(ruling), now
		var before, after sql.NullInt64
		if accept {
			d.State = DisputeAccepted
			var score int
			var doc string
			err := tx.QueryRowContext(ctx, s.d.q(`SELECT score, doc FROM results WHERE conversation_id = ?`), d.ConversationID).Scan(&score, &doc)
			if err != nil {
				return errNoRows(err, "result "+d.ConversationID)
			}
			r, err := rescore([]byte(doc), &d)
			if err != nil {
				return fmt.Errorf("rescore %s: %w", d.ConversationID, err)
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE results SET score = ?, fatal = ?, doc = ? WHERE conversation_id = ?`),
				r.Score, r.Fatal, string(r.Doc), d.ConversationID); err != nil {
				return fmt.Errorf("store: rule dispute: %w", err)
			}
			before, after = sql.NullInt64{Int64: int64(score), Valid: true}, sql.NullInt64{Int64: int64(r.Score), Valid: true}
			b, a := score, r.Score
			d.ScoreBefore, d.ScoreAfter = &b, &a
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE disputes SET state = ?, ruled_by = ?, ruling = ?, ruled_at = ?, score_before = ?,
			score_after = ? WHERE id = ?`), d.State, ruler, d.Ruling, now.UnixMilli(), before, after, id); err != nil {
			return fmt.Errorf("store: rule dispute: %w", err)
		}
		detail := fmt.Sprintf("dispute %d of finding %d (%s) %s", id, d.FindingID, d.Code, d.State)
		if accept {
			detail += fmt.Sprintf(": score %d → %d", before.Int64, after.Int64)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: ruler, Action: "dispute.rule", Object: d.ConversationID, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}
