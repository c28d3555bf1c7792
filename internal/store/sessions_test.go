package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSessions: a session lives until it expires, its user is revoked, it
// is ended, or the user's password changes; a wrong password, an unknown
// user and a user without a password are all ErrBadLogin.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	if _, _, err := st.AddUser(ctx, "lead", RoleQA, "", now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CheckPassword(ctx, "lead", "anything-at-all"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("no password yet: %v", err)
	}
	if err := st.SetPassword(ctx, "lead", "short", now); err == nil {
		t.Fatal("short password accepted")
	}
	if err := st.SetPassword(ctx, "lead", "correct horse", now); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{"lead", "wrong horse!"}, {"nobody", "correct horse"}} {
		if _, err := st.CheckPassword(ctx, c[0], c[1]); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("%v: %v", c, err)
		}
	}
	u, err := st.CheckPassword(ctx, "lead", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	tok, sess, err := st.NewSession(ctx, u, now, time.Hour)
	if err != nil || len(sess.CSRF) < 32 {
		t.Fatalf("new session: %v %+v", err, sess)
	}
	if got, err := st.SessionOf(ctx, tok, now.Add(59*time.Minute)); err != nil || got.User.Name != "lead" || got.CSRF != sess.CSRF {
		t.Fatalf("live session: %v %+v", err, got)
	}
	if _, err := st.SessionOf(ctx, tok, now.Add(61*time.Minute)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	// A new password signs the user out everywhere.
	tok, _, _ = st.NewSession(ctx, u, now, time.Hour)
	st.SetPassword(ctx, "lead", "battery staple", now)
	if _, err := st.SessionOf(ctx, tok, now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session after a password change: %v", err)
	}
	tok, _, _ = st.NewSession(ctx, u, now, time.Hour)
	if err := st.RevokeUser(ctx, "lead", now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionOf(ctx, tok, now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session of a revoked user: %v", err)
	}
	if _, err := st.CheckPassword(ctx, "lead", "battery staple"); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("revoked user signs in: %v", err)
	}
}
