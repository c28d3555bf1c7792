package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"fullqa/internal/ingest"
)

// rejected is one bad record in an answer, as the CLI reports it
// ("line: field: error"); line counts records from 1 (array elements for
// a JSON array body).
type rejected struct {
	Line  int    `json:"line"`
	Field string `json:"field,omitempty"`
	Error string `json:"error"`
}

func rejectOf(err error) (rejected, bool) {
	var re *ingest.RecordError
	if !errors.As(err, &re) {
		return rejected{}, false
	}
	return rejected{Line: re.Line, Field: re.Field, Error: re.Msg}, true
}

// errBody is a body that cannot be read as records at all (400), unlike a
// bad record, which is rejected while the others go on.
type errBody struct{ msg string }

func (e errBody) Error() string { return e.msg }

// bodyLines returns the request body as JSON Lines: JSON Lines bodies as
// they are, a JSON array body one element a line (compacted), so both go
// through the CLI's own parser and errors. The body is capped by
// serve.max_body_bytes.
func (s *Server) bodyLines(w http.ResponseWriter, r *http.Request) (io.Reader, error) {
	body := bufio.NewReaderSize(http.MaxBytesReader(w, r.Body, s.o.Serve.MaxBodyBytes), 64<<10)
	for {
		c, err := body.ReadByte()
		if err == io.EOF {
			return bytes.NewReader(nil), nil
		}
		if err != nil {
			return nil, err
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		body.UnreadByte()
		if c != '[' {
			return body, nil
		}
		break
	}
	dec := json.NewDecoder(body)
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for n := 1; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, err
			}
			return nil, errBody{fmt.Sprintf("JSON array element %d: %v", n, err)}
		}
		if err := json.Compact(&out, raw); err != nil {
			return nil, errBody{fmt.Sprintf("JSON array element %d: %v", n, err)}
		}
		out.WriteByte('\n')
	}
	if _, err := dec.Token(); err != nil {
		return nil, errBody{"JSON array: " + err.Error()}
	}
	return &out, nil
}

// bodyError answers a body that could not be read.
func bodyError(w http.ResponseWriter, err error) {
	var mb *http.MaxBytesError
	var eb errBody
	switch {
	case errors.As(err, &mb):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes (serve.max_body_bytes): split it", mb.Limit))
	case errors.As(err, &eb):
		writeError(w, http.StatusBadRequest, eb.msg)
	default:
		writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
	}
}

// sortRejected orders rejects by line, as the records came.
func sortRejected(rs []rejected) {
	slices.SortStableFunc(rs, func(a, b rejected) int { return a.Line - b.Line })
}
