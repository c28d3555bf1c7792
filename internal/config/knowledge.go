package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/knowledge"
)

// Knowledge is the knowledge: block: either `file: facts.yaml` (a path
// relative to the config file) or the facts written inline, in the format
// of examples/facts.yaml. It is kept as YAML until Load, which knows the
// config file's name for line numbers and relative paths.
type Knowledge struct {
	node *yaml.Node
}

// UnmarshalYAML keeps the block for Load.
func (k *Knowledge) UnmarshalYAML(n *yaml.Node) error {
	k.node = n
	return nil
}

// MarshalYAML prints the block as it was written.
func (k Knowledge) MarshalYAML() (any, error) { return k.node, nil }

// IsZero reports an absent block, so `fullqa config` leaves it out.
func (k Knowledge) IsZero() bool { return k.node == nil }

// legacyPolicy maps the old detect.policy keys to the facts keys they
// became and the unit their number is in.
var legacyPolicy = []struct{ old, key, unit string }{
	{"return_window_days", "return.window", "天"},
	{"max_ship_days", "shipping.dispatch", "天内"},
	{"max_compensation_yuan", "compensation.max", "元"},
}

// loadKnowledge reads the facts of the knowledge: block and migrates the
// limits set under detect.policy into them, so that the knowledge detector
// and promise.over_policy read one set of facts. A limit set in both places
// with different values is an error. Without a knowledge: block nothing is
// migrated and detect.policy feeds promise.over_policy as before.
func (c *Config) loadKnowledge(path string, data []byte) error {
	var facts *knowledge.Facts
	if n := c.Knowledge.node; n != nil && n.Kind != 0 && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		var err error
		if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "file" {
			file := n.Content[1].Value
			if !filepath.IsAbs(file) {
				file = filepath.Join(filepath.Dir(path), file)
			}
			if facts, err = knowledge.Load(file); errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("line %d: knowledge.file: no facts file %s (a relative path is read from the config file's folder)",
					n.Content[1].Line, file)
			}
		} else {
			facts, err = knowledge.FromNode(n, path)
		}
		if err != nil {
			return fmt.Errorf("knowledge: %w", err)
		}
	}
	if facts == nil {
		// Without a facts file detect.policy works as it always has:
		// promise.over_policy reads it, and nothing else changes.
		return nil
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err == nil && len(doc.Content) > 0 {
		pol := child(child(doc.Content[0], "detect"), "policy")
		for _, l := range legacyPolicy {
			v := child(pol, l.old)
			if v == nil {
				continue
			}
			if f, err := strconv.ParseFloat(v.Value, 64); err != nil || f <= 0 {
				continue // 0 turns the check off; a bad number fails validation
			}
			where := fmt.Sprintf("%s:%d (detect.policy.%s)", path, v.Line, l.old)
			if err := facts.Adopt(knowledge.Legacy{Key: l.key, Value: v.Value + l.unit, Where: where}); err != nil {
				return fmt.Errorf("knowledge: %w", err)
			}
		}
	}
	c.Detect.Facts = facts
	// detect.policy shows the limits the facts set, so that `fullqa config`
	// prints one truth and what it prints loads back.
	p := facts.Policy()
	if p.ReturnWindowDays > 0 {
		c.Detect.Policy.ReturnWindowDays = p.ReturnWindowDays
	}
	if p.MaxShipDays > 0 {
		c.Detect.Policy.MaxShipDays = p.MaxShipDays
	}
	if p.MaxCompensationYuan > 0 {
		c.Detect.Policy.MaxCompensationYuan = p.MaxCompensationYuan
	}
	return nil
}

// child returns the value of key in mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
