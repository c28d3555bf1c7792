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

// TestExperimentalMarked checks that an experimental code carries its mark
// in both languages, in the name and the explanation, and that a code
// measured as precise does not: a QA lead must see which findings are
// leads to check wherever a name is shown.
func TestExperimentalMarked(t *testing.T) {
	for _, key := range []string{"resolution.unresolved", "promise.conflict", "loop.misunderstanding", "sensitive.compensation", "compensation", "threat.escalation"} {
		if !codebook.IsExperimental(key) {
			t.Errorf("%s: not experimental", key)
		}
		if n := codebook.Name(key, codebook.ZH); !strings.HasSuffix(n, "（试验）") || strings.Count(n, "试验") != 1 {
			t.Errorf("%s: Chinese name %q lacks the mark", key, n)
		}
		if n := codebook.Name(key, codebook.EN); !strings.HasSuffix(n, " (experimental)") {
			t.Errorf("%s: English name %q lacks the mark", key, n)
		}
		if ex := codebook.Explain(key, codebook.ZH); !strings.Contains(ex, "试验性") {
			t.Errorf("%s: Chinese explanation %q lacks the note", key, ex)
		}
		if ex := codebook.Explain(key, codebook.EN); !strings.Contains(ex, "Experimental:") {
			t.Errorf("%s: English explanation %q lacks the note", key, ex)
		}
	}
	for _, key := range []string{"promise.made", "emotion.negative", "loop.repeat", "attitude.rude", "refund", "logistics", "first_response_s", "high"} {
		if codebook.IsExperimental(key) {
			t.Errorf("%s: experimental", key)
		}
		for _, lang := range []codebook.Lang{codebook.ZH, codebook.EN} {
			if n, ex := codebook.Name(key, lang), codebook.Explain(key, lang); strings.Contains(n+ex, "试验") || strings.Contains(n+ex, "xperimental") {
				t.Errorf("%s: %q / %q marked", key, n, ex)
			}
		}
	}
}
