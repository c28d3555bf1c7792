// Package knowledge is the shop's own facts: its policies (return window,
// refund times, warranty, price protection, invoices, shipping, coupons) and
// its products' attributes, per shop with per-category and per-SKU
// overrides, plus the phrases the shop forbids or requires. Agents who do
// not know them tell customers wrong things, and each wrong answer becomes a
// dispute; the knowledge detector checks agent statements against these
// facts. The package loads and validates a facts file (with line numbers,
// so `fullqa knowledge check` can point at the mistake) and normalises
// values — 七天, 7天 and 一周 are one value; 3-5天 and 48小时内 are ranges —
// so that the detector compares meanings, not strings. It does no I/O
// beyond reading the file it is given.
package knowledge

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Fact is one thing the shop states as true: a policy value or a product
// attribute, where it is defined, and its value read once at load.
type Fact struct {
	// Key is the policy key ("return.window") or "attr." + the attribute
	// name for product facts ("attr.防水").
	Key string
	// Label names the fact in findings (退货期限, 防水).
	Label string
	// Qualifier is the payment method or region of a qualified key
	// (refund.time 信用卡), "" for its default.
	Qualifier string
	Kind      Kind
	// Raw is the value as written in the file.
	Raw string
	// Bool is the value of a yes/no fact.
	Bool bool
	// Amount is the value of a period, duration, amount or clock fact.
	Amount Amount
	// Values are the allowed values of a choice (normalized); Others the
	// known alternatives an agent might wrongly name.
	Values, Others []string
	// Names are the words by which chats name a product attribute: its
	// name and synonyms (policy keys take theirs from the schema).
	Names []string
	// Where is "file:line" of the value.
	Where string
	// Limit marks a value migrated from detect.policy, which is a maximum
	// an agent may promise, not the value itself: only a claim beyond it
	// contradicts it.
	Limit bool
	// shadows lists policy keys this product fact replaces for its SKU (an
	// attribute named 保修 replaces warranty.length).
	shadows []string
}

// Set is the facts that hold in one scope, by key; a qualified key has one
// fact per qualifier.
type Set map[string][]Fact

// Phrase is a phrase the shop forbids its agents to say, with why.
type Phrase struct {
	Text, Reason, Where string
}

// Requirement is a phrase the shop requires when a scene comes up: when a
// message of the conversation contains a When word, some agent message must
// contain a Say phrase.
type Requirement struct {
	Name      string
	When, Say []string
	Where     string
}

// Shop is one shop's facts: the shop-wide set and the effective set of
// every SKU that a category or product entry overrides.
type Shop struct {
	ID        string
	Base      Set
	SKUs      map[string]Set
	Forbidden []Phrase
	Required  []Requirement
}

// Facts is a loaded facts file. Default holds the top-level facts; Shops
// those of shops named under shops: (each already merged over Default).
type Facts struct {
	Source  string
	Default *Shop
	Shops   map[string]*Shop
}

// Empty returns facts that define nothing: every claim is unknown. The
// suggest command uses it to list what agents state.
func Empty() *Facts {
	return &Facts{Default: &Shop{Base: Set{}, SKUs: map[string]Set{}}, Shops: map[string]*Shop{}}
}

// Shop returns the facts of a shop id, the default ones when the file does
// not name it.
func (f *Facts) Shop(id string) *Shop {
	if s, ok := f.Shops[id]; ok {
		return s
	}
	return f.Default
}

// Sets returns the effective sets of a conversation about skus: one per SKU
// the shop overrides, or the shop-wide set when none is. A claim
// contradicts the facts only if it contradicts every set, so a chat about
// two products is not flagged for a value one of them has.
func (s *Shop) Sets(skus []string, buf []Set) []Set {
	buf = buf[:0]
	for _, k := range skus {
		if set, ok := s.SKUs[k]; ok {
			buf = append(buf, set)
		}
	}
	if len(buf) == 0 {
		buf = append(buf, s.Base)
	}
	return buf
}

