// Package codebook is the one table of names for what fullqa reports: every
// finding code of the contract (DESIGN.md), every scene tag, every severity
// and every KPI, each with a Chinese and an English name and a one-line
// explanation. Reports, the dashboard and alerts all take their words from
// here, so a QA lead reads "引导站外交易" wherever the machine says
// compliance.off_platform, and a name is fixed in one place.
//
// Use:
//
//	codebook.Name("compliance.off_platform", codebook.ZH)    // "引导站外交易"
//	codebook.Explain("compliance.off_platform", codebook.EN) // "The agent steers …"
//	lang, err := codebook.ParseLang(flagValue)               // "zh" or "en"
//
// Keys are the stable machine names: finding codes ("promise.made"), tags
// ("refund"), severities ("high") and KPI JSON names ("first_response_s").
// An unknown key is its own name and has no explanation, so a code added
// before its names still prints; a test checks that every code in
// conversation.Codes() and every scene tag has both names.
package codebook

import "fmt"

// Lang is a report language.
type Lang string

// The languages every entry has. ZH is the default: fullqa's users are
// mostly Chinese QA teams.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// ParseLang checks a --lang or config value; "" is the default, ZH.
func ParseLang(s string) (Lang, error) {
	switch s {
	case "", "zh", "zh-CN", "cn":
		return ZH, nil
	case "en":
		return EN, nil
	}
	return "", fmt.Errorf("unknown language %q (want zh or en)", s)
}

// Kind says what sort of name an entry is.
type Kind string

// The kinds of entries.
const (
	KindCode     Kind = "code"     // a finding code
	KindTag      Kind = "tag"      // a scene tag
	KindSeverity Kind = "severity" // a finding severity
	KindKPI      Kind = "kpi"      // a KPI, by its JSON name
)

// Entry is one row of the table.
type Entry struct {
	Key       string
	Kind      Kind
	NameZH    string
	NameEN    string
	ExplainZH string
	ExplainEN string
}

// Name returns the entry's name in lang (Chinese for any lang but EN).
func (e Entry) Name(lang Lang) string {
	if lang == EN {
		return e.NameEN
	}
	return e.NameZH
}

// Explain returns the entry's one-line explanation in lang.
func (e Entry) Explain(lang Lang) string {
	if lang == EN {
		return e.ExplainEN
	}
	return e.ExplainZH
}

// Lookup finds the entry of a key.
func Lookup(key string) (Entry, bool) {
	for i := range entries {
		if entries[i].Key == key {
			return entries[i], true
		}
	}
	return Entry{}, false
}

// Name returns the display name of a code, tag, severity or KPI in lang;
// an unknown key is returned as it is.
func Name(key string, lang Lang) string {
	if e, ok := Lookup(key); ok {
		return e.Name(lang)
	}
	return key
}

// Explain returns the one-line explanation of a key in lang, "" when the
// key is unknown.
func Explain(key string, lang Lang) string {
	if e, ok := Lookup(key); ok {
		return e.Explain(lang)
	}
	return ""
}

// Entries returns the whole table in its order (codes in contract order,
// then tags, severities and KPIs), as a new slice.
func Entries() []Entry { return append([]Entry(nil), entries[:]...) }
