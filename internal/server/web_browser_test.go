package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fullqa/internal/score"
	"fullqa/internal/store"
)

// chromium is the headless browser the browser tests drive, "" when none
// is installed (the tests then skip; .ci/run installs it).
func chromium() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserCtx starts a fresh headless Chromium (its own profile) with a
// 1400 px wide window.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium installed")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true)}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// A loaded 2-core machine can take a while to start Chromium: the
	// deadline is generous, and no test asserts on speed.
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 1000)); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	return ctx
}

// shots is where page screenshots go: $FULLQA_SHOTS (e.g. /tmp/shots)
// when set, else a temporary directory.
func shots(t *testing.T) string {
	dir := os.Getenv("FULLQA_SHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tab is one browser tab in a test: each step fails the test on error.
type tab struct {
	t   *testing.T
	ctx context.Context
	dir string
}

func (b tab) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// text is the visible text of the first element matching a CSS selector.
func (b tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// open navigates and waits for an element of the page.
func (b tab) open(url, wait string) {
	b.t.Helper()
	b.do(chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(wait)))
}

// shot saves a full-page PNG of the current page.
func (b tab) shot(name string) {
	b.t.Helper()
	// From the top: the chat column is sticky, and a page opened at an
	// anchor would show it shifted in a full-page capture.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
		b.t.Fatal(err)
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn fills the sign-in form like a person does.
func (b tab) signIn(base, name, pw string) {
	b.t.Helper()
	b.open(base+"/login", "#sign-in")
	b.do(chromedp.SendKeys(chromedp.CSS(`input[name=name]`), name), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Click(chromedp.CSS(`#sign-in`)), chromedp.WaitVisible(chromedp.CSS(`header nav`)))
}

// TestWebInBrowser drives the dashboard in headless Chromium: a vendor
// user signs in, opens a conversation, sees the evidence highlighted and
// files a dispute, cannot reach another vendor's data by URL; a QA user
// accepts the dispute and sees the score change. Every page is
// screenshotted at 1400 px wide.
func TestWebInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	min := func(v float64) *float64 { return &v }
	e := newTestEnv(t, func(o *Options) {
		c := score.Contract{Vendor: "v1", Targets: map[string]score.Target{
			"response_rate_3m": {Min: min(0.9)}, "first_response_s": {Max: min(60)}, "mean_score": {Min: min(85)}}}
		o.Scan.Score.Contracts = append(o.Scan.Score.Contracts, c)
	})
	chats, err := os.ReadFile("testdata/web_chats.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	e.json("admin", "POST", "/api/v1/conversations", chats, 200, nil)
	e.json("admin", "POST", "/api/v1/conversations", readExamples(t), 200, nil)
	ctx0 := context.Background()
	for _, n := range []string{"v1", "qa"} {
		if err := e.st.SetPassword(ctx0, n, "pw-"+n+"-secret", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := e.st.ListFindings(ctx0, store.FindingFilter{ConversationID: "w-offplat", Code: "compliance.off_platform"})
	if err != nil || len(fs) != 1 {
		t.Fatalf("w-offplat findings: %v %v", fs, err)
	}
	fsel := "#f-" + strconv.FormatInt(fs[0].ID, 10)
	before, _ := e.st.GetResult(ctx0, "w-offplat")
	base := e.http.URL
	dir := shots(t)

	v := tab{t, browserCtx(t), dir}
	v.open(base+"/login", "#sign-in")
	v.shot("01-login")
	v.signIn(base, "v1", "pw-v1-secret")
	v.open(base+"/conversations/w-offplat", "mark.ev")
	marks, err := chromedp.Run(v.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#m-3 mark.ev')).map(m => m.textContent).join('|')`))
	if err != nil || !strings.Contains(marks, "微信") {
		t.Errorf("evidence of message 3 not highlighted: %q %v", marks, err)
	}
	v.shot("02-conversation-vendor")
	v.do(chromedp.Click(chromedp.CSS(fsel+` summary`)),
		chromedp.SendKeys(chromedp.CSS(fsel+` textarea[name=comment]`), "客户要求换货，加的是店铺官方企业微信，不是私人账号"),
		chromedp.Click(chromedp.CSS(fsel+` .dispute-form button`)), chromedp.WaitVisible(chromedp.CSS(`.dispute-card`)))
	if st := v.text(fsel + ` .dispute`); !strings.Contains(st, "申诉中") {
		t.Errorf("dispute state after filing: %q", st)
	}
	v.shot("03-conversation-disputed")
	// Another vendor's data by URL: the same not-found page.
	for _, u := range []string{"/conversations/w-other", "/vendors/v2", "/agents/b-01"} {
		v.open(base+u, "main")
		if nf := v.text("main"); !strings.Contains(nf, "页面不存在") || strings.Contains(nf, "vx998877") {
			t.Errorf("v1 at %s: %q", u, nf)
		}
	}
	v.shot("04-other-vendor-404")
	v.open(base+"/vendors/v1", ".kpis")
	v.shot("05-vendor-page-as-vendor")
	ds, _ := e.st.ListDisputes(ctx0, store.DisputeFilter{ConversationID: "w-offplat"})
	if len(ds) != 1 {
		t.Fatalf("disputes: %+v", ds)
	}

	// QA in a fresh browser: rule on it and see the score change.
	q := tab{t, browserCtx(t), dir}
	q.signIn(base, "qa", "pw-qa-secret")
	q.do(chromedp.WaitVisible(chromedp.CSS(`.kpis`)))
	q.shot("06-overview")
	q.open(base+"/conversations/w-offplat", "#score")
	scoreBefore := q.text("#score")
	dsel := "#d-" + strconv.FormatInt(ds[0].ID, 10)
	q.do(chromedp.SendKeys(chromedp.CSS(dsel+` input[name=comment]`), "核实为官方企业微信，申诉成立"),
		chromedp.Click(chromedp.CSS(dsel+` button.accept`)), chromedp.WaitVisible(chromedp.CSS(dsel+`.d-accepted`)))
	scoreAfter, state := q.text("#score"), q.text(dsel)
	q.shot("07-conversation-after-ruling")
	after, _ := e.st.GetResult(ctx0, "w-offplat")
	if scoreBefore != strconv.Itoa(before.Score) || scoreAfter != strconv.Itoa(after.Score) || after.Score <= before.Score {
		t.Errorf("score on the page %s → %s; stored %d → %d", scoreBefore, scoreAfter, before.Score, after.Score)
	}
	if !strings.Contains(state, "申诉成立") || !strings.Contains(state, "→") {
		t.Errorf("dispute after the ruling: %q", state)
	}
	q.open(base+"/findings", "table.list")
	q.shot("08-findings")
	q.open(base+"/agents/a-02", ".kpis")
	q.shot("09-agent")
	q.open(base+"/vendors/v1", ".kpis")
	q.shot("10-vendor")
	q.open(base+"/review", "#build-queue")
	q.do(chromedp.Click(chromedp.CSS(`#build-queue input[value=qa]`)), chromedp.Click(chromedp.CSS(`#build-queue button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="#review"]`)))
	q.shot("11-review-queue")
	q.open(base+"/conversations/w-angry?lang=en", "#review")
	q.shot("12-conversation-en")
	// A review in the browser: the first finding is right, the second wrong.
	q.do(chromedp.Click(chromedp.CSS(`#review tr:nth-child(2) input[value=correct]`)),
		chromedp.Click(chromedp.CSS(`#review tr:nth-child(3) input[value=wrong]`)),
		chromedp.SendKeys(chromedp.CSS(`#review tr:nth-child(3) input[name^=c-]`), "not escalating"),
		chromedp.Click(chromedp.CSS(`#review form button`)), chromedp.WaitVisible(chromedp.CSS(`#review h3`)))
	if vs, _ := e.st.ListVerdicts(ctx0, store.VerdictFilter{ConversationID: "w-angry"}); len(vs) != 2 || vs[0].Verdict != "correct" || vs[1].Verdict != "wrong" {
		t.Errorf("verdicts from the browser: %+v", vs)
	}
	q.open(base+"/calibration", "main table")
	q.shot("13-calibration")
	q.open(base+"/disputes?state=all", "main table")
	q.shot("14-disputes")
}
