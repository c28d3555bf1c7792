package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := Default().YAML()
	if err != nil {
		t.Fatal(err)
	}
	// What `fullqa config` prints must load back to a valid config.
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, out, 0o644)
	if _, err := Load(p); err != nil {
		t.Fatalf("printed config does not load: %v", err)
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "examples", "fullqa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Score.Contracts) != 1 || cfg.Ingest.Columns.ID != "会话ID" || cfg.Score.Teams["售后组"][0] != "a-21" {
		t.Errorf("example not applied: %+v", cfg.Score.Contracts)
	}
}

func TestStrictErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"detect:\n  respons: {}\n", "line 2: detect.respons: unknown key (did you mean response?)"},
		{"timezon: UTC\nserve:\n  listn: x\n", "line 1: timezon: unknown key (did you mean timezone?); line 3: serve.listn: unknown key (did you mean listen?)"},
		{"alerts:\n  channels:\n    - {name: a, typ: dingtalk}\n", "line 3: alerts.channels.typ: unknown key"},
		{"timezone: Mars/Base\n", "timezone"},
		{"detect:\n  response:\n    slow_after: soon\n", "bad duration"},
		{"ingest:\n  format: xml\n", "ingest.format"},
		{"lexicon:\n  remove:\n    no_such_list: [x]\n", "no_such_list"},
		{"lexicon:\n  add:\n    attitude_forbiden: [x]\n", "lexicon.add: no list \"attitude_forbiden\""},
		{"ingest:\n  encoding: latin-9\n", "ingest.encoding"},
		{"contracts:\n  - vendor: v1\n    targets:\n      speed: {min: 1}\n", "unknown KPI"},
		{"kpi:\n  service_start: \"25:00\"\n", "service_start"},
		{"lang: fr\n", "lang: unknown language \"fr\""},
		{"contracts:\n  - vendor: v1\n    min_sample: 0\n    targets:\n      satisfaction: {min: 0.9}\n", "min_sample must be at least 1"},
		{"scorecard:\n  categories:\n    - name: x\n      items:\n        - {name: y, codes: [attitude.rud], points: -1}\n", "attitude.rud"},
	}
	for _, tt := range tests {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte(tt.yaml), 0o644)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want it to mention %q", tt.yaml, err, tt.want)
		}
	}
}

// TestKnowledgeBlock checks the knowledge: block: a file relative to the
// config, inline facts with the config's lines, and detect.policy keys
// migrated into the facts (an agreeing value is fine, a different one is
// an error naming both places).
func TestKnowledgeBlock(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "examples", "fullqa.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if f := cfg.Detect.Facts; f == nil || f.Policy().ReturnWindowDays != 7 {
		t.Fatalf("facts file not loaded: %+v", f)
	}
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	cfg, err = Load(write("detect:\n  policy:\n    return_window_days: 7\n    max_compensation_yuan: 50\nknowledge:\n  policy:\n    return: {window: 一周}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Detect.Facts.Policy(); p.ReturnWindowDays != 7 || p.MaxCompensationYuan != 50 {
		t.Errorf("migration: %+v", p)
	}
	_, err = Load(write("detect:\n  policy:\n    return_window_days: 15\nknowledge:\n  policy:\n    return: {window: 7天}\n"))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3 (detect.policy.return_window_days)") || !strings.Contains(err.Error(), "c.yaml:6") {
		t.Errorf("conflict must name both places: %v", err)
	}
	_, err = Load(write("knowledge:\n  policy:\n    return: {windw: 7天}\n"))
	if err == nil || !strings.Contains(err.Error(), "c.yaml:3: policy.return.windw: unknown key") {
		t.Errorf("inline facts problems need the config's lines: %v", err)
	}
	cfg, err = Load(write("detect:\n  policy:\n    return_window_days: 15\n"))
	if err != nil || cfg.Detect.Facts != nil {
		t.Errorf("without a knowledge block detect.policy works as before: %v %+v", err, cfg.Detect.Facts)
	}
}

// TestKnowledgePrintedConfigLoads checks that `fullqa config` with a facts
// file prints limits that agree with it and load back.
func TestKnowledgePrintedConfigLoads(t *testing.T) {
	dir := t.TempDir()
	facts := filepath.Join(dir, "facts.yaml")
	os.WriteFile(facts, []byte("policy:\n  shipping: {dispatch: 36小时内}\n"), 0o644)
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("knowledge: {file: facts.yaml}\n"), 0o644)
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Detect.Policy.MaxShipDays != 2 {
		t.Errorf("max_ship_days shows %d, want the facts' 36小时内 as 2 days", cfg.Detect.Policy.MaxShipDays)
	}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, out, 0o644)
	cfg, err = Load(p)
	if err != nil {
		t.Fatalf("printed config does not load back: %v", err)
	}
	if f, _ := cfg.Detect.Facts.Default.Base.Get("return.window", ""); !f.Limit || f.Amount.Hi != 7*24 {
		t.Errorf("the printed default return_window_days must be migrated as a limit: %+v", f)
	}
}
