package knowledge

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/text"
)

// entries reads products: (idKey "sku") or categories: (idKey "name").
func (p *parser) entries(n *yaml.Node, field, idKey string) []entry {
	if n.Kind != yaml.SequenceNode {
		p.bad(n, field, "want a list")
		return nil
	}
	var out []entry
	for _, en := range n.Content {
		if en.Kind != yaml.MappingNode {
			p.bad(en, field, "want a mapping with %s", idKey)
			continue
		}
		e := entry{line: en.Line}
		var attrs, pol []*yaml.Node
		for i := 0; i+1 < len(en.Content); i += 2 {
			k, v := en.Content[i], en.Content[i+1]
			switch {
			case k.Value == idKey:
				e.name = v.Value
			case k.Value == "name" || k.Value == "note":
				// a product's display name, a remark: for people
			case k.Value == "skus" && idKey == "name":
				e.skus = scalars(v)
				if e.skus == nil {
					p.bad(v, field+".skus", "want a list of SKUs")
				}
			case k.Value == "attributes":
				attrs = append(attrs, v)
			case k.Value == "policy":
				pol = append(pol, v)
			default:
				want := "sku, name, attributes, policy"
				if idKey == "name" {
					want = "name, skus, attributes, policy"
				}
				p.bad(k, field+"."+k.Value, "unknown key (want one of %s)", want)
			}
		}
		if e.name == "" {
			p.bad(en, field, "missing %s", idKey)
			continue
		}
		if idKey == "sku" {
			e.skus = []string{e.name}
		}
		sub := field + "." + e.name
		for _, v := range pol {
			e.facts = append(e.facts, p.policy(v, sub+".policy", "")...)
		}
		for _, v := range attrs {
			e.facts = append(e.facts, p.attributes(v, sub+".attributes")...)
		}
		out = append(out, e)
	}
	return out
}

// attributes reads name: value pairs; a value is a scalar or a mapping
// {value, synonyms, others}.
func (p *parser) attributes(n *yaml.Node, field string) []Fact {
	if n.Kind != yaml.MappingNode {
		p.bad(n, field, "want a mapping from attribute name to value")
		return nil
	}
	var out []Fact
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, v := n.Content[i].Value, n.Content[i+1]
		fd := field + "." + name
		var syn, others []string
		val := v
		if v.Kind == yaml.MappingNode {
			val = nil
			for j := 0; j+1 < len(v.Content); j += 2 {
				switch k, x := v.Content[j], v.Content[j+1]; k.Value {
				case "value":
					val = x
				case "synonyms":
					syn = scalars(x)
				case "others":
					others = scalars(x)
				default:
					p.bad(k, fd+"."+k.Value, "unknown key (want value, synonyms, others)")
				}
			}
			if val == nil {
				p.bad(v, fd, "missing value")
				continue
			}
		}
		if val.Kind != yaml.ScalarNode || strings.TrimSpace(val.Value) == "" {
			p.bad(val, fd, "want a single value")
			continue
		}
		f, ok := p.attribute(val, fd, name)
		if !ok {
			continue
		}
		f.Names = []string{text.Normalize(name)}
		for _, s := range syn {
			f.Names = appendNew(f.Names, text.Normalize(s))
		}
		for _, o := range others {
			f.Others = appendNew(f.Others, text.Normalize(o))
		}
		out = append(out, f)
	}
	return out
}

