package codebook_test

import (
	"strings"
	"testing"
	"unicode"

	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestEveryCodeAndTagNamed fails when a finding code, a scene tag or a
// severity is added without its names: reports would print the bare key.
func TestEveryCodeAndTagNamed(t *testing.T) {
	check := func(key string, kind codebook.Kind) {
		t.Helper()
		e, ok := codebook.Lookup(key)
		if !ok {
			t.Errorf("%s %q has no entry in the codebook table", kind, key)
			return
		}
		if e.Kind != kind {
			t.Errorf("%q: kind %s, want %s", key, e.Kind, kind)
		}
		if !hasHan(e.NameZH) || !hasHan(e.ExplainZH) {
			t.Errorf("%q: Chinese name %q / explanation %q missing or not Chinese", key, e.NameZH, e.ExplainZH)
		}
		if e.NameEN == "" || e.ExplainEN == "" || hasHan(e.NameEN) || hasHan(e.ExplainEN) {
			t.Errorf("%q: English name %q / explanation %q missing or not English", key, e.NameEN, e.ExplainEN)
		}
	}
	for _, c := range conversation.Codes() {
		check(c, codebook.KindCode)
	}
	for _, tag := range detect.SceneTags() {
		check(tag, codebook.KindTag)
	}
	for _, s := range []string{"info", "low", "medium", "high", "critical"} {
		check(s, codebook.KindSeverity)
	}
}

func TestTableWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range codebook.Entries() {
		if seen[e.Key] {
			t.Errorf("key %q twice", e.Key)
		}
		seen[e.Key] = true
		if e.Kind == codebook.KindCode && !strings.Contains(e.Key, ".") {
			t.Errorf("code %q has no family prefix", e.Key)
		}
		for _, s := range []string{e.NameZH, e.NameEN, e.ExplainZH, e.ExplainEN} {
			if s == "" || strings.ContainsAny(s, "\n\t") {
				t.Errorf("%q: empty or multi-line text %q", e.Key, s)
			}
		}
	}
}

func TestNameAndExplain(t *testing.T) {
	if got := codebook.Name("compliance.off_platform", codebook.ZH); got != "引导站外交易" {
		t.Errorf("zh name = %q", got)
	}
	if got := codebook.Name("compliance.off_platform", codebook.EN); got != "Off-platform contact" {
		t.Errorf("en name = %q", got)
	}
	if got := codebook.Name("no.such_code", codebook.ZH); got != "no.such_code" {
		t.Errorf("unknown key should name itself, got %q", got)
	}
	if got := codebook.Explain("no.such_code", codebook.EN); got != "" {
		t.Errorf("unknown key explained as %q", got)
	}
	for in, want := range map[string]codebook.Lang{"": codebook.ZH, "zh": codebook.ZH, "en": codebook.EN} {
		if got, err := codebook.ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := codebook.ParseLang("fr"); err == nil {
		t.Error("ParseLang(fr) accepted")
	}
}
