package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Roles a user can have. A vendor user sees and sends only its vendor's
// conversations; qa sees everything and reviews; admin also manages users.
const (
	RoleAdmin  = "admin"
	RoleQA     = "qa"
	RoleVendor = "vendor"
)

// ErrExists is returned when a user name is taken.
var ErrExists = errors.New("already exists")

// User is an account. API access is by token; a password hash for the
// dashboard's sessions may be added by a later migration.
type User struct {
	ID        int64
	Name      string
	Role      string
	Vendor    string // set for role vendor
	CreatedAt time.Time
	RevokedAt time.Time // zero while active
}

// Scope is the vendor the user is restricted to, "" for all.
func (u *User) Scope() string {
	if u.Role == RoleVendor {
		return u.Vendor
	}
	return ""
}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool { return r == RoleAdmin || r == RoleQA || r == RoleVendor }

// tokenPrefix marks fullqa API tokens, so a leaked one is recognisable.
const tokenPrefix = "fqa_"

// HashToken is how a token is stored: its SHA-256. A token is 32 random
// bytes, so a fast hash is enough (no dictionary to guess from).
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: token: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// AddUser creates a user with one API token and returns the token, the
// only time it exists outside the caller: the store keeps its hash.
func (s *Store) AddUser(ctx context.Context, name, role, vendor string, now time.Time) (*User, string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, "", errors.New("user name is empty")
	case !ValidRole(role):
		return nil, "", fmt.Errorf("role %q: want admin, qa or vendor", role)
	case role == RoleVendor && vendor == "":
		return nil, "", errors.New("a vendor user needs --vendor")
	case role != RoleVendor && vendor != "":
		return nil, "", errors.New("--vendor is only for role vendor")
	}
	tok, err := newToken()
	if err != nil {
		return nil, "", err
	}
	u := &User{Name: name, Role: role, Vendor: vendor, CreatedAt: now}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM users WHERE name = ?`), name).Scan(&n); err != nil {
			return fmt.Errorf("store: add user: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("user %q: %w", name, ErrExists)
		}
		if err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO users (name, role, vendor, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			name, role, vendor, now.UnixMilli()).Scan(&u.ID); err != nil {
			return fmt.Errorf("store: add user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO tokens (hash, user_id, created_at) VALUES (?, ?, ?)`),
			HashToken(tok), u.ID, now.UnixMilli()); err != nil {
			return fmt.Errorf("store: add token: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: "cli", Action: "user.add", Object: name, Detail: "role=" + role + " vendor=" + vendor})
	})
	if err != nil {
		return nil, "", err
	}
	return u, tok, nil
}

// RevokeUser disables a user and all its tokens.
func (s *Store) RevokeUser(ctx context.Context, name string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT id FROM users WHERE name = ? AND revoked_at IS NULL`), name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("active user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: revoke user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE users SET revoked_at = ? WHERE id = ?`), now.UnixMilli(), id); err != nil {
			return fmt.Errorf("store: revoke user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`), now.UnixMilli(), id); err != nil {
			return fmt.Errorf("store: revoke tokens: %w", err)
		}
		return s.writeAudit(ctx, tx, AuditEntry{At: now, User: "cli", Action: "user.revoke", Object: name})
	})
}

// UserByToken returns the active user a token belongs to, ErrNotFound for
// an unknown or revoked token.
func (s *Store) UserByToken(ctx context.Context, token string) (*User, error) {
	var u User
	var created int64
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT u.id, u.name, u.role, u.vendor, u.created_at FROM tokens t
		JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at IS NULL AND u.revoked_at IS NULL`), HashToken(token)).
		Scan(&u.ID, &u.Name, &u.Role, &u.Vendor, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: user by token: %w", err)
	}
	u.CreatedAt = time.UnixMilli(created).UTC()
	return &u, nil
}

// ListUsers returns every user, revoked ones included, by name.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, role, vendor, created_at, revoked_at FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		var created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&u.ID, &u.Name, &u.Role, &u.Vendor, &created, &revoked); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		u.CreatedAt, u.RevokedAt = time.UnixMilli(created).UTC(), fromMS(revoked)
		out = append(out, u)
	}
	return out, rows.Err()
}
