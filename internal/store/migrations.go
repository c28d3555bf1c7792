package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migration is one step of the schema. The list is append-only: a step is
// never edited or removed once released, because databases in the field
// have applied it; a change is a new step at the end. Open checks that the
// steps a database has applied are this list's first steps, by name, so a
// binary never runs against a schema it does not know.
type migration struct {
	name string
	sql  []string
}

// migrations is the schema's history. Times are BIGINT Unix milliseconds
// (portable); documents (the conversation in canonical JSON, the scan
// output) are TEXT.
var migrations = []migration{
	{name: "0001 conversations", sql: []string{
		// state is "open" while messages stream in and "closed" once the
		// conversation is complete (posted whole, closed by an event or
		// idle for serve.close_after). content_hash identifies the content;
		// inspected_hash is the content the stored result is of, and
		// inspections counts full inspections, so "inspected exactly once
		// per final content" can be checked.
		`CREATE TABLE conversations (
			id TEXT PRIMARY KEY,
			channel TEXT NOT NULL DEFAULT '',
			shop TEXT NOT NULL DEFAULT '',
			vendor TEXT NOT NULL DEFAULT '',
			customer TEXT NOT NULL DEFAULT '',
			started_at BIGINT,
			last_at BIGINT,
			n_messages INTEGER NOT NULL,
			doc TEXT NOT NULL,
			content_hash TEXT NOT NULL,
			state TEXT NOT NULL,
			received_at BIGINT NOT NULL,
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL,
			inspected_hash TEXT NOT NULL DEFAULT '',
			inspections INTEGER NOT NULL DEFAULT 0)`,
		`CREATE INDEX conversations_customer ON conversations (customer, started_at)`,
		`CREATE INDEX conversations_vendor ON conversations (vendor, started_at)`,
		`CREATE INDEX conversations_shop ON conversations (shop, started_at)`,
		`CREATE INDEX conversations_started ON conversations (started_at)`,
		`CREATE INDEX conversations_state ON conversations (state, received_at)`,
		// Order ids and SKUs, one row each, for lookups across
		// conversations (repeat contacts, promise follow-up).
		`CREATE TABLE conversation_keys (
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			kind TEXT NOT NULL,
			value TEXT NOT NULL,
			PRIMARY KEY (conversation_id, kind, value))`,
		`CREATE INDEX conversation_keys_value ON conversation_keys (kind, value)`,
	}},
	{name: "0002 messages", sql: []string{
		// Streamed messages by their producer's id, for idempotence: the
		// text itself is in the conversation's document at position n.
		`CREATE TABLE messages (
			message_id TEXT PRIMARY KEY,
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			n INTEGER NOT NULL,
			received_at BIGINT NOT NULL)`,
		`CREATE INDEX messages_conversation ON messages (conversation_id, n)`,
	}},
	{name: "0003 results and findings", sql: []string{
		`CREATE TABLE results (
			conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
			content_hash TEXT NOT NULL,
			score INTEGER NOT NULL,
			fatal INTEGER NOT NULL,
			doc TEXT NOT NULL,
			inspected_at BIGINT NOT NULL)`,
		// source is "message" for a per-message check run as the message
		// arrived, "inspection" for the full inspection (which replaces
		// the conversation's findings). at is the time of the finding's
		// first message, else of the conversation's start, else when it
		// was found.
		`CREATE TABLE findings (
			id {{ID}},
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			source TEXT NOT NULL,
			code TEXT NOT NULL,
			severity TEXT NOT NULL,
			message_n INTEGER,
			messages TEXT NOT NULL,
			evidence TEXT NOT NULL,
			detail TEXT NOT NULL,
			data TEXT,
			vendor TEXT NOT NULL,
			shop TEXT NOT NULL,
			agent TEXT NOT NULL,
			at BIGINT NOT NULL,
			created_at BIGINT NOT NULL)`,
		`CREATE INDEX findings_conversation ON findings (conversation_id)`,
		`CREATE INDEX findings_code ON findings (code, id)`,
		`CREATE INDEX findings_vendor ON findings (vendor, id)`,
		`CREATE INDEX findings_at ON findings (at)`,
	}},
	{name: "0004 users and tokens", sql: []string{
		// A later migration may add a password hash column for the
		// dashboard's sessions; API access is by token.
		`CREATE TABLE users (
			id {{ID}},
			name TEXT NOT NULL UNIQUE,
			role TEXT NOT NULL,
			vendor TEXT NOT NULL DEFAULT '',
			created_at BIGINT NOT NULL,
			revoked_at BIGINT)`,
		`CREATE TABLE tokens (
			hash TEXT PRIMARY KEY,
			user_id BIGINT NOT NULL REFERENCES users (id),
			created_at BIGINT NOT NULL,
			revoked_at BIGINT)`,
		`CREATE INDEX tokens_user ON tokens (user_id)`,
	}},
	{name: "0005 audit", sql: []string{
		`CREATE TABLE audit (
			id {{ID}},
			at BIGINT NOT NULL,
			user_name TEXT NOT NULL,
			action TEXT NOT NULL,
			object TEXT NOT NULL,
			detail TEXT NOT NULL DEFAULT '')`,
		`CREATE INDEX audit_at ON audit (at)`,
	}},
	{name: "0006 pending inspections index", sql: []string{
		// Only the few conversations waiting for inspection are in it, so
		// the inspector's poll does not grow with the store.
		`CREATE INDEX conversations_pending ON conversations (received_at) WHERE state = 'closed' AND inspected_hash <> content_hash`,
	}},
	{name: "0007 across conversations", sql: []string{
		// What the across-conversation analyzers (internal/analyze) keep of
		// each inspected conversation: a compact contact (orders, SKUs and
		// scenes as JSON arrays), looked up by buyer and time.
		`CREATE TABLE contacts (
			conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
			shop TEXT NOT NULL,
			customer TEXT NOT NULL,
			started_at BIGINT NOT NULL,
			ended_at BIGINT NOT NULL,
			orders TEXT NOT NULL,
			skus TEXT NOT NULL,
			scenes TEXT NOT NULL,
			unresolved INTEGER NOT NULL,
			ending TEXT NOT NULL,
			ending_msg INTEGER NOT NULL,
			not_kept_msg INTEGER NOT NULL)`,
		`CREATE INDEX contacts_buyer ON contacts (shop, customer, started_at)`,
		// Due-tracked time promises; unkept_by names the conversation whose
		// promise.unkept reported it.
		`CREATE TABLE promises (
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			message_n INTEGER NOT NULL,
			made_at BIGINT NOT NULL,
			due_at BIGINT NOT NULL,
			event TEXT NOT NULL,
			text TEXT NOT NULL,
			agent TEXT NOT NULL,
			vendor TEXT NOT NULL,
			shop TEXT NOT NULL,
			customer TEXT NOT NULL,
			unkept_by TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (conversation_id, message_n))`,
		`CREATE INDEX promises_due ON promises (due_at)`,
		`CREATE INDEX promises_vendor_due ON promises (vendor, due_at)`,
		// Burst topics: each conversation's topics and hour, and the counts
		// per topic and hour and per topic and day they add up to (the
		// empty topic counts all traffic), kept in step in the same
		// transaction, so a burst test reads a few rows, not history.
		`CREATE TABLE contact_topics (
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			kind TEXT NOT NULL,
			value TEXT NOT NULL,
			hour BIGINT NOT NULL,
			PRIMARY KEY (conversation_id, kind, value))`,
		`CREATE TABLE topic_hours (kind TEXT NOT NULL, value TEXT NOT NULL, hour BIGINT NOT NULL, n INTEGER NOT NULL,
			PRIMARY KEY (kind, value, hour))`,
		`CREATE TABLE topic_days (kind TEXT NOT NULL, value TEXT NOT NULL, day BIGINT NOT NULL, n INTEGER NOT NULL,
			PRIMARY KEY (kind, value, day))`,
		`CREATE TABLE bursts (
			kind TEXT NOT NULL,
			value TEXT NOT NULL,
			window_start BIGINT NOT NULL,
			window_end BIGINT NOT NULL,
			count INTEGER NOT NULL,
			expected REAL NOT NULL,
			conversations TEXT NOT NULL,
			found_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL,
			PRIMARY KEY (kind, value, window_start, window_end))`,
		`CREATE INDEX bursts_updated ON bursts (updated_at)`,
	}},
	{name: "0008 alert outbox", sql: []string{
		// Alerts on their way to a chat channel (internal/alert). A row is
		// written before the send is tried, so an alert accepted before a
		// crash is sent after the restart; the unique key is the
		// de-duplication (one alert per conversation and code per channel).
		// state is pending, sent or dead (the dead-letter list).
		`CREATE TABLE alert_outbox (
			id {{ID}},
			alert_key TEXT NOT NULL,
			channel TEXT NOT NULL,
			rule TEXT NOT NULL DEFAULT '',
			doc TEXT NOT NULL,
			state TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			not_before BIGINT NOT NULL,
			created_at BIGINT NOT NULL,
			sent_at BIGINT,
			last_error TEXT NOT NULL DEFAULT '',
			UNIQUE (alert_key, channel))`,
		`CREATE INDEX alert_outbox_due ON alert_outbox (channel, state, not_before)`,
	}},
	{name: "0009 dashboard", sql: []string{
		// Dashboard sign-in: a slow (bcrypt) hash per user, beside the
		// API tokens; sessions by the SHA-256 of their cookie, each with
		// its CSRF token.
		`CREATE TABLE passwords (
			user_id BIGINT PRIMARY KEY REFERENCES users (id),
			hash TEXT NOT NULL,
			updated_at BIGINT NOT NULL)`,
		`CREATE TABLE sessions (
			hash TEXT PRIMARY KEY,
			user_id BIGINT NOT NULL REFERENCES users (id),
			csrf TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			expires_at BIGINT NOT NULL)`,
		`CREATE INDEX sessions_user ON sessions (user_id)`,
		// Reviewer verdicts: one per finding and reviewer (a later one
		// replaces it; the audit log keeps the history), and findings the
		// detectors missed (verdict "missed", no finding id). code,
		// messages and evidence are copied so the verdict outlives a
		// re-inspection that replaces the finding rows.
		`CREATE TABLE verdicts (
			id {{ID}},
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			finding_id BIGINT NOT NULL DEFAULT 0,
			code TEXT NOT NULL,
			messages TEXT NOT NULL,
			evidence TEXT NOT NULL,
			reviewer TEXT NOT NULL,
			verdict TEXT NOT NULL,
			comment TEXT NOT NULL DEFAULT '',
			at BIGINT NOT NULL)`,
		`CREATE UNIQUE INDEX verdicts_finding ON verdicts (finding_id, reviewer) WHERE finding_id > 0`,
		`CREATE INDEX verdicts_conversation ON verdicts (conversation_id)`,
		`CREATE INDEX verdicts_code ON verdicts (code)`,
		// The review queue: conversations assigned to reviewers (the same
		// conversation to several for calibration).
		`CREATE TABLE assignments (
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			reviewer TEXT NOT NULL,
			reason TEXT NOT NULL,
			rank INTEGER NOT NULL,
			batch TEXT NOT NULL,
			assigned_by TEXT NOT NULL,
			assigned_at BIGINT NOT NULL,
			done_at BIGINT,
			PRIMARY KEY (conversation_id, reviewer))`,
		`CREATE INDEX assignments_reviewer ON assignments (reviewer, done_at, rank)`,
		// Vendor disputes of a finding and the QA ruling on them; points
		// is what an accepted dispute gave back to the score.
		`CREATE TABLE disputes (
			id {{ID}},
			conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
			finding_id BIGINT NOT NULL,
			code TEXT NOT NULL,
			messages TEXT NOT NULL,
			evidence TEXT NOT NULL,
			vendor TEXT NOT NULL,
			filed_by TEXT NOT NULL,
			comment TEXT NOT NULL,
			filed_at BIGINT NOT NULL,
			state TEXT NOT NULL,
			ruled_by TEXT NOT NULL DEFAULT '',
			ruling TEXT NOT NULL DEFAULT '',
			ruled_at BIGINT,
			score_before INTEGER,
			score_after INTEGER)`,
		`CREATE INDEX disputes_state ON disputes (state, filed_at)`,
		`CREATE INDEX disputes_conversation ON disputes (conversation_id)`,
		`CREATE INDEX disputes_finding ON disputes (finding_id)`,
	}},
}

