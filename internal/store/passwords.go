package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// ErrBadLogin is returned for an unknown user, a revoked one, one without
// a password or a wrong password: the caller cannot tell which, so a
// sign-in form does not reveal which names exist.
var ErrBadLogin = errors.New("wrong user name or password")

// MinPassword is the shortest password SetPassword accepts.
const MinPassword = 8

// passwordCost is bcrypt's work factor: about 50 ms a check on a laptop,
// slow enough to make guessing a stolen hash expensive.
const passwordCost = 11

// SetPassword gives an active user a password for the dashboard (stored as
// a bcrypt hash), replacing any earlier one and ending the user's sessions.
func (s *Store) SetPassword(ctx context.Context, name, password string, now time.Time) error {
	if len(password) < MinPassword {
		return fmt.Errorf("password: at least %d characters", MinPassword)
	}
	if len(password) > 72 {
		return errors.New("password: at most 72 bytes (bcrypt's limit)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return fmt.Errorf("store: password hash: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT id FROM users WHERE name = ? AND revoked_at IS NULL`), name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("active user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO passwords (user_id, hash, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`), id, string(h), now.UnixMilli()); err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sessions WHERE user_id = ?`), id); err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: "cli", Action: "user.password", Object: name})
	})
}

// dummyHash is checked against when the user does not exist, so a wrong
// name takes as long as a wrong password.
const dummyHash = "$2a$11$39qm89gNUslL7ZGVbj1Xcuc43Jj.vVh9wbB9zxFah5qjHa.6pBMFO"

// CheckPassword returns the active user whose name and password these
// are, ErrBadLogin otherwise.
func (s *Store) CheckPassword(ctx context.Context, name, password string) (*User, error) {
	var u User
	var created int64
	var hash string
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT u.id, u.name, u.role, u.vendor, u.created_at, p.hash FROM users u
		JOIN passwords p ON p.user_id = u.id WHERE u.name = ? AND u.revoked_at IS NULL`), name).
		Scan(&u.ID, &u.Name, &u.Role, &u.Vendor, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, fmt.Errorf("store: check password: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, ErrBadLogin
	}
	u.CreatedAt = time.UnixMilli(created).UTC()
	return &u, nil
}
