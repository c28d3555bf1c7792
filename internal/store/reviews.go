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

// Reviewer verdicts on a finding; VerdictMissed is a finding the reviewer
// adds because the detectors missed it.
const (
	VerdictCorrect = "correct"
	VerdictWrong   = "wrong"
	VerdictUnsure  = "unsure"
	VerdictMissed  = "missed"
)

// ValidVerdict reports whether v is a verdict a reviewer can give a
// detector's finding.
func ValidVerdict(v string) bool {
	return v == VerdictCorrect || v == VerdictWrong || v == VerdictUnsure
}

// Verdict is one reviewer's judgement of one finding, or a finding the
// reviewer added (Verdict "missed", FindingID 0). Code, Messages and
// Evidence are copied from the finding, so the verdict still counts after
// a re-inspection replaced the finding's row.
type Verdict struct {
	ID             int64
	ConversationID string
	FindingID      int64
	Code           string
	Messages       []int
	Evidence       string
	Reviewer       string
	Verdict        string
	Comment        string
	At             time.Time
}

// PutVerdicts stores a reviewer's verdicts on one conversation in one
// transaction (a verdict on a finding the reviewer judged before replaces
// the earlier one), marks the reviewer's assignment of it done, and
// audits it.
func (s *Store) PutVerdicts(ctx context.Context, convID, reviewer string, vs []Verdict, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var counts []string
		for _, v := range vs {
			if v.Verdict != VerdictMissed && (!ValidVerdict(v.Verdict) || v.FindingID <= 0) {
				return fmt.Errorf("verdict %q on finding %d: want correct, wrong or unsure on a finding", v.Verdict, v.FindingID)
			}
			msgs, _ := json.Marshal(v.Messages)
			if v.Messages == nil {
				msgs = []byte("[]")
			}
			q := `INSERT INTO verdicts (conversation_id, finding_id, code, messages, evidence, reviewer, verdict, comment, at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
			if v.Verdict != VerdictMissed {
				q += ` ON CONFLICT (finding_id, reviewer) WHERE finding_id > 0 DO UPDATE SET verdict = excluded.verdict,
					comment = excluded.comment, at = excluded.at`
			} else {
				v.FindingID = 0
			}
			if _, err := tx.ExecContext(ctx, s.d.q(q), convID, v.FindingID, v.Code, string(msgs), v.Evidence, reviewer,
				v.Verdict, v.Comment, now.UnixMilli()); err != nil {
				return fmt.Errorf("store: put verdict: %w", err)
			}
			counts = append(counts, fmt.Sprintf("%d:%s", v.FindingID, v.Verdict))
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE assignments SET done_at = ? WHERE conversation_id = ? AND reviewer = ? AND done_at IS NULL`),
			now.UnixMilli(), convID, reviewer); err != nil {
			return fmt.Errorf("store: put verdict: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: reviewer, Action: "review.verdicts", Object: convID, Detail: strings.Join(counts, " ")})
	})
}

// VerdictFilter selects verdicts; empty fields do not filter.
type VerdictFilter struct {
	ConversationID string
	Reviewer       string
}

// ListVerdicts returns verdicts in the order they were first given.
func (s *Store) ListVerdicts(ctx context.Context, f VerdictFilter) ([]Verdict, error) {
	q := `SELECT id, conversation_id, finding_id, code, messages, evidence, reviewer, verdict, comment, at FROM verdicts WHERE 1 = 1`
	var args []any
	if f.ConversationID != "" {
		q += " AND conversation_id = ?"
		args = append(args, f.ConversationID)
	}
	if f.Reviewer != "" {
		q += " AND reviewer = ?"
		args = append(args, f.Reviewer)
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(q+" ORDER BY id"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list verdicts: %w", err)
	}
	defer rows.Close()
	var out []Verdict
	for rows.Next() {
		var v Verdict
		var msgs string
		var at int64
		if err := rows.Scan(&v.ID, &v.ConversationID, &v.FindingID, &v.Code, &msgs, &v.Evidence, &v.Reviewer, &v.Verdict, &v.Comment, &at); err != nil {
			return nil, fmt.Errorf("store: list verdicts: %w", err)
		}
		if err := json.Unmarshal([]byte(msgs), &v.Messages); err != nil {
			return nil, fmt.Errorf("store: verdict %d messages: %w", v.ID, err)
		}
		v.At = time.UnixMilli(at).UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// Assignment is one conversation in one reviewer's queue.
type Assignment struct {
	ConversationID string
	Reviewer       string
	Reason         string // "risk" or "random", as fullqa sample says
	Rank           int
	Batch          string // the queue it was built in
	AssignedBy     string
	AssignedAt     time.Time
	DoneAt         time.Time // zero while open
}

// Assign puts conversations in reviewers' queues; a conversation already
// in a reviewer's queue keeps its first assignment.
func (s *Store) Assign(ctx context.Context, as []Assignment, now time.Time) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		by := ""
		for _, a := range as {
			res, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO assignments (conversation_id, reviewer, reason, rank, batch, assigned_by, assigned_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), a.ConversationID, a.Reviewer, a.Reason, a.Rank, a.Batch, a.AssignedBy, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("store: assign: %w", err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
			by = a.AssignedBy
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: by, Action: "review.assign", Object: fmt.Sprintf("%d assignments", n)})
	})
	return n, err
}