// sizes is the letter size scale; a range "S-XL" means every size between.
var sizes = []string{"xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "xxxxl"}

func sizeIndex(s string) int {
	switch s {
	case "2xl":
		s = "xxl"
	case "3xl":
		s = "xxxl"
	case "4xl":
		s = "xxxxl"
	}
	for i, z := range sizes {
		if z == s {
			return i
		}
	}
	return -1
}

// attribute infers a product attribute's kind from its value: yes/no, a
// measured amount (a length of time is a period), a letter-size range, or
// else a choice of that value (material 棉) against its listed others.
func (p *parser) attribute(n *yaml.Node, field, name string) (Fact, bool) {
	f := Fact{Key: "attr." + name, Label: name, Raw: n.Value, Where: p.where(n)}
	v := text.Normalize(n.Value)
	if b, ok := parseBool(v); ok {
		f.Kind, f.Bool = KindBool, b
		return f, true
	}
	if lo, hi, ok := sizeRange(v); ok {
		f.Kind = KindChoice
		f.Values = append([]string(nil), sizes[lo:hi+1]...)
		f.Others = append([]string(nil), sizes...)
		return f, true
	}
	if isNumberStart(v, 0) && !strings.HasPrefix(v, "一") && !strings.HasPrefix(v, "半") {
		a, ok := whole(v, DimNone)
		if !ok {
			p.bad(n, field, "bad unit in %q (known units: 天 小时 周 月 年, mAh, g kg 斤, ml l, mm cm m 寸, w, v, gb tb, 码)", n.Value)
			return f, false
		}
		f.Kind, f.Amount = KindAmount, a
		if a.Dim == DimTime {
			f.Kind = KindPeriod
		}
		return f, true
	}
	if a, ok := whole(v, DimTime); ok { // 一年, 半年
		f.Kind, f.Amount = KindPeriod, a
		return f, true
	}
	f.Kind = KindChoice
	f.Values = []string{v}
	return f, true
}

// sizeRange reads "s-xl" (or one size) as indexes into sizes.
func sizeRange(v string) (int, int, bool) {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		a, b, ok = strings.Cut(v, "–")
	}
	if !ok {
		a, b, ok = strings.Cut(v, "~")
	}
	if !ok {
		b = a
	}
	lo, hi := sizeIndex(strings.TrimSpace(a)), sizeIndex(strings.TrimSpace(b))
	if lo < 0 || hi < 0 || lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

// forbidden reads phrases the shop forbids: strings or {phrase, reason}.
func (p *parser) forbidden(n *yaml.Node, field string) []Phrase {
	if n.Kind != yaml.SequenceNode {
		p.bad(n, field, "want a list of phrases")
		return nil
	}
	var out []Phrase
	for _, c := range n.Content {
		ph := Phrase{Where: p.where(c)}
		switch c.Kind {
		case yaml.ScalarNode:
			ph.Text = c.Value
		case yaml.MappingNode:
			for j := 0; j+1 < len(c.Content); j += 2 {
				switch k, x := c.Content[j], c.Content[j+1]; k.Value {
				case "phrase":
					ph.Text = x.Value
				case "reason":
					ph.Reason = x.Value
				default:
					p.bad(k, field+"."+k.Value, "unknown key (want phrase, reason)")
				}
			}
		}
		if text.Normalize(ph.Text) == "" {
			p.bad(c, field, "empty phrase")
			continue
		}
		out = append(out, ph)
	}
	return out
}

// required reads {name, when: [...], say: [...]} entries.
func (p *parser) required(n *yaml.Node, field string) []Requirement {
	if n.Kind != yaml.SequenceNode {
		p.bad(n, field, "want a list of {when, say}")
		return nil
	}
	var out []Requirement
	for _, c := range n.Content {
		r := Requirement{Where: p.where(c)}
		if c.Kind != yaml.MappingNode {
			p.bad(c, field, "want a mapping with when and say")
			continue
		}
		for j := 0; j+1 < len(c.Content); j += 2 {
			switch k, x := c.Content[j], c.Content[j+1]; k.Value {
			case "name":
				r.Name = x.Value
			case "when":
				r.When = scalars(x)
			case "say":
				r.Say = scalars(x)
			default:
				p.bad(k, field+"."+k.Value, "unknown key (want name, when, say)")
			}
		}
		if len(r.When) == 0 || len(r.Say) == 0 {
			p.bad(c, field, "want both when and say, each a list of phrases")
			continue
		}
		out = append(out, r)
	}
	return out
}
