package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"fullqa/internal/store"
)

type userKey struct{}

// auth wraps an API handler: the request needs "Authorization: Bearer
// TOKEN" of an active user. The user travels in the request's context.
func (s *Server) auth(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		tok = strings.TrimSpace(tok)
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fullqa"`)
			writeError(w, http.StatusUnauthorized, "missing Authorization: Bearer TOKEN (create one with fullqa user add)")
			return
		}
		u, err := s.st.UserByToken(r.Context(), tok)
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fullqa", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unknown or revoked token")
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

// userOf is the authenticated user of a request that passed auth.
func userOf(r *http.Request) *store.User {
	u, _ := r.Context().Value(userKey{}).(*store.User)
	return u
}

// audit records a read or change; a failure to record is logged, not
// shown to the caller, whose request already succeeded.
func (s *Server) audit(r *http.Request, action, object, detail string) {
	u := userOf(r)
	name := ""
	if u != nil {
		name = u.Name
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{At: s.now(), User: name, Action: action, Object: object, Detail: detail}); err != nil {
		s.log.Error("audit", "err", err)
	}
}
