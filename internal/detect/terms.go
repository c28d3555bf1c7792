package detect

import (
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
	"fullqa/internal/text"
)

// termSet is one curated word list registered with the shared matcher,
// together with its exception list: longer phrases in which a word of the
// list is used in another sense ("退出" for 退, "有问题吗" for 有问题). A
// hit that overlaps an exception hit does not count. Keeping the other
// senses as data next to the words lets reviewers fix a false alarm by
// adding a line instead of changing code.
type termSet struct {
	words  ClassID
	except ClassID
}

// addTerms registers list and list+"_exclude" from lex under name.
func addTerms(k *Keywords, name string, lex lexicon.Lists, list string) termSet {
	return termSet{
		words:  k.Add(name, lex.Words(list)...),
		except: k.Add(name+".except", lex.Words(list+"_exclude")...),
	}
}

// firstTerm returns the first hit of t in message i that no exception
// overlaps and that is not part of a longer ASCII word or number ("12345"
// inside a phone number is not the 12345 hotline).
func (in *Input) firstTerm(i int, t termSet) (KeywordHit, bool) {
	if !in.may(i, t.words) {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		if h.Class != t.words || !asciiBounded(in.Norm[i], h) {
			continue
		}
		if !in.overlapsClass(i, t.except, h) {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// overlapsClass reports whether a hit of class c overlaps h, a hit of
// message i.
func (in *Input) overlapsClass(i int, c ClassID, h KeywordHit) bool {
	if !in.may(i, c) {
		return false
	}
	for _, e := range in.touching(i, h.Start, h.End) {
		if e.Class == c && e.Start < h.End && h.Start < e.End {
			return true
		}
	}
	return false
}

// precededBy reports whether a hit of t (not voided by an exception) ends
// at most window bytes before h starts, with no clause punctuation in
// between. It is how negation cues ("不会给差评") are tied to the word they
// negate.
func (in *Input) precededBy(i int, t termSet, h KeywordHit, window int32) bool {
	if !in.may(i, t.words) {
		return false
	}
	norm := in.Norm[i]
	for _, e := range in.near(i, h.Start-window, h.Start) {
		if e.Class != t.words || e.End > h.Start || h.Start-e.End > window {
			continue
		}
		if hasClauseBreak(norm[e.End:h.Start]) || in.overlapsClass(i, t.except, e) {
			continue
		}
		return true
	}
	return false
}

// asciiBounded reports whether a hit that starts or ends with an ASCII
// letter or digit is a word of its own, not part of a longer ASCII token:
// "sb" in "usb", in the model number "sb-200" or the signature "^sb", "qq"
// in "qq.com". Letters and digits next to it join it to a token, and so do
// ^ _ @ # always and - . / + & ' when a letter or digit stands beyond them
// (a "." or "-" that ends a sentence leaves the word alone: "你就是个sb.").
func asciiBounded(norm string, h KeywordHit) bool {
	s, e := int(h.Start), int(h.End)
	if s > 0 && isASCIIAlnum(norm[s]) && (isASCIIAlnum(norm[s-1]) || sticky(norm[s-1]) ||
		joiner(norm[s-1]) && s > 1 && isASCIIAlnum(norm[s-2])) {
		return false
	}
	if e < len(norm) && isASCIIAlnum(norm[e-1]) && (isASCIIAlnum(norm[e]) || sticky(norm[e]) ||
		joiner(norm[e]) && e+1 < len(norm) && isASCIIAlnum(norm[e+1])) {
		return false
	}
	return true
}

// sticky bytes make the ASCII word next to them part of a name, handle,
// tag or emoticon ("^sb", "sb_01", "@sb", "#sb").
func sticky(c byte) bool { return c == '^' || c == '_' || c == '@' || c == '#' }

// joiner bytes join two ASCII words into one token ("sb-200", "a.sb",
// "sb/2", "x+sb", "s&b", "sb's").
func joiner(c byte) bool {
	return c == '-' || c == '.' || c == '/' || c == '+' || c == '&' || c == '\''
}

func isASCIIAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9')
}

// hasClauseBreak reports whether s contains sentence or clause punctuation
// (normalized text keeps it half-width).
func hasClauseBreak(s string) bool {
	for i := 0; i < len(s); i++ {
		if isClauseByte(s[i]) {
			return true
		}
	}
	return strings.Contains(s, "。") // the full stop stays full-width
}

// isRole reports whether message i was written by r.
func (in *Input) isRole(i int, r conversation.Role) bool { return in.Conv.Messages[i].Role == r }

// hitQuote returns the hit text with a few characters of context on each
// side, for evidence that shows the word in its sentence.
func hitQuote(in *Input, i int, h KeywordHit) string {
	// A short message is quoted whole, as written: what a reviewer sees in
	// the chat. In a long one, the clause around the hit is quoted (from
	// the normalized text, where offsets are known), up to 20 characters
	// on either side.
	if orig := in.Conv.Messages[i].Text; text.RunesAtMostValid(orig, 60, in.Conv.TextValid) {
		return strings.TrimSpace(orig)
	}
	s := in.Norm[i]
	start, end := int(h.Start), int(h.End)
	for n := 0; n < 20 && start > 0 && !isClauseBreak(s[start-1]); n++ {
		start--
		for start > 0 && s[start]&0xC0 == 0x80 {
			start--
		}
	}
	for n := 0; n < 20 && end < len(s) && !isClauseBreak(s[end]); n++ {
		end++
		for end < len(s) && s[end]&0xC0 == 0x80 {
			end++
		}
	}
	return s[start:end]
}

// classMask is a set of classes laid out as a row of the presence bits
// (Input.present), so that whether a message may hold a word of any of
// them is one AND of four words (Input.mayAny) instead of a test per class.
type classMask [presentWords]uint64

// maskOf returns the mask of classes cs. Like Input.may it reads a class's
// low byte only: the presence bits exist only when every class is below
// 256, and the mask is read only then.
func maskOf(cs ...ClassID) (m classMask) {
	for _, c := range cs {
		m[uint8(c)>>6] |= 1 << (uint8(c) & 63)
	}
	return m
}

// mayAny reports whether message i can have a hit of a class of m: false
// exactly when Input.may is false for every class of m (true without
// presence bits). As in may, the test of i against the rows' length
// answers for an Input without bits and proves the row in bounds.
func (in *Input) mayAny(i int, m *classMask) bool {
	if uint(i) >= uint(len(in.present)) {
		return true
	}
	row := &in.present[i]
	return row[0]&m[0]|row[1]&m[1]|row[2]&m[2]|row[3]&m[3] != 0
}

// or returns the union of m and o: a gate for the words of two gates.
func (m classMask) or(o *classMask) classMask {
	return classMask{m[0] | o[0], m[1] | o[1], m[2] | o[2], m[3] | o[3]}
}
