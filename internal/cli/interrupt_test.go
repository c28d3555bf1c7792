//go:build linux

package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// The tests here run the real binary as a child process: signals, pipes
// that never close and exit codes are properties of the process, not of
// Run.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// fullqaBinary builds cmd/fullqa once per test run into a temporary
// directory that TestMain removes.
func fullqaBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fullqa-cli-test-")
		if err != nil {
			binErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "fullqa")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/fullqa").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("build fullqa: %v", binErr)
	}
	return binPath
}

var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// child is a running fullqa whose stdin is a pipe the test holds open.
type child struct {
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *bufio.Reader
	stderr *bytes.Buffer
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	cmd := exec.Command(fullqaBinary(t), args...)
	pr, in, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = pr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	c := &child{cmd: cmd, stdin: in, stdout: bufio.NewReader(out), stderr: &errb}
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return c
}

// exitCode waits for the child, failing the test if it does not end
// within a generous deadline (a hang is the bug under test; the deadline
// only keeps a failing test from blocking the suite).
func (c *child) exitCode(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		io.Copy(io.Discard, c.stdout)
		done <- c.cmd.Wait()
	}()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		t.Fatalf("fullqa did not exit after the signal; stderr:\n%s", c.stderr)
		return -1
	}
}

// readLine reads one line of the child's stdout, failing the test when
// none comes within a generous deadline (results held back until stdin
// closes are the bug under test).
func (c *child) readLine(t *testing.T) (string, error) {
	t.Helper()
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := c.stdout.ReadString('\n')
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-time.After(60 * time.Second):
		c.cmd.Process.Kill()
		t.Fatalf("no result line while stdin stays open; stderr:\n%s", c.stderr)
		return "", nil
	}
}

const streamLine = `{"id":"s1","messages":[{"role":"customer","text":"在吗","at":"2026-11-01T10:00:00+08:00"},{"role":"agent","agent":"a1","text":"在的亲","at":"2026-11-01T10:00:05+08:00"}]}` + "\n"

// TestStdinStreamsJSONL writes one conversation into a pipe that stays
// open and reads its result before closing it: `tail -f … | fullqa scan -
// --format jsonl` must give results as conversations arrive. Then Ctrl-C
// ends the run with exit code 130.
func TestStdinStreamsJSONL(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			c := startChild(t, "scan", "-", "--format", "jsonl", "--no-progress")
			if _, err := io.WriteString(c.stdin, streamLine); err != nil {
				t.Fatal(err)
			}
			line, err := c.readLine(t)
			if err != nil || !strings.HasPrefix(line, `{"id":"s1"`) {
				t.Fatalf("no result while stdin is open: %q %v; stderr:\n%s", line, err, c.stderr)
			}
			if err := c.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := c.exitCode(t); code != ExitInterrupted {
				t.Errorf("exit %d after %v, want %d; stderr:\n%s", code, sig, ExitInterrupted, c.stderr)
			}
			if !strings.Contains(c.stderr.String(), "interrupted after 1 conversations") {
				t.Errorf("stderr does not say what was done:\n%s", c.stderr)
			}
		})
	}
}

// TestInterruptBeforeAnyInput stops a scan whose stdin never sends a byte,
// in every output format; before the fix it waited for EOF for ever.
func TestInterruptBeforeAnyInput(t *testing.T) {
	for _, format := range []string{"text", "json", "jsonl"} {
		c := startChild(t, "scan", "-", "--format", format, "--no-progress")
		waitReading(t, c) // blocked in its first read, signals handled
		c.cmd.Process.Signal(syscall.SIGINT)
		if code := c.exitCode(t); code != ExitInterrupted {
			t.Errorf("--format %s: exit %d, want %d; stderr:\n%s", format, code, ExitInterrupted, c.stderr)
		}
	}
}

