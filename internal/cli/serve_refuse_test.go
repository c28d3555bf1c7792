package cli

import (
	"context"
	"net"
	"strings"
	"testing"

	"fullqa/internal/store"
)

// TestServeRefusesBusyDataDirAndPort: a second service on the same data
// directory, or on an address in use, fails at once (exit 1) and says why
// and what to change, instead of running beside the first.
func TestServeRefusesBusyDataDirAndPort(t *testing.T) {
	dir := t.TempDir()
	release, err := store.LockServe(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "serve", "--data-dir", dir, "--listen", "127.0.0.1:0")
	release()
	if code != ExitError || !strings.Contains(stderr, "in use by another fullqa serve") || !strings.Contains(stderr, "serve.data_dir") {
		t.Errorf("busy data dir: exit %d, stderr %q", code, stderr)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var errb lockedBuffer
	env := Env{Stdout: &errb, Stderr: &errb}
	code = Run(context.Background(), []string{"serve", "--data-dir", t.TempDir(), "--listen", ln.Addr().String()}, env)
	if code != ExitError || !strings.Contains(errb.String(), "--listen") {
		t.Errorf("busy port: exit %d, stderr %q", code, errb.String())
	}
}
