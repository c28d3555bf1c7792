package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one mistake in a facts file, with the line it is on.
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Msg)
}

// Problems is every mistake found in a file; Load returns it as its error
// so that one run shows them all.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Load reads and parses a facts file.
func Load(path string) (*Facts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("facts file: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a facts file's YAML. name is used in Where and in problems.
// Every problem is reported (unknown keys, values of the wrong kind, bad
// units, SKUs overridden twice), not only the first.
func Parse(data []byte, name string) (*Facts, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &parser{file: name}
	f := Empty()
	f.Source = name
	if len(doc.Content) == 0 {
		return f, nil
	}
	return p.facts(doc.Content[0], f)
}

// FromNode parses facts written inline in another YAML file (the knowledge:
// block of the config), with that file's name for lines.
func FromNode(n *yaml.Node, name string) (*Facts, error) {
	p := &parser{file: name}
	f := Empty()
	f.Source = name
	return p.facts(n, f)
}

type parser struct {
	file     string
	problems Problems
}

func (p *parser) bad(n *yaml.Node, field, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) where(n *yaml.Node) string { return fmt.Sprintf("%s:%d", p.file, n.Line) }

// shopSpec is a shop's part of the file before it is merged.
type shopSpec struct {
	policy     []Fact
	synonyms   map[string][]string
	products   []entry
	categories []entry
	forbidden  []Phrase
	required   []Requirement
}

// entry is a product or a category: the SKUs it covers and its facts.
type entry struct {
	name  string
	skus  []string
	facts []Fact
	line  int
}

var shopKeys = []string{"policy", "synonyms", "products", "categories", "forbidden", "required"}

func (p *parser) facts(n *yaml.Node, f *Facts) (*Facts, error) {
	if n.Kind != yaml.MappingNode {
		p.bad(n, "facts", "want a mapping of policy, products, categories, synonyms, forbidden, required, shops")
		return nil, p.problems
	}
	def := p.shop(n, "", true)
	var others []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "shops" {
			others = append(others, n.Content[i+1])
		}
	}
	f.Default = p.build("", def, nil)
	for _, sn := range others {
		if sn.Kind != yaml.MappingNode {
			p.bad(sn, "shops", "want a mapping from shop id to its facts")
			continue
		}
		for i := 0; i+1 < len(sn.Content); i += 2 {
			id := sn.Content[i].Value
			if _, dup := f.Shops[id]; dup {
				p.bad(sn.Content[i], "shops."+id, "shop given twice")
				continue
			}
			spec := p.shop(sn.Content[i+1], "shops."+id+".", false)
			f.Shops[id] = p.build(id, spec, &def)
		}
	}
	if len(p.problems) > 0 {
		return nil, p.problems
	}
	return f, nil
}

// shop reads one shop's keys; top allows the shops: key.
func (p *parser) shop(n *yaml.Node, prefix string, top bool) shopSpec {
	var s shopSpec
	if n.Kind != yaml.MappingNode {
		p.bad(n, strings.TrimSuffix(prefix, "."), "want a mapping of %s", strings.Join(shopKeys, ", "))
		return s
	}
	s.synonyms = map[string][]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "policy":
			s.policy = p.policy(v, prefix+"policy", "")
		case "synonyms":
			p.synonyms(v, prefix+"synonyms", s.synonyms)
		case "products":
			s.products = p.entries(v, prefix+"products", "sku")
		case "categories":
			s.categories = p.entries(v, prefix+"categories", "name")
		case "forbidden":
			s.forbidden = p.forbidden(v, prefix+"forbidden")
		case "required":
			s.required = p.required(v, prefix+"required")
		case "shops":
			if !top {
				p.bad(k, prefix+"shops", "shops cannot be nested")
			}
		default:
			keys := shopKeys
			if top {
				keys = append(keys[:len(keys):len(keys)], "shops")
			}
			p.bad(k, prefix+k.Value, "unknown key (want one of %s)", strings.Join(keys, ", "))
		}
	}
	return s
}

