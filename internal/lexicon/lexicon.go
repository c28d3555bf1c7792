// Package lexicon holds the project's own curated word lists as embedded
// data files (data/<name>.txt, one term a line; "# " starts a comment), and
// merges a shop's additions and removals from the config over them. Keeping
// the words in data files, not code, lets reviewers read and extend them.
package lexicon

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"fullqa/internal/text"
)

//go:embed data/*.txt
var dataFS embed.FS

// Lists maps a list's name (its file name without .txt) to its terms.
type Lists map[string][]string

// Overrides is the config block that changes lists: terms to add to or
// remove from a list, or a list replaced whole.
type Overrides struct {
	Add     map[string][]string `yaml:"add"`
	Remove  map[string][]string `yaml:"remove"`
	Replace map[string][]string `yaml:"replace"`
}

// Default returns the embedded lists.
func Default() (Lists, error) {
	names, err := fs.Glob(dataFS, "data/*.txt")
	if err != nil {
		return nil, err
	}
	out := Lists{}
	for _, n := range names {
		b, err := dataFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(path.Base(n), ".txt")] = parse(b)
	}
	return out, nil
}

// Load returns the embedded lists with o applied. A list named in o that
// does not exist is an error under add, remove and replace alike: no
// detector reads a list it does not know, so a misspelled name would
// otherwise be silently ignored and the shop's words never used.
func Load(o Overrides) (Lists, error) {
	l, err := Default()
	if err != nil {
		return nil, err
	}
	for _, part := range []struct {
		key   string
		lists map[string][]string
	}{{"add", o.Add}, {"remove", o.Remove}, {"replace", o.Replace}} {
		for _, name := range sortedKeys(part.lists) {
			if _, ok := l[name]; !ok {
				return nil, l.unknown("lexicon."+part.key, name)
			}
		}
	}
	for name, terms := range o.Replace {
		l[name] = clean(terms)
	}
	for name, terms := range o.Add {
		l[name] = append(l[name], clean(terms)...)
	}
	for name, terms := range o.Remove {
		cur := l[name]
		drop := map[string]bool{}
		for _, t := range terms {
			drop[strings.TrimSpace(t)] = true
		}
		kept := cur[:0:0]
		for _, t := range cur {
			if !drop[t] {
				kept = append(kept, t)
			}
		}
		l[name] = kept
	}
	return l, nil
}

// unknown is the error for a list name that does not exist, suggesting the
// nearest existing name.
func (l Lists) unknown(key, name string) error {
	best, bestD := "", 1<<30
	for _, n := range l.Names() {
		if d := text.EditDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= len(name)/3+1 {
		return fmt.Errorf("%s: no list %q (did you mean %q? the lists are the file names in internal/lexicon/data)", key, name, best)
	}
	return fmt.Errorf("%s: no list %q (have: %s)", key, name, strings.Join(l.Names(), ", "))
}

func sortedKeys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Words returns a list's terms; a missing list is empty.
func (l Lists) Words(name string) []string { return l[name] }

// Names returns the list names, sorted.
func (l Lists) Names() []string {
	var out []string
	for n := range l {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func parse(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "#" || strings.HasPrefix(line, "# ") {
			continue
		}
		if i := strings.Index(line, " # "); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func clean(terms []string) []string {
	var out []string
	for _, t := range terms {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
