package detect

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/knowledge"
)

// Config is the detectors' part of the YAML config: one block per detector
// family, each with its own defaults and validation beside the detector.
type Config struct {
	Response  ResponseConfig  `yaml:"response"`
	Sensitive SensitiveConfig `yaml:"sensitive"`
	// Policy is the shop policy promises are checked against.
	Policy PolicyConfig `yaml:"policy"`
	// Loop sets how alike two messages must be to count as a repeat.
	Loop LoopConfig `yaml:"loop"`
	// Emotion turns per-message emotion into findings.
	Emotion EmotionConfig `yaml:"emotion"`
	// Facts are the shop's facts (the config's knowledge: block or the
	// file it names), loaded by the config package; nil when none is set.
	// The knowledge detector checks claims against them and
	// promise.over_policy takes its limits from them.
	Facts *knowledge.Facts `yaml:"-"`
	// Threat is the learned customer-threat scorer (internal/classify's
	// embedded threat.weights, set by whoever builds the engine); nil
	// means the threat rules alone decide.
	Threat *ThreatModel `yaml:"-"`
}

// DefaultConfig returns every detector family's defaults.
func DefaultConfig() Config {
	return Config{
		Response:  DefaultResponseConfig(),
		Sensitive: DefaultSensitiveConfig(),
		Policy:    DefaultPolicyConfig(),
		Loop:      DefaultLoopConfig(),
		Emotion:   DefaultEmotionConfig(),
	}
}

// Validate checks every block.
func (c Config) Validate() error {
	if err := c.Response.Validate(); err != nil {
		return err
	}
	if err := c.Sensitive.Validate(); err != nil {
		return fmt.Errorf("detect: %w", err)
	}
	if err := c.Policy.Validate(); err != nil {
		return err
	}
	if err := c.Emotion.Validate(); err != nil {
		return err
	}
	return c.Loop.Validate()
}

// Duration is a time.Duration written in YAML as "3m", "30s" or "1h".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration like 30s or 3m", n.Line)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: bad duration %q: want a duration like 30s or 3m", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration the way it is read.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }
