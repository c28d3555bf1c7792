package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fullqa/internal/store"
)

// browser is a signed-in (or not) dashboard client with its own cookies.
type browser struct {
	e    *testEnv
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// newBrowser returns a client with a cookie jar that does not follow
// redirects, so tests see them.
func (e *testEnv) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a page and remembers the CSRF token on it.
func (b *browser) get(path string) (int, string, http.Header) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.http.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Header
}

// post sends a form with the remembered CSRF token (unless the form has
// its own "csrf").
func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.e.http.URL+path, form)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// signIn gives the test user a password and signs in as it.
func (e *testEnv) signIn(name string) *browser {
	e.t.Helper()
	if err := e.st.SetPassword(context.Background(), name, "pw-"+name+"-secret", time.Now()); err != nil {
		e.t.Fatal(err)
	}
	b := e.newBrowser()
	b.get("/login")
	code, _, h := b.post("/login", url.Values{"name": {name}, "password": {"pw-" + name + "-secret"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/overview" {
		e.t.Fatalf("sign in as %s: %d to %q", name, code, h.Get("Location"))
	}
	b.get("/findings")
	return b
}

func TestWebSignInAndOut(t *testing.T) {
	e := newTestEnv(t, nil)
	b := e.newBrowser()
	// Every page needs a session: a GET goes to the sign-in page and back.
	code, _, h := b.get("/conversations/x?y=1")
	if code != http.StatusSeeOther || h.Get("Location") != "/login?next="+url.QueryEscape("/conversations/x?y=1") {
		t.Fatalf("no session: %d %q", code, h.Get("Location"))
	}
	if err := e.st.SetPassword(context.Background(), "qa", "right-password", time.Now()); err != nil {
		t.Fatal(err)
	}
	code, page, _ := b.get("/login?next=/findings%3Fcode%3Dx")
	if code != 200 || !strings.Contains(page, "登录") {
		t.Fatalf("login page: %d", code)
	}
	// A wrong password and an unknown user look the same.
	code, wrong, _ := b.post("/login", url.Values{"name": {"qa"}, "password": {"wrong-password"}})
	b.get("/login")
	code2, unknown, _ := b.post("/login", url.Values{"name": {"nobody"}, "password": {"wrong-password"}})
	if code != 401 || code2 != 401 || !strings.Contains(wrong, "用户名或密码错误") || !strings.Contains(unknown, "用户名或密码错误") {
		t.Fatalf("bad logins: %d %d", code, code2)
	}
	// The sign-in form's own CSRF token is checked (double submit).
	code, _, _ = b.post("/login", url.Values{"name": {"qa"}, "password": {"right-password"}, "csrf": {"forged"}})
	if code != http.StatusForbidden {
		t.Fatalf("forged login token: %d", code)
	}
	b.get("/login")
	code, _, h = b.post("/login", url.Values{"name": {"qa"}, "password": {"right-password"}, "next": {"/findings?code=x"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/findings?code=x" {
		t.Fatalf("sign in: %d %q", code, h.Get("Location"))
	}
	var sc *http.Cookie
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure {
		t.Fatalf("session cookie: %+v", sc)
	}
	code, page, _ = b.get("/findings")
	if code != 200 || !strings.Contains(page, "qa · 质检") {
		t.Fatalf("signed in: %d", code)
	}
	// English on request, and the switch remembers it.
	if _, page, _ = b.get("/findings?lang=en"); !strings.Contains(page, "Findings") || strings.Contains(page, "??") {
		t.Fatal("English page")
	}
	b.get("/lang/en?back=/findings")
	if _, page, _ = b.get("/findings"); !strings.Contains(page, "Sign out") {
		t.Fatal("language cookie ignored")
	}
	// A POST without the session's CSRF token is refused.
	if code, _, _ := b.post("/logout", url.Values{"csrf": {"nope"}}); code != http.StatusForbidden {
		t.Fatalf("logout without CSRF: %d", code)
	}
	if code, _, _ := b.post("/logout", nil); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	// The old cookie no longer works even if replayed.
	old := e.newBrowser()
	u, _ := url.Parse(e.http.URL)
	old.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sc.Value}})
	if code, _, _ := old.get("/findings"); code != http.StatusSeeOther {
		t.Fatalf("replayed cookie after logout: %d", code)
	}
	audit, _ := e.st.ListAudit(context.Background(), store.AuditFilter{User: "qa"})
	var acts []string
	for _, a := range audit {
		acts = append(acts, a.Action)
	}
	if s := strings.Join(acts, ","); !strings.Contains(s, "session.start") || !strings.Contains(s, "session.end") || !strings.Contains(s, "session.refused") {
		t.Fatalf("audit: %s", s)
	}
}

// deductedFinding finds the stored finding of vendor that costs the most
// points, in a conversation without a fatal item (whose score an accepted
// dispute can raise), so that the dispute's effect shows in a report's
// mean, which is rounded to a tenth.
func deductedFinding(t *testing.T, e *testEnv, vendor string) store.Finding {
	t.Helper()
	ctx := context.Background()
	fs, err := e.st.ListFindings(ctx, store.FindingFilter{Scope: vendor, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var best store.Finding
	most := 0
	for _, f := range fs {
		r, err := e.st.GetResult(ctx, f.ConversationID)
		if err != nil || r.Fatal {
			continue // a fatal conversation scores 0 whatever is disputed
		}
		var doc webResult
		json.Unmarshal(r.Doc, &doc)
		for _, d := range doc.Deductions {
			df := doc.Findings[d.Finding]
			if d.Points < most && findingKey(df.Code, df.Messages, df.Evidence) == findingKey(f.Code, f.Messages, f.Evidence) {
				best, most = f, d.Points
			}
		}
	}
	if most == 0 {
		t.Fatalf("no deducted finding of %s", vendor)
	}
	return best
}

func TestWebConversationIsolationAndDispute(t *testing.T) {
	e := newTestEnv(t, nil)
	e.json("admin", "POST", "/api/v1/conversations", readExamples(t), 200, nil)
	f := deductedFinding(t, e, "v1")
	other := deductedFinding(t, e, "v2")
	v1, v2, qa := e.signIn("v1"), e.signIn("v2"), e.signIn("qa")

	// The conversation page: numbered messages, evidence marked in place.
	code, page, _ := v1.get("/conversations/" + f.ConversationID)
	if code != 200 || !strings.Contains(page, `id="m-0"`) || !strings.Contains(page, `<mark class="ev`) || !strings.Contains(page, `id="f-`+strconv.FormatInt(f.ID, 10)+`"`) {
		t.Fatalf("conversation page: %d\n%s", code, page)
	}
	// Another vendor's conversation, or a finding of it, is not there.
	if code, _, _ := v2.get("/conversations/" + f.ConversationID); code != 404 {
		t.Fatalf("v2 reads v1's conversation: %d", code)
	}
	if code, _, _ := v2.post("/findings/"+strconv.FormatInt(f.ID, 10)+"/dispute", url.Values{"comment": {"not ours"}}); code != 404 {
		t.Fatalf("v2 disputes v1's finding: %d", code)
	}
	if _, page, _ := v2.get("/findings"); strings.Contains(page, f.ConversationID) && f.ConversationID != other.ConversationID {
		t.Fatal("v2's findings list shows v1's conversation")
	}
	// A dispute needs a comment; QA users do not dispute.
	fid := strconv.FormatInt(f.ID, 10)
	if code, _, _ := v1.post("/findings/"+fid+"/dispute", url.Values{"comment": {"  "}}); code != 400 {
		t.Fatalf("empty dispute: %d", code)
	}
	if code, _, _ := qa.post("/findings/"+fid+"/dispute", url.Values{"comment": {"x"}}); code != 404 {
		t.Fatalf("qa disputes: %d", code)
	}
	if code, _, _ := v1.post("/findings/"+fid+"/dispute", url.Values{"comment": {"客户自己要求的"}}); code != http.StatusSeeOther {
		t.Fatalf("dispute: %d", code)
	}
	if code, _, _ := v1.post("/findings/"+fid+"/dispute", url.Values{"comment": {"again"}}); code != http.StatusConflict {
		t.Fatalf("second dispute: %d", code)
	}
	ds, _ := e.st.ListDisputes(context.Background(), store.DisputeFilter{State: store.DisputeOpen})
	if len(ds) != 1 {
		t.Fatalf("open disputes: %+v", ds)
	}
	// Vendor users cannot rule; QA accepts, and the score goes up.
	did := strconv.FormatInt(ds[0].ID, 10)
	if code, _, _ := v1.post("/disputes/"+did+"/ruling", url.Values{"decision": {"accept"}}); code != 404 {
		t.Fatalf("vendor rules: %d", code)
	}
	before, _ := e.st.GetResult(context.Background(), f.ConversationID)
	var rep0 struct {
		Total struct {
			Conversations int                `json:"conversations"`
			MeanScore     float64            `json:"mean_score"`
			FindingShare  map[string]float64 `json:"finding_share"`
		} `json:"total"`
	}
	e.json("qa", "GET", "/api/v1/report", nil, 200, &rep0)
	qa.get("/conversations/" + f.ConversationID)
	if code, _, _ := qa.post("/disputes/"+did+"/ruling", url.Values{"decision": {"accept"}, "comment": {"同意"}}); code != http.StatusSeeOther {
		t.Fatalf("ruling: %d", code)
	}
	after, _ := e.st.GetResult(context.Background(), f.ConversationID)
	if after.Score <= before.Score && !before.Fatal {
		t.Fatalf("score %d → %d after an accepted dispute", before.Score, after.Score)
	}
	var rep1 = rep0
	e.json("qa", "GET", "/api/v1/report", nil, 200, &rep1)
	// The report's mean moves by the conversation's gain over the count,
	// up to its rounding to a tenth.
	want := float64(after.Score-before.Score) / float64(rep0.Total.Conversations)
	if got := rep1.Total.MeanScore - rep0.Total.MeanScore; rep0.Total.Conversations == 0 || got < want-0.1 || got > want+0.1 || got <= 0 {
		t.Fatalf("report mean score %v → %v, want a rise of about %.3f (conversation %s %d → %d of %d)", rep0.Total.MeanScore, rep1.Total.MeanScore, want, f.ConversationID, before.Score, after.Score, rep0.Total.Conversations)
	}
	if code, _, _ := qa.post("/disputes/"+did+"/ruling", url.Values{"decision": {"reject"}}); code != http.StatusConflict {
		t.Fatalf("second ruling: %d", code)
	}
	_, page, _ = v1.get("/conversations/" + f.ConversationID)
	if !strings.Contains(page, "申诉成立") || !strings.Contains(page, `id="score">`+strconv.Itoa(after.Score)+`<`) {
		t.Fatal("conversation page after the ruling")
	}
	// The findings list filters on review state.
	if _, page, _ := qa.get("/findings?review=overturned"); !strings.Contains(page, "#f-"+fid) {
		t.Fatal("overturned filter")
	}
	if code, _, _ := qa.get("/findings?review=bogus"); code != 400 {
		t.Fatalf("bad review filter: %d", code)
	}
}

func TestWebReviewVerdicts(t *testing.T) {
	e := newTestEnv(t, nil)
	e.json("admin", "POST", "/api/v1/conversations", readExamples(t), 200, nil)
	f := deductedFinding(t, e, "v1")
	qa, v1 := e.signIn("qa"), e.signIn("v1")
	fid := strconv.FormatInt(f.ID, 10)
	qa.get("/conversations/" + f.ConversationID)
	form := url.Values{"v-" + fid: {"wrong"}, "c-" + fid: {"客户并未生气"}, "missed_code": {"promise.made"}, "missed_messages": {"1"}}
	if code, _, _ := qa.post("/conversations/"+f.ConversationID+"/review", form); code != http.StatusSeeOther {
		t.Fatalf("review: %d", code)
	}
	form.Set("v-"+fid, "correct")
	form.Del("missed_code")
	qa.post("/conversations/"+f.ConversationID+"/review", form)
	vs, _ := e.st.ListVerdicts(context.Background(), store.VerdictFilter{ConversationID: f.ConversationID})
	if len(vs) != 2 || vs[0].Verdict != "correct" || vs[1].Verdict != "missed" || vs[1].Code != "promise.made" {
		t.Fatalf("verdicts: %+v", vs)
	}
	if _, page, _ := qa.get("/findings?review=confirmed"); !strings.Contains(page, "#f-"+fid) {
		t.Fatal("confirmed filter")
	}
	form.Del("csrf") // that was qa's: v1 sends its own
	if code, _, _ := v1.post("/conversations/"+f.ConversationID+"/review", form); code != 404 {
		t.Fatalf("vendor reviews: %d", code)
	}
	if code, _, _ := qa.post("/conversations/"+f.ConversationID+"/review", url.Values{"missed_code": {"promise.made"}, "missed_messages": {"999"}}); code != 400 {
		t.Fatalf("bad message number: %d", code)
	}
	if _, page, _ := v1.get("/conversations/" + f.ConversationID); strings.Contains(page, "客户并未生气") {
		t.Fatal("vendor sees reviewer notes")
	}
}