// migrate applies the steps the database lacks after checking the applied
// ones against the list, all in one immediate transaction, so two processes
// starting at once (the server and `fullqa user add`) cannot both apply a
// step.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		applied, err := appliedMigrations(ctx, tx)
		if err != nil {
			return err
		}
		if len(applied) > len(migrations) {
			return fmt.Errorf("store: the database has %d migrations, this binary knows %d: it is newer than this fullqa", len(applied), len(migrations))
		}
		for i, name := range applied {
			if migrations[i].name != name {
				return fmt.Errorf("store: migration %d is %q in the database but %q here", i+1, name, migrations[i].name)
			}
		}
		for i := len(applied); i < len(migrations); i++ {
			m := migrations[i]
			for _, stmt := range m.sql {
				if _, err := tx.ExecContext(ctx, s.d.ddl(stmt)); err != nil {
					return fmt.Errorf("store: migration %q: %w", m.name, err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
				i+1, m.name, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("store: migration %q: %w", m.name, err)
			}
		}
		return nil
	})
}

// appliedMigrations lists the names of the applied steps in order.
func appliedMigrations(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	defer rows.Close()
	var applied []string
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return nil, fmt.Errorf("store: read migrations: %w", err)
		}
		if v != len(applied)+1 {
			return nil, fmt.Errorf("store: migration %d missing before %d", len(applied)+1, v)
		}
		applied = append(applied, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	return applied, nil
}
