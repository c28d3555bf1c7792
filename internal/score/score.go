// Package score turns findings into what a merchant manages by: a score per
// conversation from the configured scorecard, and the platforms' KPIs per
// agent, team, vendor, shop and day, with contract targets checked.
package score

import (
	"errors"
	"fmt"
	"time"

	"fullqa/internal/detect"
)

// Config is the scoring part of the YAML config.
type Config struct {
	Scorecard Scorecard           `yaml:"scorecard"`
	KPI       KPIConfig           `yaml:"kpi"`
	Teams     map[string][]string `yaml:"teams"`     // team → agents
	Contracts []Contract          `yaml:"contracts"` // vendor targets
}

// DefaultConfig returns the shipped scorecard and the platform KPI rules.
func DefaultConfig() Config {
	return Config{Scorecard: DefaultScorecard(), KPI: DefaultKPIConfig()}
}

// Validate checks every part.
func (c Config) Validate() error {
	if err := c.Scorecard.Validate(); err != nil {
		return err
	}
	if err := c.KPI.Validate(); err != nil {
		return err
	}
	seen := map[string]string{}
	for team, agents := range c.Teams {
		for _, a := range agents {
			if other, dup := seen[a]; dup {
				return fmt.Errorf("teams: agent %q is in both %q and %q", a, other, team)
			}
			seen[a] = team
		}
	}
	for i, ct := range c.Contracts {
		if err := ct.Validate(); err != nil {
			return fmt.Errorf("contracts[%d]: %w", i, err)
		}
	}
	return nil
}

// KPIConfig holds the KPI rules. Defaults follow the platforms: the
// 3-minute human response rule, a service window of 08:00–23:00 for the
// 3分钟响应率, a customer counted as replied (回复率) when nothing they sent
// that day waited more than an hour, and a conversation counted as long
// beyond 40 messages or 30 minutes.
type KPIConfig struct {
	SlowAfter    detect.Duration `yaml:"slow_after"`
	ServiceStart string          `yaml:"service_start"`
	ServiceEnd   string          `yaml:"service_end"`
	ReplyWithin  detect.Duration `yaml:"reply_within"`
	LongMessages int             `yaml:"long_messages"`
	LongDuration detect.Duration `yaml:"long_duration"`
}

// DefaultKPIConfig returns the platform rules.
func DefaultKPIConfig() KPIConfig {
	return KPIConfig{SlowAfter: detect.Duration(3 * time.Minute), ServiceStart: "08:00", ServiceEnd: "23:00",
		ReplyWithin: detect.Duration(time.Hour), LongMessages: 40, LongDuration: detect.Duration(30 * time.Minute)}
}

// Validate checks the window and thresholds.
func (k KPIConfig) Validate() error {
	if k.SlowAfter <= 0 || k.ReplyWithin <= 0 || k.LongDuration <= 0 || k.LongMessages <= 0 {
		return errors.New("kpi: slow_after, reply_within, long_duration and long_messages must be positive")
	}
	a, err := clock(k.ServiceStart)
	if err != nil {
		return fmt.Errorf("kpi.service_start: %w", err)
	}
	b, err := clock(k.ServiceEnd)
	if err != nil {
		return fmt.Errorf("kpi.service_end: %w", err)
	}
	if a >= b {
		return errors.New("kpi: service_start must be before service_end")
	}
	return nil
}

// clock parses "HH:MM" into a duration since midnight.
func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("want HH:MM, got %q", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// window returns the service window as offsets from midnight. Callers
// parse it once and test many times with inWindow.
func (k KPIConfig) window() (start, end time.Duration) {
	start, _ = clock(k.ServiceStart)
	end, _ = clock(k.ServiceEnd)
	return start, end
}
