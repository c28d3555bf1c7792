package analyze

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// maxTopics bounds the topics one conversation counts under.
const maxTopics = 32

// nodeSuffixes end the name of a logistics node ("广州转运中心").
var nodeSuffixes = [...]string{"转运中心", "分拨中心", "集散中心", "分拣中心", "中转场", "营业部"}

// Topics names the burst topics of a conversation: its SKUs, scene tags,
// couriers and logistics nodes named in its messages, finding codes
// (low severity and up) and SKU × scene pairs. It is immutable and safe
// for concurrent use.
type Topics struct {
	// words matches the couriers (its first nCouriers patterns), the
	// nodeSuffixes after them (up to nPlaces) and the kept-promise words
	// after those (customer words saying a promised thing happened): one
	// pass over a message finds all three, where a matcher for the kept
	// words of its own read every customer message a second time.
	words     *text.Matcher
	nCouriers int32
	nPlaces   int32
}

// NewTopics builds the courier matcher from the lexicon list
// logistics_courier (顺丰, 京东物流, 中通 …) and the kept-promise matcher
// from cross_kept (收到了, 到账了 …).
func NewTopics(couriers, kept []string) (*Topics, error) {
	if len(couriers) == 0 || len(kept) == 0 {
		return nil, fmt.Errorf("analyze: the word lists logistics_courier and cross_kept must not be empty")
	}
	// The lists are checked apart first, so that a word the matcher
	// cannot take is reported in its list's words as before they shared
	// one matcher.
	if err := checkWords(couriers); err != nil {
		return nil, fmt.Errorf("analyze: courier list: %w", err)
	}
	if err := checkWords(kept); err != nil {
		return nil, fmt.Errorf("analyze: cross_kept list: %w", err)
	}
	pats, nPlaces := topicPatterns(couriers, kept)
	m, err := text.NewMatcher(pats)
	if err != nil {
		return nil, fmt.Errorf("analyze: courier and cross_kept lists: %w", err)
	}
	return &Topics{words: m, nCouriers: int32(len(couriers)), nPlaces: int32(nPlaces)}, nil
}

// TopicWords returns the words Topics looks for in messages (the
// couriers, the logistics-node suffixes and the kept-promise words), for
// a caller whose own scan of the normalized messages can tell Topics which
// messages hold none of them (see Batch.PrepareHeld). It returns nil when
// a word is one such a scan cannot rule out (text.NormalizeKeeps), or a
// list is empty: Topics then scans every message itself.
func TopicWords(couriers, kept []string) []string {
	if len(couriers) == 0 || len(kept) == 0 {
		return nil
	}
	words, _ := topicPatterns(couriers, kept)
	for _, w := range words {
		if !text.NormalizeKeeps(w) {
			return nil
		}
	}
	return words
}

// topicPatterns is the one place that says which words Topics matches,
// in its matcher's order: the couriers, the logistics-node suffixes, then
// the kept-promise words; nPlaces counts the first two. NewTopics and
// TopicWords both take it from here, so the words a caller's engine
// matches for PrepareHeld are the words Topics looks for.
func topicPatterns(couriers, kept []string) (pats []string, nPlaces int) {
	pats = append(append([]string(nil), couriers...), nodeSuffixes[:]...)
	nPlaces = len(pats)
	return append(pats, kept...), nPlaces
}

// checkWords returns the error text.NewMatcher gives for the first of
// words it cannot compile (empty, or not UTF-8).
func checkWords(words []string) error {
	for i, w := range words {
		switch {
		case w == "":
			return fmt.Errorf("pattern %d: %w", i, text.ErrEmptyPattern)
		case !utf8.ValidString(w):
			return fmt.Errorf("pattern %d: %w", i, text.ErrInvalidPattern)
		}
	}
	return nil
}

// Kept reports whether a customer message of c says a promised thing
// happened ("收到了", "到账了"); such a contact does not show a promise
// unkept.
func (t *Topics) Kept(c *conversation.Conversation) bool { return t.keptHeld(c, nil) }

// keptHeld is Kept scanning only the messages next gives (every message
// when next is nil; see Batch.PrepareNext).
func (t *Topics) keptHeld(c *conversation.Conversation, next func(from int) int) bool {
	var buf [16]text.Hit
	for i := nextOf(next, 0); i < len(c.Messages); i = nextOf(next, i+1) {
		if c.Messages[i].Role == conversation.RoleCustomer && t.kept(t.words.Scan(c.Messages[i].Text, buf[:0])) {
			return true
		}
	}
	return false
}

// nextOf is next(from), or from when next is nil (every message).
func nextOf(next func(from int) int, from int) int {
	if next == nil {
		return from
	}
	return next(from)
}

// kept reports whether hits hold a kept-promise word.
func (t *Topics) kept(hits []text.Hit) bool {
	for _, h := range hits {
		if h.Pattern >= t.nPlaces {
			return true
		}
	}
	return false
}

// Of returns the topics of c, deduplicated and sorted. It runs once per
// conversation (on the scan's workers, through Batch.Prepare), so it
// collects into a slice and sorts it rather than filling a map, and finds
// couriers and logistics nodes in one pass over each message.
func (t *Topics) Of(c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag) []Topic {
	out, _ := t.of(nil, c, findings, tags, nil)
	return out
}

// OfKept is Of and Kept of c from one pass over the messages, for callers
// that need both (the service's across analysis, as Batch.Prepare does).
func (t *Topics) OfKept(c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag) ([]Topic, bool) {
	return t.of(nil, c, findings, tags, nil)
}

