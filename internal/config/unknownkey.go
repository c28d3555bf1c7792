package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/text"
)

// unknownField is how the YAML decoder words a key the config does not
// have: "line 3: field respons not found in type detect.Config".
var unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)

// explainDecodeError rewords the decoder's unknown-key errors for the
// person who wrote the file: the key's full path and line, and the nearest
// key that exists there ("line 3: detect.respons: unknown key (did you mean
// response?)") instead of the Go type it failed to fit. Other errors pass
// unchanged.
func explainDecodeError(data []byte, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return err
	}
	var known yaml.Node
	if b, mErr := yaml.Marshal(Default()); mErr == nil {
		yaml.Unmarshal(b, &known)
	}
	msgs := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		msgs[i] = e
		m := unknownField.FindStringSubmatch(e)
		if m == nil {
			continue
		}
		line, _ := strconv.Atoi(m[1])
		path := keyPath(doc.Content[0], line, m[2], nil)
		if path == nil {
			continue
		}
		msg := fmt.Sprintf("line %d: %s: unknown key", line, strings.Join(path, "."))
		if len(known.Content) > 0 {
			if s := nearestKey(known.Content[0], path); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
		}
		msgs[i] = msg
	}
	return errors.New(strings.Join(msgs, "; "))
}

// keyPath finds the mapping key named key on line in n and returns the
// keys leading to it, itself last; nil when it is not there.
func keyPath(n *yaml.Node, line int, key string, above []string) []string {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := append(append([]string(nil), above...), k.Value)
			if k.Line == line && k.Value == key {
				return p
			}
			if r := keyPath(v, line, key, p); r != nil {
				return r
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if r := keyPath(c, line, key, above); r != nil {
				return r
			}
		}
	}
	return nil
}

// nearestKey is the key of the default config beside path's last element
// that is closest to it in spelling (at most a third of its letters off),
// or "" when none is.
func nearestKey(known *yaml.Node, path []string) string {
	n := known
	for _, k := range path[:len(path)-1] {
		var next *yaml.Node
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return ""
		}
		n = next
	}
	if n.Kind != yaml.MappingNode {
		return ""
	}
	want := path[len(path)-1]
	best, bestD := "", len(want)/3+1
	for i := 0; i+1 < len(n.Content); i += 2 {
		if d := text.EditDistance(want, n.Content[i].Value); d < bestD {
			best, bestD = n.Content[i].Value, d
		}
	}
	return best
}
