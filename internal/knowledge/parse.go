package knowledge

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/text"
)

// policy reads a policy: block (or a part of it under path prefix key).
func (p *parser) policy(n *yaml.Node, field, key string) []Fact {
	if n.Kind != yaml.MappingNode {
		p.bad(n, field, "want a mapping (keys: %s)", strings.Join(childKeys(key), ", "))
		return nil
	}
	var out []Fact
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		full := k.Value
		if key != "" {
			full = key + "." + k.Value
		}
		if sk, ok := schemaKey(full); ok {
			out = append(out, p.policyValue(v, field+"."+k.Value, sk)...)
			continue
		}
		if len(childKeys(full)) > 0 {
			out = append(out, p.policy(v, field+"."+k.Value, full)...)
			continue
		}
		p.bad(k, field+"."+k.Value, "unknown key (want one of %s)", strings.Join(childKeys(key), ", "))
	}
	return out
}

// childKeys lists the names under a dotted prefix of the schema.
func childKeys(prefix string) []string {
	var out []string
	for _, k := range schema {
		rest := k.Key
		if prefix != "" {
			if !strings.HasPrefix(k.Key, prefix+".") {
				continue
			}
			rest = strings.TrimPrefix(k.Key, prefix+".")
		}
		name, _, _ := strings.Cut(rest, ".")
		out = appendNew(out, name)
	}
	return out
}

// policyValue reads the value of one schema key; a qualified key may be a
// mapping from qualifier to value.
func (p *parser) policyValue(n *yaml.Node, field string, sk *policyKey) []Fact {
	if sk.Qualified && n.Kind == yaml.MappingNode {
		var out []Fact
		for i := 0; i+1 < len(n.Content); i += 2 {
			q := n.Content[i].Value
			if q == "default" || q == "默认" {
				q = ""
			} else if sk.Qualifier != nil {
				name, ok := choiceName(sk.Qualifier, q)
				if !ok {
					p.bad(n.Content[i], field+"."+q, "unknown payment method (want default or one of %s)", strings.Join(choiceNames(sk.Qualifier), ", "))
					continue
				}
				q = name
			}
			if f, ok := p.value(n.Content[i+1], field+"."+n.Content[i].Value, sk); ok {
				f.Qualifier = q
				out = append(out, f)
			}
		}
		return out
	}
	if f, ok := p.value(n, field, sk); ok {
		return []Fact{f}
	}
	return nil
}

// value reads a scalar (or, for choices and text, a list) of kind sk.Kind.
func (p *parser) value(n *yaml.Node, field string, sk *policyKey) (Fact, bool) {
	f := Fact{Key: sk.Key, Label: sk.Label, Kind: sk.Kind, Where: p.where(n)}
	if sk.Kind == KindChoice || sk.Kind == KindText {
		items := scalars(n)
		if items == nil {
			p.bad(n, field, "want a value or a list of values")
			return f, false
		}
		f.Raw = strings.Join(items, ", ")
		if sk.Kind == KindText {
			return f, true
		}
		for _, it := range items {
			name, ok := choiceName(sk.Choices, it)
			if !ok {
				p.bad(n, field, "unknown value %q (want %s)", it, strings.Join(choiceNames(sk.Choices), ", "))
				return f, false
			}
			f.Values = appendNew(f.Values, name)
		}
		for _, c := range sk.Choices {
			f.Others = appendNew(f.Others, c.Name)
		}
		return f, true
	}
	if n.Kind != yaml.ScalarNode {
		p.bad(n, field, "want a single value")
		return f, false
	}
	f.Raw = n.Value
	v := text.Normalize(n.Value)
	switch sk.Kind {
	case KindBool:
		b, ok := parseBool(v)
		if !ok {
			p.bad(n, field, "want yes or no (是/否, true/false), got %q", n.Value)
			return f, false
		}
		f.Bool = b
	case KindPeriod, KindDuration, KindAmount:
		a, ok := whole(v, sk.Dim)
		if !ok {
			p.bad(n, field, "bad value %q: %s", n.Value, unitHint(sk.Dim))
			return f, false
		}
		f.Amount = a
	case KindClock:
		cs := ScanClock(v)
		if len(cs) != 1 {
			p.bad(n, field, "bad time of day %q: want 16:00 or 下午4点", n.Value)
			return f, false
		}
		f.Amount = cs[0]
	}
	return f, true
}

func unitHint(d Dim) string {
	switch d {
	case DimTime:
		return "want a time with a unit, like 7天, 一周, 3-5个工作日, 48小时内, 1年"
	case DimMoney:
		return "want an amount in yuan, like 20元"
	}
	return "want a number with a unit"
}

// whole reads s as exactly one amount of dimension d (a bare number is
// yuan for money), allowing 左右 and 以内 around it.
func whole(s string, d Dim) (Amount, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(s, "左右"))
	if d == DimMoney {
		if v, end, masked, ok := readNumber(s, 0); ok && end == len(s) && !masked {
			return Amount{Lo: v, Hi: v, Dim: DimMoney, End: end}, true
		}
	}
	for _, pre := range [...]string{"最多", "最晚", "不超过"} {
		s = strings.TrimPrefix(s, pre)
	}
	as := Scan(s, d)
	if len(as) != 1 || as[0].Start != 0 || as[0].End != len(s) {
		return Amount{}, false
	}
	return as[0], true
}

func parseBool(v string) (bool, bool) {
	switch v {
	case "true", "yes", "y", "是", "有", "支持", "可以", "能", "对":
		return true, true
	case "false", "no", "n", "否", "不", "无", "没有", "不支持", "不可以", "不能", "不是":
		return false, true
	}
	return false, false
}

// scalars returns a scalar as a one-item list, a sequence of scalars as
// its items, or nil.
func scalars(n *yaml.Node) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}
	case yaml.SequenceNode:
		out := []string{}
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil
			}
			out = append(out, c.Value)
		}
		return out
	}
	return nil
}

// choiceName maps a value as written (a canonical name, a spelling or a
// plain-word alias) to its canonical name.
func choiceName(cs []choice, v string) (string, bool) {
	nv := text.Normalize(v)
	if a, ok := aliases[nv]; ok {
		nv = a
	}
	for _, c := range cs {
		if nv == text.Normalize(c.Name) {
			return c.Name, true
		}
		for _, sp := range c.Spellings {
			if nv == text.Normalize(sp) {
				return c.Name, true
			}
		}
	}
	return "", false
}

// aliases are plain words a merchant writes for who pays.
var aliases = map[string]string{
	"买家": "buyer", "顾客": "buyer", "客户": "buyer", "消费者": "buyer",
	"商家": "shop", "卖家": "shop", "店铺": "shop", "我们": "shop", "seller": "shop",
}

func choiceNames(cs []choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// synonyms reads name: [synonym, …] pairs into dst.
func (p *parser) synonyms(n *yaml.Node, field string, dst map[string][]string) {
	if n.Kind != yaml.MappingNode {
		p.bad(n, field, "want a mapping from an attribute name to its synonyms")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		items := scalars(n.Content[i+1])
		if items == nil {
			p.bad(n.Content[i+1], field+"."+n.Content[i].Value, "want a list of synonyms")
			continue
		}
		name := n.Content[i].Value
		for _, it := range items {
			dst[name] = appendNew(dst[name], text.Normalize(it))
		}
	}
}