// ListAssignments returns a reviewer's queue ("" for everyone's), open
// ones first by rank.
func (s *Store) ListAssignments(ctx context.Context, reviewer string) ([]Assignment, error) {
	q := `SELECT conversation_id, reviewer, reason, rank, batch, assigned_by, assigned_at, done_at FROM assignments`
	var args []any
	if reviewer != "" {
		q += " WHERE reviewer = ?"
		args = append(args, reviewer)
	}
	q += " ORDER BY done_at IS NOT NULL, batch DESC, rank, reviewer"
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list assignments: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		var a Assignment
		var at int64
		var done sql.NullInt64
		if err := rows.Scan(&a.ConversationID, &a.Reviewer, &a.Reason, &a.Rank, &a.Batch, &a.AssignedBy, &at, &done); err != nil {
			return nil, fmt.Errorf("store: list assignments: %w", err)
		}
		a.AssignedAt, a.DoneAt = time.UnixMilli(at).UTC(), fromMS(done)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReviewState is what the review workflow says of one finding.
type ReviewState struct {
	Correct, Wrong, Unsure int
	Dispute                string // the latest dispute's state, "" when none
	DisputeID              int64
}

// ReviewStates returns the review state of findings by id (findings
// without any are left out).
func (s *Store) ReviewStates(ctx context.Context, ids []int64) (map[int64]ReviewState, error) {
	out := map[int64]ReviewState{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "(?" + strings.Repeat(",?", len(ids)-1) + ")"
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT finding_id, verdict, COUNT(*) FROM verdicts WHERE finding_id IN `+in+` GROUP BY finding_id, verdict`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: review states: %w", err)
	}
	for rows.Next() {
		var id int64
		var v string
		var n int
		if err := rows.Scan(&id, &v, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: review states: %w", err)
		}
		st := out[id]
		switch v {
		case VerdictCorrect:
			st.Correct = n
		case VerdictWrong:
			st.Wrong = n
		case VerdictUnsure:
			st.Unsure = n
		}
		out[id] = st
	}
	rows.Close()
	rows, err = s.r.QueryContext(ctx, s.d.q(`SELECT finding_id, id, state FROM disputes WHERE finding_id IN `+in+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: review states: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fid, did int64
		var state string
		if err := rows.Scan(&fid, &did, &state); err != nil {
			return nil, fmt.Errorf("store: review states: %w", err)
		}
		st := out[fid]
		st.Dispute, st.DisputeID = state, did
		out[fid] = st
	}
	return out, rows.Err()
}

// errNoRows maps sql.ErrNoRows to ErrNotFound with context.
func errNoRows(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// ErrBadFilter is returned for a filter value the store does not know.
var ErrBadFilter = errors.New("unknown filter value")

// ReviewFilters lists the review states findings can be filtered on.
func ReviewFilters() []string {
	return []string{"unreviewed", "confirmed", "wrong", "unsure", "disputed", "overturned", "upheld"}
}

// reviewClause is the SQL condition on findings of a review state:
// unreviewed (no verdict), confirmed / wrong / unsure (some reviewer said
// so), disputed (a dispute open), overturned (a dispute accepted) and
// upheld (a dispute rejected).
func reviewClause(state string) (string, bool) {
	switch state {
	case "unreviewed":
		return "NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.finding_id = findings.id)", true
	case "confirmed", "wrong", "unsure":
		v := map[string]string{"confirmed": VerdictCorrect, "wrong": VerdictWrong, "unsure": VerdictUnsure}[state]
		return "EXISTS (SELECT 1 FROM verdicts v WHERE v.finding_id = findings.id AND v.verdict = '" + v + "')", true
	case "disputed", "overturned", "upheld":
		d := map[string]string{"disputed": DisputeOpen, "overturned": DisputeAccepted, "upheld": DisputeRejected}[state]
		return "EXISTS (SELECT 1 FROM disputes d WHERE d.finding_id = findings.id AND d.state = '" + d + "')", true
	}
	return "", false
}
