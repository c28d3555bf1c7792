package server

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
)

// openAPI is the API's description, embedded in the binary.
//
//go:embed openapi.json
var openAPI []byte

// checkOpenAPI runs at start-up: the embedded document must be valid
// JSON and describe every route the server has.
func checkOpenAPI(routes []string) error {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		return fmt.Errorf("server: openapi.json: %w", err)
	}
	for _, r := range routes {
		var method, path string
		fmt.Sscan(r, &method, &path)
		ops, ok := doc.Paths[path]
		if !ok {
			return fmt.Errorf("server: openapi.json lacks path %s", path)
		}
		if _, ok := ops[lower(method)]; !ok {
			return fmt.Errorf("server: openapi.json lacks %s %s", method, path)
		}
	}
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// getOpenAPI serves the document; it needs no token (it is the API's
// public description, not data).
func (s *Server) getOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}