// build merges a shop's spec over its parent's (nil for the default shop)
// into effective sets.
func (p *parser) build(id string, s shopSpec, parent *shopSpec) *Shop {
	sh := &Shop{ID: id, Base: Set{}, SKUs: map[string]Set{}}
	syn := map[string][]string{}
	if parent != nil {
		sh.Base.put(parent.policy)
		sh.Forbidden, sh.Required = parent.forbidden, parent.required
		for k, v := range parent.synonyms {
			syn[k] = v
		}
	}
	for k, v := range s.synonyms {
		syn[k] = append(syn[k], v...)
	}
	sh.Base.put(s.policy)
	sh.Forbidden = append(sh.Forbidden[:len(sh.Forbidden):len(sh.Forbidden)], s.forbidden...)
	sh.Required = append(sh.Required[:len(sh.Required):len(sh.Required)], s.required...)
	addSynonyms := func(fs []Fact) []Fact {
		out := make([]Fact, len(fs))
		for i, f := range fs {
			if strings.HasPrefix(f.Key, "attr.") {
				f.Names = appendNew(append([]string(nil), f.Names...), syn[strings.TrimPrefix(f.Key, "attr.")]...)
				f.shadows = shadowed(f)
			}
			out[i] = f
		}
		return out
	}
	// Categories first, products over them; a shop's own entries over the
	// default's. A SKU in two categories of one list is an overlap (which
	// one wins would be an accident of order), and so is a SKU listed twice.
	type ref struct {
		e   entry
		own bool
	}
	catOf := map[string]ref{}
	prodOf := map[string][]ref{}
	addCats := func(cs []entry, own bool) {
		for _, c := range cs {
			for _, k := range c.skus {
				if prev, ok := catOf[k]; ok && prev.own == own {
					if own {
						p.problems = append(p.problems, Problem{File: p.file, Line: c.line, Field: "categories." + c.name,
							Msg: fmt.Sprintf("SKU %s is also in category %s (line %d): overlapping overrides", k, prev.e.name, prev.e.line)})
					}
					continue
				}
				catOf[k] = ref{c, own}
			}
		}
	}
	addProds := func(ps []entry, own bool) {
		for _, pr := range ps {
			prev := prodOf[pr.name]
			if len(prev) > 0 && prev[len(prev)-1].own == own {
				if own {
					p.problems = append(p.problems, Problem{File: p.file, Line: pr.line, Field: "products." + pr.name,
						Msg: fmt.Sprintf("SKU given twice (first at line %d): overlapping overrides", prev[len(prev)-1].e.line)})
				}
				continue
			}
			prodOf[pr.name] = append(prev, ref{pr, own})
		}
	}
	if parent != nil {
		addCats(parent.categories, false)
		addProds(parent.products, false)
	}
	addCats(s.categories, true)
	addProds(s.products, true)
	for k, c := range catOf {
		set := sh.Base.clone()
		set.put(addSynonyms(c.e.facts))
		sh.SKUs[k] = set
	}
	for k, prs := range prodOf {
		set, ok := sh.SKUs[k]
		if !ok {
			set = sh.Base.clone()
		}
		for _, pr := range prs {
			set.put(addSynonyms(pr.e.facts))
		}
		sh.SKUs[k] = set
	}
	return sh
}

func appendNew(dst []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, d := range dst {
			dup = dup || d == x
		}
		if !dup {
			dst = append(dst, x)
		}
	}
	return dst
}

// shadowed lists the policy keys of the same kind that a product attribute
// is named like: an attribute 保修: 2年 is that SKU's warranty.length.
func shadowed(f Fact) []string {
	var out []string
	for _, k := range schema {
		if k.Kind != f.Kind {
			continue
		}
		for _, c := range k.Cues {
			for _, n := range f.Names {
				if n == c {
					out = appendNew(out, k.Key)
				}
			}
		}
	}
	return out
}