// of is Of appending to room (empty) when it has room for the SKU, scene
// and code topics (Batch.Prepare hands over the emptied, grown slice of a
// recycled Prepared), and Kept of c, found in the same pass over the
// messages. When next is not nil, it scans only the messages next gives
// (the first at or after from that may hold a topic word, see
// Batch.PrepareNext): the others have no hit to add.
func (t *Topics) of(room []Topic, c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag, next func(from int) int) ([]Topic, bool) {
	var out []Topic
	// Room for the SKU, scene and code topics (at most one per finding)
	// and two couriers, made once: appending from nothing took about four
	// allocations a conversation.
	if n := len(c.SKUs)*(1+len(tags)) + len(tags) + len(findings); cap(room) >= n+2 {
		out = room[:0]
	} else if n > 0 {
		out = make([]Topic, 0, n+2)
	}
	for _, s := range c.SKUs {
		out = append(out, Topic{"sku", s})
		for _, tg := range tags {
			out = append(out, Topic{"sku_scene", s + "×" + tg.Name})
		}
	}
	for _, tg := range tags {
		out = append(out, Topic{"scene", tg.Name})
	}
	for i := range findings {
		f := &findings[i]
		if f.Severity >= conversation.SeverityLow && f.Code != "burst.topic" {
			out = append(out, Topic{"code", f.Code})
		}
	}
	kept := false
	var buf [16]text.Hit
	hits := buf[:0]
	for i := nextOf(next, 0); i < len(c.Messages); i = nextOf(next, i+1) {
		s := c.Messages[i].Text
		hits = t.words.Scan(s, hits[:0])
		if len(hits) == 0 {
			continue
		}
		if !kept && c.Messages[i].Role == conversation.RoleCustomer {
			kept = t.kept(hits)
		}
		// The first occurrence of each node suffix (where strings.Index
		// would find it: hits of one pattern come in order), and the
		// courier hits moved to the front.
		var node [len(nodeSuffixes)]int32
		for k := range node {
			node[k] = -1
		}
		n := 0
		for _, h := range hits {
			if h.Pattern < t.nCouriers {
				hits[n] = h
				n++
			} else if k := h.Pattern - t.nCouriers; k < int32(len(node)) && node[k] < 0 {
				node[k] = h.Start
			}
		}
		for _, h := range text.LeftmostLongest(hits[:n]) {
			out = append(out, Topic{"courier", courierName(t.words.Pattern(h.Pattern))})
		}
		for k, suf := range nodeSuffixes {
			if at := int(node[k]); at > 0 {
				if name := hanBefore(s, at, 4); name != "" {
					out = append(out, Topic{"courier", name + suf})
				}
			}
		}
	}
	sortTopics(out)
	out = slices.Compact(out)
	if len(out) > maxTopics {
		out = out[:maxTopics]
	}
	if out == nil {
		out = []Topic{}
	}
	return out, kept
}

// compareTopics orders topics by kind, then value.
func compareTopics(a, b Topic) int {
	if a.Kind != b.Kind {
		return strings.Compare(a.Kind, b.Kind)
	}
	return strings.Compare(a.Value, b.Value)
}

// sortTopics sorts ts as slices.SortFunc with compareTopics does: a
// conversation's few topics by insertion, compared in place, instead of
// through the sort's calls of the comparison (copying two topics) and
// strings.Compare's; many with slices.SortFunc. Topics that compare equal
// are equal, so any sort gives the same slice (FuzzSortTopics).
func sortTopics(ts []Topic) {
	if len(ts) > 24 {
		slices.SortFunc(ts, compareTopics)
		return
	}
	for i := 1; i < len(ts); i++ {
		t := ts[i]
		j := i
		for ; j > 0 && topicLess(&t, &ts[j-1]); j-- {
			ts[j] = ts[j-1]
		}
		ts[j] = t
	}
}

// topicLess reports whether a comes before b in compareTopics' order.
func topicLess(a, b *Topic) bool {
	if a.Kind != b.Kind {
		return stringLess(a.Kind, b.Kind)
	}
	return stringLess(a.Value, b.Value)
}

// stringLess is a < b, told by the first bytes in place when they differ
// (as they mostly do: the kinds, the codes), without the library's call.
func stringLess(a, b string) bool {
	if a != "" && b != "" && a[0] != b[0] {
		return a[0] < b[0]
	}
	return a < b
}

// courierName folds a courier's written forms to one name: 顺丰速运 and
// 顺丰快递 are 顺丰, 京东快递 and 京东物流 are 京东物流.
func courierName(s string) string {
	switch {
	case strings.HasPrefix(s, "京东"):
		return "京东物流"
	case strings.Contains(s, "邮政"):
		return "EMS"
	}
	for _, suf := range [...]string{"速运", "快递", "速递", "物流", "快运"} {
		if r := strings.TrimSuffix(s, suf); r != s && r != "" {
			return r
		}
	}
	return strings.ToUpper(s)
}

// nodeBoundary are the characters that end a node's place name going
// backwards ("一直在广州转运中心" names 广州).
const nodeBoundary = "在到于的从经至了已是被个"

// hanBefore returns up to n Han characters right before byte offset k of
// s, stopping at a boundary character, or "" when there are fewer than
// two.
func hanBefore(s string, k, n int) string {
	i, got := k, 0
	for i > 0 && got < n {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune(nodeBoundary, r) {
			break
		}
		i -= size
		got++
	}
	if got < 2 {
		return ""
	}
	return s[i:k]
}
