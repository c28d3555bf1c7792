package server

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"fullqa/internal/codebook"
	"fullqa/internal/store"
)

// The dashboard: server-rendered pages for people, signed in with a
// password and a session cookie, beside the token API. Templates and
// static files are embedded; every page is parsed and every UI word it
// uses checked against the text table when the server starts, so a
// broken page stops start-up instead of failing in front of a user.

//go:embed templates/*.html
var webTemplates embed.FS

//go:embed static
var webStatic embed.FS

// web holds the parsed pages and the UI text table.
type web struct {
	pages map[string]*template.Template
	texts map[string][2]string // key → {zh, en}
	lang  codebook.Lang        // the default language
}

// newWeb parses every page with the layout and checks its words.
func newWeb(defaultLang string, loc *time.Location) (*web, error) {
	lang, err := codebook.ParseLang(defaultLang)
	if err != nil {
		return nil, fmt.Errorf("server: dashboard: %w", err)
	}
	w := &web{pages: map[string]*template.Template{}, texts: uiTexts(), lang: lang}
	layout, err := fs.ReadFile(webTemplates, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("server: dashboard: %w", err)
	}
	names, err := fs.Glob(webTemplates, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("server: dashboard: %w", err)
	}
	// tKey finds the UI words a template asks for ({{$.T "key"}}).
	tKey := regexp.MustCompile(`\.T "([^"]+)"`)
	var missing []string
	for _, n := range names {
		src, err := fs.ReadFile(webTemplates, n)
		if err != nil {
			return nil, fmt.Errorf("server: dashboard: %w", err)
		}
		for _, m := range tKey.FindAllStringSubmatch(string(src), -1) {
			if _, ok := w.texts[m[1]]; !ok {
				missing = append(missing, n+": "+m[1])
			}
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(webFuncs(loc)).Parse(string(layout))
		if err == nil {
			t, err = t.Parse(string(src))
		}
		if err != nil {
			return nil, fmt.Errorf("server: dashboard template %s: %w", n, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("server: dashboard template %s: no content block", n)
		}
		w.pages[name] = t
	}
	// Words the templates build from data ({{$.T (print "st_" .Status)}}):
	// every value the data can take needs its translation too.
	for prefix, vals := range dynamicWords() {
		for _, v := range vals {
			if _, ok := w.texts[prefix+v]; !ok {
				missing = append(missing, "(data): "+prefix+v)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("server: dashboard: UI words without a translation: %s", strings.Join(missing, ", "))
	}
	return w, nil
}

// page is what every template gets: who is signed in, in which language,
// the CSRF token for its forms, and the page's own data in D.
type page struct {
	w     *web
	Lang  codebook.Lang
	User  *store.User
	CSRF  string
	Path  string // the request's path and query, for the language switch
	Title string
	D     any
}

// T is a UI word in the page's language.
func (p *page) T(key string) string {
	t, ok := p.w.texts[key]
	if !ok {
		return "??" + key
	}
	if p.Lang == codebook.EN {
		return t[1]
	}
	return t[0]
}

// Name is the codebook name of a code, tag, severity or KPI.
func (p *page) Name(key string) string { return codebook.Name(key, p.Lang) }

// Explain is the codebook explanation of a key.
func (p *page) Explain(key string) string { return codebook.Explain(key, p.Lang) }

// Detail is a finding's detail line in the page's language (the detectors
// write English; codebook.Detail reads their templates in Chinese).
func (p *page) Detail(detail string) string { return codebook.Detail(detail, p.Lang) }

// QA reports whether the user reviews and rules (qa or admin).
func (p *page) QA() bool { return p.User != nil && p.User.Role != store.RoleVendor }

// Other is the other language, for the switch.
func (p *page) Other() string {
	if p.Lang == codebook.EN {
		return "zh"
	}
	return "en"
}

// render executes a page into a buffer first, so a template error is a
// clean 500 rather than half a page. title is a UI word's key, or a text
// already in the page's language.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) {
	t := s.web.pages[name]
	if t == nil {
		s.failPage(w, r, fmt.Errorf("no page %q", name))
		return
	}
	p := s.pageOf(r)
	p.Title, p.D = p.Msg(title), d
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.failPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// pageOf is the page frame of a request: its language and session.
func (s *Server) pageOf(r *http.Request) *page {
	p := &page{w: s.web, Lang: s.langOf(r), Path: r.URL.RequestURI()}
	if sess := sessionOf(r); sess != nil {
		p.User, p.CSRF = sess.User, sess.CSRF
	}
	return p
}

// langOf is the language a request asked for (?lang=, then the cookie the
// switch set), else the configured default.
func (s *Server) langOf(r *http.Request) codebook.Lang {
	if l, err := codebook.ParseLang(r.URL.Query().Get("lang")); err == nil && r.URL.Query().Get("lang") != "" {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, err := codebook.ParseLang(c.Value); err == nil {
			return l
		}
	}
	return s.web.lang
}

// failPage answers 500 with a plain page and logs the error.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	http.Error(w, "internal error / 内部错误", http.StatusInternalServerError)
}

// notFound answers the dashboard's 404, the same for "does not exist" and
// "not yours", so a vendor user learns nothing about other vendors.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "error", "not_found", "not_found_text")
}

// badRequest answers 400 with the reason.
func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, msg string) {
	s.render(w, r, http.StatusBadRequest, "error", "bad_request", msg)
}

// pageErr maps a store error to a page: not found, conflict, or 500.
func (s *Server) pageErr(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrConflict):
		s.render(w, r, http.StatusConflict, "error", "conflict", err.Error())
	case errors.Is(err, store.ErrBadFilter):
		s.badRequest(w, r, err.Error())
	default:
		s.failPage(w, r, err)
	}
}

// checkCSRF compares a form's token with the session's in constant time.
func checkCSRF(r *http.Request, want string) bool {
	got := r.PostFormValue("csrf")
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// securityHeaders are sent with every page: no framing, no inline script,
// nothing from other origins (the dashboard works offline).
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}