// Keys returns the keys a set defines, sorted.
func (s Set) Keys() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Get returns the fact for key and qualifier: the qualified one when it is
// defined, else the default ("").
func (s Set) Get(key, qualifier string) (Fact, bool) {
	var def *Fact
	for i, f := range s[key] {
		if f.Qualifier == qualifier {
			return f, true
		}
		if f.Qualifier == "" {
			def = &s[key][i]
		}
	}
	if def != nil {
		return *def, true
	}
	if _, ok := s[key]; !ok && !strings.HasPrefix(key, "attr.") {
		// A product attribute named like a policy fact (保修: 2年) stands
		// for it on its SKU.
		for k, fs := range s {
			if strings.HasPrefix(k, "attr.") && len(fs) > 0 && contains(fs[0].shadows, key) {
				return fs[0], true
			}
		}
	}
	return Fact{}, false
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// clone copies a set so an override does not change its parent.
func (s Set) clone() Set {
	out := make(Set, len(s))
	for k, v := range s {
		out[k] = append([]Fact(nil), v...)
	}
	return out
}

// put adds facts over s: a key given again replaces the parent's value(s),
// and a product attribute drops the policy keys it shadows.
func (s Set) put(facts []Fact) {
	seen := map[string]bool{}
	for _, f := range facts {
		if !seen[f.Key] {
			delete(s, f.Key)
			seen[f.Key] = true
		}
		for _, k := range f.shadows {
			delete(s, k)
		}
		s[f.Key] = append(s[f.Key], f)
	}
}

// String shows a fact as "label = value (where)" for details and the CLI.
func (f Fact) String() string {
	q := ""
	if f.Qualifier != "" {
		q = "(" + f.Qualifier + ")"
	}
	return fmt.Sprintf("%s%s = %s (%s)", f.Label, q, strings.TrimSpace(f.Raw), f.Where)
}

// Policy is what promise.over_policy needs of a shop's facts: the limits it
// has always checked, now read from the facts file. Zero means not set.
type Policy struct {
	ReturnWindowDays    int
	MaxShipDays         int
	MaxCompensationYuan float64
}

// Policy returns the default shop's limits for promise.over_policy.
func (f *Facts) Policy() Policy {
	var p Policy
	if f == nil || f.Default == nil {
		return p
	}
	b := f.Default.Base
	if v, ok := b.Get("return.window", ""); ok {
		p.ReturnWindowDays = int(legacyLimit(v.Key, v))
	}
	if v, ok := b.Get("shipping.dispatch", ""); ok {
		p.MaxShipDays = int(legacyLimit(v.Key, v))
	}
	if v, ok := b.Get("compensation.max", ""); ok {
		p.MaxCompensationYuan = legacyLimit(v.Key, v)
	}
	return p
}

// legacyLimit reads a fact as the detect.policy limit of its key: whole
// days for the return window (rounded down) and the shipping time
// (rounded up), yuan for compensation; 0 for a masked value.
func legacyLimit(key string, f Fact) float64 {
	if f.Amount.Masked {
		return 0
	}
	switch key {
	case "return.window":
		return float64(int(f.Amount.Hi / 24))
	case "shipping.dispatch":
		return float64(int((f.Amount.Hi + 23) / 24))
	}
	return f.Amount.Hi
}

// Legacy is one limit of the old detect.policy config block, migrated into
// the facts on load: Key is the facts key it became (return.window,
// shipping.dispatch, compensation.max), Value its value with a unit.
type Legacy struct {
	Key, Value, Where string
}

// Adopt adds a migrated limit to every shop and SKU that does not define
// the key. A facts file that defines the key with another value is an
// error: two sources of one truth that disagree.
func (f *Facts) Adopt(l Legacy) error {
	sk, ok := schemaKey(l.Key)
	if !ok {
		return fmt.Errorf("%s: unknown facts key %q", l.Where, l.Key)
	}
	p := &parser{file: l.Where}
	fact, ok := p.value(&yaml.Node{Kind: yaml.ScalarNode, Value: l.Value}, l.Key, sk)
	if !ok {
		return p.problems
	}
	fact.Where, fact.Limit = l.Where, true
	if have, ok := f.Default.Base.Get(l.Key, ""); ok {
		// The old keys are limits in whole days or yuan: they agree with
		// the file when the file's value, read as that limit, is the same
		// (48小时内 is max_ship_days 2), so that what `fullqa config` prints
		// loads back.
		if legacyLimit(l.Key, have) != legacyLimit(l.Key, fact) {
			return fmt.Errorf("%s: %s conflicts with the facts file's %s: set it in one place", l.Where, l.Value, have)
		}
		return nil
	}
	f.eachSet(func(s Set) {
		if _, ok := s[l.Key]; !ok {
			s[l.Key] = []Fact{fact}
		}
	})
	return nil
}
