package alert

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// Config is the `alerts:` section of the YAML config.
type Config struct {
	// Channels are the destinations, referred to by name from rules and
	// schedules.
	Channels []ChannelConfig `yaml:"channels"`
	// Rules choose which findings go to which channel.
	Rules []Rule `yaml:"rules"`
	// Digest groups alerts: when more than After alerts for one channel are
	// waiting within Window, they go out as one digest message.
	Digest DigestConfig `yaml:"digest"`
	// Retry: a failed send is tried again after Backoff, doubling each time
	// up to MaxBackoff; after Attempts failures it goes to the dead-letter
	// list.
	Retry RetryConfig `yaml:"retry"`
	// Schedules send a digest report per vendor at fixed times.
	Schedules []Schedule `yaml:"schedules"`
}

// ChannelConfig is one destination.
type ChannelConfig struct {
	Name string `yaml:"name"`
	// Type is dingtalk, wecom, feishu or webhook.
	Type string `yaml:"type"`
	URL  string `yaml:"url"`
	// Secret signs requests (DingTalk 加签, Feishu 签名校验, webhook HMAC);
	// SecretEnv names an environment variable holding it instead, so the
	// secret need not be written into the config file.
	Secret    string `yaml:"secret,omitempty"`
	SecretEnv string `yaml:"secret_env,omitempty"`
	// PerMinute overrides the platform's rate limit (0: the platform's).
	PerMinute int `yaml:"per_minute,omitempty"`
}

// Rule routes findings to a channel. An empty filter matches everything.
type Rule struct {
	Name        string   `yaml:"name,omitempty"`
	Codes       []string `yaml:"codes,omitempty"`
	MinSeverity string   `yaml:"min_severity,omitempty"`
	Vendors     []string `yaml:"vendors,omitempty"`
	Shops       []string `yaml:"shops,omitempty"`
	Channel     string   `yaml:"channel"`
	// Cooldown: after the rule sent an alert, further alerts of the rule
	// within this time wait and go out together as one digest when it ends.
	Cooldown detect.Duration `yaml:"cooldown,omitempty"`
}

// DigestConfig sets when waiting alerts are grouped.
type DigestConfig struct {
	After  int             `yaml:"after"`
	Window detect.Duration `yaml:"window"`
}

// RetryConfig sets the retry schedule.
type RetryConfig struct {
	Attempts   int             `yaml:"attempts"`
	Backoff    detect.Duration `yaml:"backoff"`
	MaxBackoff detect.Duration `yaml:"max_backoff"`
}

// DefaultConfig has no channels (alerts are off until a merchant adds
// one) and the grouping and retry behaviour a busy group chat needs.
func DefaultConfig() Config {
	return Config{
		Digest: DigestConfig{After: 5, Window: detect.Duration(time.Minute)},
		Retry: RetryConfig{Attempts: 8, Backoff: detect.Duration(5 * time.Second),
			MaxBackoff: detect.Duration(10 * time.Minute)},
	}
}

// Validate checks names, references and values, so a typo in a rule is
// found at start-up and not when the first alert is lost.
func (c Config) Validate() error {
	names := map[string]bool{}
	for i, ch := range c.Channels {
		where := fmt.Sprintf("alerts.channels[%d]", i)
		if ch.Name == "" {
			return fmt.Errorf("%s: name is required", where)
		}
		if names[ch.Name] {
			return fmt.Errorf("%s: channel %q defined twice", where, ch.Name)
		}
		names[ch.Name] = true
		switch ch.Type {
		case "dingtalk", "wecom", "feishu", "webhook":
		default:
			return fmt.Errorf("%s (%s): type %q is not dingtalk, wecom, feishu or webhook", where, ch.Name, ch.Type)
		}
		u, err := url.Parse(ch.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s (%s): url %q is not an http(s) URL", where, ch.Name, ch.URL)
		}
		if ch.Secret != "" && ch.SecretEnv != "" {
			return fmt.Errorf("%s (%s): give secret or secret_env, not both", where, ch.Name)
		}
		if ch.PerMinute < 0 {
			return fmt.Errorf("%s (%s): per_minute must not be negative", where, ch.Name)
		}
	}
	for i, r := range c.Rules {
		where := fmt.Sprintf("alerts.rules[%d]", i)
		if !names[r.Channel] {
			return fmt.Errorf("%s: channel %q is not defined under alerts.channels", where, r.Channel)
		}
		for _, code := range r.Codes {
			if !conversation.KnownCode(code) {
				return fmt.Errorf("%s: unknown finding code %q", where, code)
			}
		}
		if r.MinSeverity != "" {
			if _, ok := conversation.ParseSeverity(r.MinSeverity); !ok {
				return fmt.Errorf("%s: min_severity %q is not info, low, medium, high or critical", where, r.MinSeverity)
			}
		}
		if r.Cooldown < 0 {
			return fmt.Errorf("%s: cooldown must not be negative", where)
		}
	}
	for i, s := range c.Schedules {
		where := fmt.Sprintf("alerts.schedules[%d]", i)
		if !names[s.Channel] {
			return fmt.Errorf("%s: channel %q is not defined under alerts.channels", where, s.Channel)
		}
		if _, err := ParseWhen(s.When); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	if c.Digest.After < 0 || c.Digest.Window < 0 {
		return errors.New("alerts.digest: after and window must not be negative")
	}
	if c.Retry.Attempts < 1 || c.Retry.Backoff <= 0 || c.Retry.MaxBackoff < c.Retry.Backoff {
		return errors.New("alerts.retry: attempts must be at least 1, backoff positive, max_backoff at least backoff")
	}
	return nil
}

// Match reports whether the rule takes an alert.
func (r Rule) Match(a Alert) bool {
	if len(r.Codes) > 0 && !contains(r.Codes, a.Code) {
		return false
	}
	if r.MinSeverity != "" {
		min, _ := conversation.ParseSeverity(r.MinSeverity)
		sev, ok := conversation.ParseSeverity(a.Severity)
		if !ok || sev < min {
			return false
		}
	}
	if len(r.Vendors) > 0 && !contains(r.Vendors, a.Vendor) {
		return false
	}
	if len(r.Shops) > 0 && !contains(r.Shops, a.Shop) {
		return false
	}
	return true
}

// RuleName is the rule's name, or its position when it has none; cooldowns
// are kept per rule under this name.
func (c Config) RuleName(i int) string {
	if c.Rules[i].Name != "" {
		return c.Rules[i].Name
	}
	return fmt.Sprintf("rule-%d", i)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
