package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// Source calls fn with each conversation of a labelled data set, in file
// order, and stops at the first error.
type Source func(fn func(*conversation.Conversation) error) error

// JDDC reads the JDDC chat TSV (../shared/data/jddc/jddc_dev.tsv) with the
// product's own importer, so the eval sees what a scan sees.
func JDDC(path string) Source {
	return func(fn func(*conversation.Conversation) error) error {
		return ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJDDC}, fn)
	}
}

// TWCS reads the Customer Support on Twitter sample
// (../shared/data/twcs/twcs_head.csv) with the product's own importer: the
// English conversations the English promise rules are measured on.
func TWCS(path string) Source {
	return func(fn func(*conversation.Conversation) error) error {
		return ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatTWCS}, fn)
	}
}

// USS reads the JD dialogues of the user-satisfaction data set
// (../shared/data/uss_jddc/valid_jddc.dialogs.jsonl): one JSON object a
// line with an id and turns of role "user" or "agent". Message numbers are
// turn numbers. The satisfaction ratings are not read: they label another
// thing than the findings.
func USS(path string) Source {
	type dialogue struct {
		ID    string `json:"id"`
		Turns []struct {
			Role string `json:"role"`
			Text string `json:"text"`
		} `json:"turns"`
	}
	return func(fn func(*conversation.Conversation) error) error {
		return forEachJSONL(path, func(d *dialogue) error {
			c := &conversation.Conversation{ID: d.ID, Channel: "jd"}
			for _, t := range d.Turns {
				role := conversation.RoleAgent
				if t.Role == "user" {
					role = conversation.RoleCustomer
				}
				c.Messages = append(c.Messages, conversation.Message{Role: role, Text: t.Text})
			}
			return fn(c)
		})
	}
}

// STC3 reads the Chinese customer–helpdesk threads of the NTCIR-14 STC-3
// dialogue quality task (Weibo: customers @-mention a brand, its helpdesk
// account replies): one JSON array of {"id", "turns": [{"sender":
// "customer"|"helpdesk", "utterances": [...]}]}. Each non-blank utterance is
// one message, numbered in order across the turns; blank ones (pictures the
// crawl dropped) are left out, as a reviewer's print-out leaves them out.
// It is the test part of that task, so it is scored, never trained or tuned
// on (internal/eval/testdata/README.md).
func STC3(path string) Source {
	type dialogue struct {
		ID    string `json:"id"`
		Turns []struct {
			Sender     string   `json:"sender"`
			Utterances []string `json:"utterances"`
		} `json:"turns"`
	}
	return func(fn func(*conversation.Conversation) error) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var ds []dialogue
		if err := json.Unmarshal(b, &ds); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, d := range ds {
			c := &conversation.Conversation{ID: d.ID, Channel: "weibo"}
			for _, t := range d.Turns {
				role := conversation.RoleAgent
				if t.Sender == "customer" {
					role = conversation.RoleCustomer
				}
				for _, u := range t.Utterances {
					if strings.TrimSpace(u) != "" {
						c.Messages = append(c.Messages, conversation.Message{Role: role, Text: u})
					}
				}
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	}
}

// forEachJSONL decodes each non-blank line of the JSON Lines file at path
// into a fresh T and calls fn with it, in file order; a line that does not
// decode is an error naming the file and line. Labels, threat labels and
// the uss dialogues are all read this way.
func forEachJSONL[T any](path string, fn func(*T) error) error {
	return forEachJSONLine(path, func(_ int, v *T) error { return fn(v) })
}

// forEachJSONLine is forEachJSONL telling fn also the line number (from
// 1), for a reader whose own checks name the line (JDH's refund windows).
func forEachJSONLine[T any](path string, fn func(line int, v *T) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		v := new(T)
		if err := json.Unmarshal(sc.Bytes(), v); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if err := fn(line, v); err != nil {
			return err
		}
	}
	return sc.Err()
}
