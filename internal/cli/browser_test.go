package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium returns a headless-capable browser binary, or "" when none is
// installed (the test then skips).
func chromium() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// headless runs the browser on a local file with no network, extra
// arguments last, and returns its stdout.
func headless(t *testing.T, bin, page string, extra ...string) []byte {
	t.Helper()
	// Chromium can stall at start-up on a loaded 2-core machine (the whole
	// suite runs in parallel): give it time and one more try.
	var out []byte
	var err error
	for try := 0; try < 2; try++ {
		if out, err = runHeadless(t, bin, page, extra...); err == nil {
			return out
		}
	}
	msg := ""
	if ee, ok := err.(*exec.ExitError); ok {
		msg = string(ee.Stderr)
	}
	t.Fatalf("%s %v: %v\n%s", bin, extra, err, msg)
	return nil
}

func runHeadless(t *testing.T, bin, page string, extra ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,2400"}
	args = append(args, extra...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	return cmd.Output()
}

// TestHTMLReportInBrowser renders the HTML report of the hand-worked KPI
// data in headless Chromium: the DOM it builds must hold the charts (inline
// SVG) and the key figures, and a screenshot is kept for a human look
// (a copy goes to /tmp/fullqa-report.png).
func TestHTMLReportInBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium: apt-get install chromium")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	cfg := filepath.Join("testdata", "report-config.yaml")
	code, _, stderr := run(t, "", "report", "--config", cfg, "--detectors", "response,compliance", "--format", "html", "--out", page, kpiData)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dom := string(headless(t, bin, page, "--dump-dom"))
	if n := strings.Count(dom, "<svg"); n < 5 {
		t.Errorf("rendered DOM has %d svg charts, want at least 5 (codes, scores, three trends)", n)
	}
	for _, want := range []string{
		`<b id="total-conversations">12</b>`,                // conversations
		"87.8",                                              // mean score 1053/12
		"453.4s",                                            // first response 4081/9
		"40.0%",                                             // 3分钟响应率 4/10
		"72.7%",                                             // 回复率 8/11
		"compliance.off_platform",                           // findings by code
		"未达标",                                               // v1 and v2 contracts
		"样本不足",                                              // v1 satisfaction on four ratings
		"引导站外交易",                                            // the code's Chinese name
		`id="kpi-team"`, `id="kpi-vendor"`, `id="kpi-shop"`, // the team, vendor and shop views
		"2026-11-02", // daily trend label
		"k11",        // riskiest conversation
		"加我微信私聊",     // its evidence, in Chinese
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)="https?://`).MatchString(dom) {
		t.Error("report loads something from the network")
	}
	shot := filepath.Join(dir, "report.png")
	headless(t, bin, page, "--screenshot="+shot, "--hide-scrollbars")
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if len(png) < 20000 || string(png[1:4]) != "PNG" {
		t.Errorf("screenshot is %d bytes, not a rendered page", len(png))
	}
	if err := os.WriteFile("/tmp/fullqa-report.png", png, 0o644); err != nil {
		t.Logf("copy screenshot: %v", err)
	}
	t.Logf("screenshot %s (copy /tmp/fullqa-report.png)", shot)
}
