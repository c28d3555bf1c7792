// Package config is fullqa's one YAML configuration: the compiled-in
// defaults, strict loading (an unknown key is an error, not a silent
// no-op), and validation. main loads it and passes the parts down; nothing
// reads configuration from globals.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/alert"
	"fullqa/internal/analyze"
	"fullqa/internal/codebook"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
	"fullqa/internal/privacy"
	"fullqa/internal/score"
)

// Config is the whole configuration.
type Config struct {
	// Timezone for timestamps without a zone and for days in reports.
	Timezone string `yaml:"timezone"`
	// Lang is the language of the text, HTML and xlsx reports: zh (the
	// default) or en; names come from internal/codebook.
	Lang   string        `yaml:"lang"`
	Ingest Ingest        `yaml:"ingest"`
	Scan   Scan          `yaml:"scan"`
	Detect detect.Config `yaml:"detect"`
	// Lexicon adds to, removes from or replaces the built-in word lists.
	Lexicon lexicon.Overrides `yaml:"lexicon"`
	// Knowledge is the shop's facts (knowledge: {file: facts.yaml}, or
	// inline), checked by the knowledge detector; see examples/facts.yaml.
	Knowledge Knowledge `yaml:"knowledge,omitempty"`
	// Score holds the scorecard, KPI rules, teams and vendor contracts
	// (top-level keys scorecard, kpi, teams, contracts).
	Score score.Config `yaml:",inline"`
	// Alerts sends findings to DingTalk, WeCom, Feishu and webhooks.
	Alerts alert.Config `yaml:"alerts"`
	// Serve configures `fullqa serve`.
	Serve Serve `yaml:"serve"`
	// Cross sets the across-conversation analyzers: repeat and promise
	// windows and the burst test.
	Cross analyze.Config `yaml:"cross"`
}

// Ingest configures the importers.
type Ingest struct {
	Format   string          `yaml:"format"`   // "" detects; see ingest.Formats
	Encoding string          `yaml:"encoding"` // "" detects utf-8 / gb18030
	Gap      detect.Duration `yaml:"session_gap"`
	MaxLine  int             `yaml:"max_record_bytes"`
	Columns  ingest.Columns  `yaml:"columns"`
	// SortByTime sorts each conversation's messages by time before they
	// are numbered, instead of rejecting one whose messages step back in
	// time (an export sorted newest first).
	SortByTime bool   `yaml:"sort_by_time"`
	Redact     Redact `yaml:"redact"`
}

// Redact masks personal data (mobile, ID card, bank card, landline,
// detailed address) in everything fullqa prints or stores, keeping message
// numbers. Detectors still see the raw text in memory, so privacy.pii_leak
// can fire; its evidence is masked either way.
type Redact struct {
	Enabled              bool `yaml:"enabled"`
	privacy.RedactConfig `yaml:",inline"`
}

// Scan configures the scan run and its reports.
type Scan struct {
	Workers  int `yaml:"workers"`  // 0 uses every core
	Riskiest int `yaml:"riskiest"` // conversations quoted in text/HTML reports
}

// Default returns the built-in configuration.
func Default() Config {
	return Config{
		Timezone: "Asia/Shanghai",
		Lang:     string(codebook.ZH),
		Ingest: Ingest{Gap: detect.Duration(ingest.DefaultGap), MaxLine: ingest.DefaultMaxLine,
			Redact: Redact{RedactConfig: privacy.DefaultRedactConfig()}},
		Scan:   Scan{Riskiest: 20},
		Detect: detect.DefaultConfig(),
		Score:  score.DefaultConfig(),
		Alerts: alert.DefaultConfig(),
		Serve:  DefaultServe(),
		Cross:  analyze.DefaultConfig(),
	}
}

// Load reads a YAML file over the defaults. Keys not in Config are errors.
func Load(path string) (Config, error) {
	cfg := Default()
	if path == "" {
		return cfg, cfg.Validate()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("config: %w", err)
	}
	if err := decode(data, &cfg); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.loadKnowledge(path, data); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

func decode(data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return explainDecodeError(data, err)
	}
	return nil
}

// Validate checks every part.
func (c Config) Validate() error {
	if _, err := c.Location(); err != nil {
		return err
	}
	if _, err := codebook.ParseLang(c.Lang); err != nil {
		return fmt.Errorf("lang: %w", err)
	}
	if c.Ingest.Format != "" {
		ok := false
		for _, f := range ingest.Formats() {
			ok = ok || f == c.Ingest.Format
		}
		if !ok {
			return fmt.Errorf("ingest.format: unknown format %q", c.Ingest.Format)
		}
	}
	if !ingest.ValidEncoding(c.Ingest.Encoding) {
		return fmt.Errorf("ingest.encoding: unknown encoding %q (want utf-8 or gb18030)", c.Ingest.Encoding)
	}
	if c.Ingest.Gap < 0 || c.Ingest.MaxLine < 0 || c.Scan.Workers < 0 || c.Scan.Riskiest < 0 {
		return errors.New("ingest.session_gap, ingest.max_record_bytes, scan.workers and scan.riskiest must not be negative")
	}
	if _, err := lexicon.Load(c.Lexicon); err != nil {
		return err
	}
	if err := c.Score.Validate(); err != nil {
		return err
	}
	if err := c.Alerts.Validate(); err != nil {
		return err
	}
	if err := c.Serve.Validate(); err != nil {
		return err
	}
	if err := c.Cross.Validate(); err != nil {
		return err
	}
	return c.Detect.Validate()
}

// Lists returns the word lists with the config's overrides applied.
func (c Config) Lists() (lexicon.Lists, error) { return lexicon.Load(c.Lexicon) }

// Location returns the configured time zone.
func (c Config) Location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("timezone: %w", err)
	}
	return loc, nil
}

// YAML renders the configuration, as `fullqa config` prints it.
func (c Config) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}
