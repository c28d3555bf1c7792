package codebook

// Numbering numbers the keys (finding codes) an aggregation meets, in the
// order it meets them, so that it can count by code in slices indexed by
// number: a conversation's codes are looked up once each, where a map of
// counts took a look-up for every count kept. The KPI aggregator and the
// report's summary both count this way. The zero value is ready to use.
type Numbering struct {
	num   map[string]int
	names []string
}

// Number returns key's number, giving it the next one when new.
func (n *Numbering) Number(key string) int {
	if i, ok := n.num[key]; ok {
		return i
	}
	if n.num == nil {
		n.num = map[string]int{}
	}
	i := len(n.names)
	n.num[key] = i
	n.names = append(n.names, key)
	return i
}

// Names lists the numbered keys by number. The slice is the Numbering's
// own: read it, do not change it.
func (n *Numbering) Names() []string { return n.names }
