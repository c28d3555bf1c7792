package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fullqa/internal/store"
)

// Cookies of the dashboard. The session cookie holds a random token the
// store keeps only the hash of; the login cookie carries the sign-in
// form's CSRF token before there is a session (double submit).
const (
	sessionCookie = "fullqa_session"
	loginCookie   = "fullqa_login"
	langCookie    = "fullqa_lang"
	sessionTTL    = 12 * time.Hour
)

type sessionKey struct{}

// sessionOf is the signed-in session of a page request, nil before
// sign-in.
func sessionOf(r *http.Request) *store.Session {
	s, _ := r.Context().Value(sessionKey{}).(*store.Session)
	return s
}

// webRoutes are the dashboard's pages and form actions. Every one but
// sign-in, the language switch and static files needs a session; every
// POST checks the session's CSRF token.
func (s *Server) webRoutes() []route {
	return []route{
		{"GET /{$}", true, s.webHome},
		{"GET /login", false, s.getLogin},
		{"POST /login", false, s.postLogin},
		{"POST /logout", true, s.postLogout},
		{"GET /lang/{lang}", false, s.getLang},
		{"GET /overview", true, s.getOverview},
		{"GET /findings", true, s.getFindingsPage},
		{"GET /conversations/{id}", true, s.getConversationPage},
		{"POST /conversations/{id}/review", true, s.postReview},
		{"POST /findings/{id}/dispute", true, s.postDispute},
		{"GET /disputes", true, s.getDisputes},
		{"POST /disputes/{id}/ruling", true, s.postRuling},
		{"GET /agents/{agent}", true, s.getAgentPage},
		{"GET /vendors/{vendor}", true, s.getVendorPage},
		{"GET /review", true, s.getReviewQueue},
		{"POST /review/queue", true, s.postReviewQueue},
		{"GET /calibration", true, s.getCalibration},
		{"GET /export/labels.jsonl", true, s.getLabelsExport},
	}
}

// mountWeb adds the dashboard to mux.
func (s *Server) mountWeb(mux *http.ServeMux) {
	for _, rt := range s.webRoutes() {
		h := http.Handler(rt.h)
		if rt.auth {
			h = s.session(rt.h)
		}
		mux.Handle(rt.pattern, securityHeaders(h))
	}
	static, _ := fs.Sub(webStatic, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
}

// session wraps a page: without a live session a GET goes to the sign-in
// page (and back after it), anything else is refused; a POST must carry
// the session's CSRF token.
func (s *Server) session(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess *store.Session
		if err == nil && c.Value != "" {
			sess, err = s.st.SessionOf(r.Context(), c.Value, s.now())
		}
		if err != nil && !errors.Is(err, http.ErrNoCookie) && !errors.Is(err, store.ErrNotFound) {
			s.failPage(w, r, err)
			return
		}
		if sess == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first / 请先登录", http.StatusUnauthorized)
			return
		}
		ctx := context.WithValue(r.Context(), sessionKey{}, sess)
		ctx = context.WithValue(ctx, userKey{}, sess.User) // so audit() names the user
		r = r.WithContext(ctx)
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if !checkCSRF(r, sess.CSRF) {
				http.Error(w, "bad or missing CSRF token: reload the page / 表单已过期，请刷新页面", http.StatusForbidden)
				return
			}
		}
		h(w, r)
	})
}

func (s *Server) webHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/overview", http.StatusSeeOther)
}

// loginData is the sign-in page.
type loginData struct {
	Next, Name, Error, Token string
}

func (s *Server) getLogin(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, loginData{Next: localPath(r.URL.Query().Get("next"))})
}

// showLogin renders the form with a fresh double-submit token.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	b := make([]byte, 24)
	rand.Read(b)
	d.Token = base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: d.Token, Path: "/login", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, status, "login", "sign_in", d)
	})).ServeHTTP(w, r)
}

func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	d := loginData{Next: localPath(r.PostFormValue("next")), Name: strings.TrimSpace(r.PostFormValue("name"))}
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || r.PostFormValue("csrf") != c.Value {
		d.Error = "login_expired"
		s.showLogin(w, r, http.StatusForbidden, d)
		return
	}
	u, err := s.st.CheckPassword(r.Context(), d.Name, r.PostFormValue("password"))
	if errors.Is(err, store.ErrBadLogin) {
		s.st.Audit(r.Context(), store.AuditEntry{At: s.now(), User: d.Name, Action: "session.refused", Object: d.Name})
		d.Error = "bad_login"
		s.showLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	tok, sess, err := s.st.NewSession(r.Context(), u, s.now(), sessionTTL)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, Expires: sess.Expires})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/login", MaxAge: -1})
	next := d.Next
	if next == "" {
		next = "/overview"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) postLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.st.EndSession(r.Context(), c.Value, sessionOf(r).User.Name, s.now()); err != nil {
			s.failPage(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// getLang switches the language (a cookie) and goes back.
func (s *Server) getLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if l != "zh" && l != "en" {
		http.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	back := localPath(r.URL.Query().Get("back"))
	if back == "" {
		back = "/overview"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// localPath keeps a redirect target on this site: a path, not "//host"
// or a URL.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return ""
	}
	return p
}

// requireQA refuses vendor users a QA-only page or action (404: the page
// is not there for them).
func (s *Server) requireQA(w http.ResponseWriter, r *http.Request) bool {
	if u := sessionOf(r).User; u.Role == store.RoleVendor {
		s.notFound(w, r)
		return false
	}
	return true
}