// TestInterruptedReportSaysPartial checks the aggregated report of an
// interrupted run: the text report's first line says it is partial and
// how many conversations it covers; a JSON report is not written and the
// old --out file stays.
func TestInterruptedReportSaysPartial(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "r.txt")
	c := startChild(t, "scan", "-", "--format", "text", "--out", txt, "--no-progress")
	io.WriteString(c.stdin, streamLine)
	io.WriteString(c.stdin, strings.Replace(streamLine, `"s1"`, `"s2"`, 1))
	waitRead(t, c)
	c.cmd.Process.Signal(syscall.SIGINT)
	if code := c.exitCode(t); code != ExitInterrupted {
		t.Fatalf("exit %d; stderr:\n%s", code, c.stderr)
	}
	b, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if !strings.Contains(first, "未完成") || !strings.Contains(first, "2 个会话") {
		t.Errorf("first line of an interrupted report must say it is partial, with the count: %q", first)
	}

	js := filepath.Join(dir, "r.json")
	os.WriteFile(js, []byte("old report\n"), 0o644)
	c = startChild(t, "scan", "-", "--format", "json", "--out", js, "--no-progress")
	io.WriteString(c.stdin, streamLine)
	waitRead(t, c)
	c.cmd.Process.Signal(syscall.SIGINT)
	if code := c.exitCode(t); code != ExitInterrupted {
		t.Fatalf("json: exit %d; stderr:\n%s", code, c.stderr)
	}
	if b, _ := os.ReadFile(js); string(b) != "old report\n" {
		t.Errorf("an interrupted JSON report replaced the old file: %q", b)
	}
	assertNoTemp(t, dir)
}

// waitReading waits until one of the child's threads is blocked reading
// its stdin (file descriptor 0), which it only does after main has set up
// its signal handling: a signal sent before that takes the default action
// and kills it, which on a loaded machine made the interrupt tests fail for
// a reason that is not the code's. Where /proc does not say, it falls back
// to a pause.
func waitReading(t *testing.T, c *child) {
	t.Helper()
	read := map[string]string{"amd64": "0 0x0 ", "arm64": "63 0x0 "}[runtime.GOARCH]
	tasks := fmt.Sprintf("/proc/%d/task", c.cmd.Process.Pid)
	if _, err := os.Stat(tasks); read == "" || err != nil {
		time.Sleep(500 * time.Millisecond)
		return
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ents, err := os.ReadDir(tasks)
		if err != nil {
			t.Fatalf("child threads: %v", err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(tasks, e.Name(), "syscall"))
			if err == nil && strings.HasPrefix(string(b), read) {
				return
			}
		}
	}
	t.Fatalf("fullqa never blocked reading its stdin; stderr:\n%s", c.stderr)
}

// waitRead waits until the child has read everything written to its
// stdin (the pipe holds no unread bytes), then a little longer for it to
// inspect what it read: an interrupted run covers the conversations it had
// finished when the signal came.
func waitRead(t *testing.T, c *child) {
	t.Helper()
	for i := 0; ; i++ {
		var n int32
		_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, c.stdin.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
		if errno != 0 {
			t.Fatalf("ioctl: %v", errno)
		}
		if n == 0 {
			break
		}
		if i == 600 {
			t.Fatalf("the child did not read its stdin; stderr:\n%s", c.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
}

// TestSecondInterruptExits checks the watcher: the first signal cancels
// the run's context, the second exits at once with 130 whatever the run
// is doing.
func TestSecondInterruptExits(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	exited := make(chan int, 1)
	var errb bytes.Buffer
	ctx, stop := WatchInterrupts(context.Background(), sigs, &errb, func(code int) { exited <- code })
	defer stop()
	sigs <- syscall.SIGINT
	<-ctx.Done()
	select {
	case code := <-exited:
		t.Fatalf("exit(%d) after one signal", code)
	default:
	}
	sigs <- syscall.SIGINT
	if code := <-exited; code != ExitInterrupted {
		t.Errorf("second signal: exit(%d), want %d", code, ExitInterrupted)
	}
	if !strings.Contains(errb.String(), "Ctrl-C again") {
		t.Errorf("the first signal must say how to quit at once: %q", errb.String())
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".fullqa-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
