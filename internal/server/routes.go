package server

import "net/http"

// route is one endpoint: a ServeMux pattern and its handler. Handlers
// under /api/v1 (but the OpenAPI document) and /metrics need a token.
type route struct {
	pattern string
	auth    bool
	h       http.HandlerFunc
}

// routes lists every endpoint; the embedded OpenAPI document is checked
// against it at start-up. Later features (dashboard pages, review
// actions) add their routes here.
func (s *Server) routes() []route {
	return []route{
		{"GET /healthz", false, s.healthz},
		{"GET /api/v1/openapi.json", false, s.getOpenAPI},
		{"POST /api/v1/conversations", true, s.postConversations},
		{"GET /api/v1/conversations/{id}", true, s.getConversation},
		{"POST /api/v1/messages", true, s.postMessages},
		{"GET /api/v1/findings", true, s.getFindings},
		{"GET /api/v1/bursts", true, s.getBursts},
		{"GET /api/v1/promises", true, s.getPromises},
		{"GET /api/v1/report", true, s.getReport},
		{"GET /metrics", true, s.getMetrics},
	}
}

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		if rt.auth {
			mux.Handle(rt.pattern, s.auth(rt.h))
		} else {
			mux.HandleFunc(rt.pattern, rt.h)
		}
	}
	s.mountWeb(mux)
	return mux
}
