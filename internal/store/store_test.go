package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestMigrationsCheckedAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.r.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(migrations) {
		t.Fatalf("applied %d of %d: %v", n, len(migrations), err)
	}
	var mode string
	if err := st.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q: %v", mode, err)
	}
	// A database whose history differs from this binary's is refused.
	if _, err := st.w.Exec(`UPDATE schema_migrations SET name = 'renamed' WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "renamed") {
		t.Fatalf("renamed migration: %v", err)
	}
	// So is one that is newer than this binary.
	db, err := sql.Open("sqlite", sqliteDialect{}.dsn(dir+"/"+FileName))
	if err != nil {
		t.Fatal(err)
	}
	db.Exec(`UPDATE schema_migrations SET name = ? WHERE version = 2`, migrations[1].name)
	db.Exec(`INSERT INTO schema_migrations VALUES (?, 'future', 0)`, len(migrations)+1)
	db.Close()
	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer database: %v", err)
	}
}

func TestTokensStoredAsHashes(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	u, tok, err := st.AddUser(ctx, "ann", RoleVendor, "v9", now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, tokenPrefix) || len(tok) < 40 {
		t.Fatalf("token %q", tok)
	}
	var stored string
	if err := st.r.QueryRow(`SELECT hash FROM tokens WHERE user_id = ?`, u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == tok || stored != HashToken(tok) {
		t.Fatalf("stored %q for token %q", stored, tok)
	}
	got, err := st.UserByToken(ctx, tok)
	if err != nil || got.Name != "ann" || got.Scope() != "v9" {
		t.Fatalf("by token: %+v %v", got, err)
	}
	if _, _, err := st.AddUser(ctx, "ann", RoleQA, "", now); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, _, err := st.AddUser(ctx, "bob", RoleVendor, "", now); err == nil {
		t.Fatal("vendor user without vendor accepted")
	}
	if err := st.RevokeUser(ctx, "ann", now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, tok); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	es, err := st.ListAudit(ctx, AuditFilter{})
	if err != nil || len(es) != 2 || es[0].Action != "user.revoke" || es[1].Action != "user.add" {
		t.Fatalf("audit: %+v %v", es, err)
	}
}
