package server

import "sort"

// span is a marked byte range of a message's text.
type span struct {
	start, end int
	sev        string
	id         int64
}

// textPart is a run of a message's text, marked or not.
type textPart struct {
	Text string
	Mark bool
	Sev  string  // the worst severity of the findings marking it
	IDs  []int64 // those findings
}

// markText cuts text at every span boundary, so overlapping evidence of
// several findings is marked once with all their ids.
func markText(text string, spans []span) []textPart {
	if len(spans) == 0 {
		return []textPart{{Text: text}}
	}
	cuts := []int{0, len(text)}
	for _, sp := range spans {
		cuts = append(cuts, sp.start, sp.end)
	}
	sort.Ints(cuts)
	var out []textPart
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if a == b {
			continue
		}
		p := textPart{Text: text[a:b]}
		for _, sp := range spans {
			if sp.start <= a && b <= sp.end {
				p.Mark = true
				p.IDs = append(p.IDs, sp.id)
				if sevRank(sp.sev) > sevRank(p.Sev) {
					p.Sev = sp.sev
				}
			}
		}
		if n := len(out); n > 0 && out[n-1].Mark == p.Mark && !p.Mark {
			out[n-1].Text += p.Text
			continue
		}
		out = append(out, p)
	}
	return out
}
