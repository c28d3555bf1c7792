package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fullqa/internal/store"
)

// TestUserPassword: user add --password-stdin lets the user sign in to the
// dashboard; user password changes it; bad uses are usage errors.
func TestUserPassword(t *testing.T) {
	dir := t.TempDir()
	code, tok, stderr := run(t, "s3cret-lead-pw\n", "user", "add", "lead", "--role", "qa", "--password-stdin", "--data-dir", dir)
	if code != ExitOK || !strings.HasPrefix(tok, "fqa_") || !strings.Contains(stderr, "sign in") {
		t.Fatalf("user add: %d %q %q", code, tok, stderr)
	}
	if code, _, stderr := run(t, "short\n", "user", "add", "v", "--role", "vendor", "--vendor", "v1", "--password-stdin", "--data-dir", dir); code != ExitUsage || !strings.Contains(stderr, "at least 8") {
		t.Fatalf("short password: %d %q", code, stderr)
	}
	if code, _, _ := run(t, "", "user", "password", "lead", "--data-dir", dir); code != ExitUsage {
		t.Fatalf("password without one: %d", code)
	}
	if code, _, _ := run(t, "x\n", "user", "add", "w", "--role", "qa", "--password", "p", "--password-stdin", "--data-dir", dir); code != ExitUsage {
		t.Fatalf("both password flags: %d", code)
	}
	if code, _, stderr := run(t, "another-pw-123\n", "user", "password", "lead", "--password-stdin", "--data-dir", dir); code != ExitOK {
		t.Fatalf("user password: %d %q", code, stderr)
	}
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CheckPassword(context.Background(), "lead", "s3cret-lead-pw"); !errors.Is(err, store.ErrBadLogin) {
		t.Fatalf("old password still works: %v", err)
	}
	if u, err := st.CheckPassword(context.Background(), "lead", "another-pw-123"); err != nil || u.Role != store.RoleQA {
		t.Fatalf("new password: %v", err)
	}
}
