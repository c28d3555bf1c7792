package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in dashboard user: the cookie's value is only ever
// in the browser (the store keeps its hash), and CSRF is the token every
// form of the session must carry.
type Session struct {
	User    *User
	CSRF    string
	Expires time.Time
}

// NewSession signs a user in until now+ttl and returns the cookie value
// and the session.
func (s *Store) NewSession(ctx context.Context, u *User, now time.Time, ttl time.Duration) (string, *Session, error) {
	tok, err := newToken()
	if err != nil {
		return "", nil, err
	}
	csrf, err := newToken()
	if err != nil {
		return "", nil, err
	}
	sess := &Session{User: u, CSRF: csrf, Expires: now.Add(ttl)}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions go when someone signs in: no sweeper needed.
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sessions WHERE expires_at < ?`), now.UnixMilli()); err != nil {
			return fmt.Errorf("store: new session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
			HashToken(tok), u.ID, csrf, now.UnixMilli(), sess.Expires.UnixMilli()); err != nil {
			return fmt.Errorf("store: new session: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: u.Name, Action: "session.start", Object: u.Name})
	})
	if err != nil {
		return "", nil, err
	}
	return tok, sess, nil
}

// SessionOf returns the live session of a cookie value: ErrNotFound when
// it is unknown, expired, or its user revoked.
func (s *Store) SessionOf(ctx context.Context, cookie string, now time.Time) (*Session, error) {
	var u User
	var created, expires int64
	sess := &Session{User: &u}
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT u.id, u.name, u.role, u.vendor, u.created_at, s.csrf, s.expires_at FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.hash = ? AND s.expires_at > ? AND u.revoked_at IS NULL`), HashToken(cookie), now.UnixMilli()).
		Scan(&u.ID, &u.Name, &u.Role, &u.Vendor, &created, &sess.CSRF, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	u.CreatedAt, sess.Expires = time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	return sess, nil
}

// EndSession signs a cookie out (a no-op for an unknown one).
func (s *Store) EndSession(ctx context.Context, cookie, user string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sessions WHERE hash = ?`), HashToken(cookie)); err != nil {
			return fmt.Errorf("store: end session: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: user, Action: "session.end", Object: user})
	})
}
