package classify

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// Cue groups of the lexicon. The word lists are curated for fullqa; they pool
// cues that the n-grams also see, so that a cue the training chats contain
// only once or twice still counts, and they name what an agent did.
const (
	cueNeg     = iota // customer: complaint, anger, threat to escalate
	cueNegWeak        // customer: impatience, doubt, pushing back
	cuePos            // customer: thanks, agreement, praise
	cueUrge           // customer: "are you there?", "say something"
	cueAck            // customer: short acknowledgement
	cueApology        // agent: apologised
	cueRefusal        // agent: said it cannot be done
	cueClosing        // agent: closing formula, asked for a rating
	cueWait           // agent: asked to wait, is checking
	cueThanks         // agent: thanked the customer
	cueDone           // agent: reported an action taken
	cueAsk            // agent: asked something
	cueEmoji          // the chat client's emoji codes
	cueQQ             // a run of question marks
	nCues
)

// cueWords lists the words of each cue group. It is a function rather than a
// package variable so that no package state can be changed.
func cueWords() [nCues][]string {
	return [nCues][]string{
		cueNeg: {
			"投诉", "差评", "垃圾", "骗", "坑", "无语", "搞什么", "凭什么", "什么态度", "失望",
			"生气", "气死", "恶心", "忽悠", "敷衍", "不满意", "12315", "举报", "有病", "滚",
			"服了", "太差", "太慢", "消协", "工商", "曝光", "黑心", "奸商", "扯淡", "混蛋",
			"妈的", "尼玛", "靠谱吗", "什么玩意", "耍我", "糊弄", "推卸", "踢皮球", "受够", "再也不",
		},
		cueNegWeak: {
			"算了", "到底", "怎么还", "还没", "还不", "为什么", "不行", "不可能", "一直", "怎么办",
			"没用", "不靠谱", "催", "急", "等了", "几天了", "多久", "别", "不要了", "怎么回事",
			"什么意思", "退货", "退款", "态度", "又", "明明", "根本", "居然", "竟然", "难道",
		},
		cuePos: {
			"谢谢", "感谢", "好的", "好评", "满意", "辛苦", "麻烦你了", "太好了", "可以了", "明白了",
			"解决了", "赞", "棒", "不错", "知道了", "ok", "OK", "嗯嗯", "好滴", "哈哈",
			"多谢", "谢了", "么么", "好嘞", "没问题", "收到", "了解",
		},
		cueUrge: {
			"人呢", "说话", "在吗", "在不在", "有人吗", "回复", "回答", "理我", "快点", "赶紧",
			"人工", "还在吗", "怎么不",
		},
		cueAck:     {"好", "嗯", "哦", "行", "恩", "可以", "是的", "对", "ok", "OK"},
		cueApology: {"抱歉", "对不起", "不好意思", "歉意", "见谅", "谅解", "给您添麻烦", "理解"},
		cueRefusal: {"无法", "不能", "没法", "不支持", "不可以", "不行", "没有办法", "办不到", "不了", "以系统为准"},
		cueClosing: {"还有其他", "还有什么", "祝您", "再见", "评价", "满意", "生活愉快"},
		cueWait:    {"稍等", "请稍", "正在为您", "正在查询", "帮您查", "核实"},
		cueThanks:  {"感谢", "谢谢", "辛苦"},
		cueDone:    {"已经为您", "已为您", "帮您申请", "已经帮您", "已帮您", "给您申请", "已经申请", "处理好"},
		cueAsk:     {"?", "？", "吗"},
		cueEmoji:   {"#E-"},
		cueQQ:      {"??", "？？", "?？", "？?"},
	}
}

// lexicon finds the cue words of a customer message and of the agent's
// text before it. Each is read for its own groups only (a customer's
// "抱歉" or an agent's "好的" counts for nothing), so each has its own
// automaton of its own words: the fewer words, the more characters lead
// nowhere and the faster the scan.
type lexicon struct {
	customer *cueScanner // cueNeg … cueAck and cueQQ
	agent    *cueScanner // cueApology … cueEmoji
}

// newLexicon builds the lexicon of cueWords.
func newLexicon() *lexicon {
	return &lexicon{
		customer: newCueScanner(func(g int) bool { return g < cueApology || g == cueQQ }),
		agent:    newCueScanner(func(g int) bool { return g >= cueApology && g <= cueEmoji }),
	}
}

// scan counts the customer groups' words in s (cueNeg … cueAck, cueQQ),
// up to 255 each; the agent groups' counts are 0.
func (l *lexicon) scan(s string) [nCues]uint8 { return l.customer.scan(s) }

// scanAgent counts the agent groups' words in s (cueApology … cueEmoji),
// up to 255 each; the customer groups' counts are 0.
func (l *lexicon) scanAgent(s string) [nCues]uint8 { return l.agent.scan(s) }

// cueScanner finds the words of some cue groups in one pass over a text:
// every occurrence of every word, overlapping ones included, counts for its
// group. It is an Aho-Corasick automaton over characters like text.Matcher
// (which it replaced here), sized for a word list this small: the
// characters of the words get classes through a two-level table of a few
// KiB (a page of 64 characters holds a cache line of classes, and the
// characters of no word all share one empty page) instead of the Basic
// Multilingual Plane's 128 KiB, so that scoring a message touches a few
// cache lines that stay warm rather than one per character of the text.
type cueScanner struct {
	ascii [utf8.RuneSelf]uint8 // class of each ASCII character
	page  [0x10000 >> 6]uint8  // page of each block of 64 BMP characters; 0 is the empty page
	pages [256][64]uint8       // the classes of each page's characters (a page number is a byte: no bounds check)
	root  []int16              // the root's transition on each class
	nodes []lexNode            // the trie's states; 0 is the root
	kids  []lexKid             // every state's children, grouped by parent
	outs  []uint8              // cue groups emitted, grouped by state
	// delta is the automaton as a table, the failure links followed
	// beforehand, its states named by their row's offset (at) rather than
	// their number: delta[at(st)+c] is at(st') for the state st' st goes
	// to on class c, class 0 (a character in no word) included, which
	// leads back to the root. So step is one look-up of the table with no
	// multiplication and no test of the class, whose outcome a branch
	// predictor cannot learn (about one Chinese character in three is in
	// some word). The states are numbered so that those with words ending
	// in them come last: a row from outFrom on has words to count, whose
	// groups the entry after the row's classes holds (delta[at(st)+classes],
	// see count). Its 65,536 entries keep every index a uint16 (no bounds
	// check); a few KiB of it are read. It and pages are arrays in the
	// scanner, not pointers to them, so a step reads no pointer first.
	delta   [1 << 16]uint16
	outFrom uint16
	// order is each state's number in delta's numbering (delta's row
	// offsets are order[st]*(classes+1)), byOrder the inverse.
	order, byOrder []int16
	classes        int
	// quietPH has bit tok-tokNum set for the placeholder kinds tok of
	// placeholderKinds whose placeholders ("[" + a word of the kind +
	// "x]", nine bytes) lead the scanner from any state to the root
	// (offset 0) and count nothing: '[' is in no word, so it leads every
	// state to the root, and from there the rest leads back to it
	// without ending a word. The tokenizer then sets the state instead of
	// running the scanner over them (TestQuietPlaceholders,
	// FuzzRawQuietPlaceholders).
	quietPH uint32
	// cjk is the class of each character U+4E00–U+9FFF, cjk[r-0x4E00]:
	// bmpClass's, copied out of pages, for the tokenizer's runs of
	// Chinese characters (tokenizer.cjk), which read it with one load
	// at the index their range test made (bmpClass took nine
	// instructions: a shift, the page's load and its place, a mask and
	// the class's load). 20 KB where pages are 16, whose empty page
	// serves most characters: cachegrind counts about 1 % more
	// first-level data misses for a tenth fewer instructions in the
	// tokenizer's runs (TestCJKClass).
	cjk [0xa000 - 0x4e00]uint8
}

// lexNode is one state of the automaton.
type lexNode struct {
	fail       int16  // the longest proper suffix that is a state
	kids, nKid uint16 // its children in kids
	outs, nOut uint16 // the groups of every word ending here, suffixes' included, in outs
}

// lexKid is a transition to a child state on a character class.
type lexKid struct {
	class uint8
	next  int16
}

// newCueScanner builds the automaton of the cueWords of the groups keep
// accepts.
func newCueScanner(keep func(group int) bool) *cueScanner {
	l := &cueScanner{}
	pages := make([][64]uint8, 1)
	nClass := 1 // class 0: a character in no word
	classOf := func(r rune) uint8 {
		if r < utf8.RuneSelf {
			if l.ascii[r] == 0 {
				l.ascii[r] = uint8(nClass)
				nClass++
			}
			return l.ascii[r]
		}
		if r >= 0x10000 || r >= 0xd800 && r <= 0xdfff {
			panic(fmt.Sprintf("classify: cue word character %U outside the BMP", r)) // the words are constants
		}
		p := l.page[r>>6]
		if p == 0 {
			p = uint8(len(pages))
			l.page[r>>6] = p
			pages = append(pages, [64]uint8{})
		}
		if pages[p][r&63] == 0 {
			pages[p][r&63] = uint8(nClass)
			nClass++
		}
		return pages[p][r&63]
	}
	// The trie, with children in maps while it is built.
	type node struct {
		kids  map[uint8]int
		fail  int
		outs  []uint8
		depth int
	}
	trie := []node{{kids: map[uint8]int{}}}
	for g, ws := range cueWords() {
		if !keep(g) {
			continue
		}
		for _, w := range ws {
			if w == "" || !utf8.ValidString(w) {
				panic(fmt.Sprintf("classify: cue word %q", w)) // the words are constants
			}
			s := 0
			for _, r := range w {
				c := classOf(r)
				nx, ok := trie[s].kids[c]
				if !ok {
					nx = len(trie)
					trie = append(trie, node{kids: map[uint8]int{}, depth: trie[s].depth + 1})
					trie[s].kids[c] = nx
				}
				s = nx
			}
			trie[s].outs = append(trie[s].outs, uint8(g))
		}
	}
	if nClass > 255 || len(pages) > 255 || len(trie) > 1<<15 {
		panic("classify: cue words too many for the lexicon's tables") // the words are constants
	}
	copy(l.pages[:], pages)
	// Failure links breadth first, so a state's suffix is done before it;
	// each state's outputs take its suffix's.
	queue := []int{0}
	var bfs []int // the states in the order the queue took them
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		bfs = append(bfs, s)
		for _, c := range slices.Sorted(maps.Keys(trie[s].kids)) {
			nx := trie[s].kids[c]
			f := 0
			if s != 0 {
				for f = trie[s].fail; ; f = trie[f].fail {
					if t, ok := trie[f].kids[c]; ok {
						f = t
						break
					}
					if f == 0 {
						break
					}
				}
			}
			trie[nx].fail = f
			trie[nx].outs = append(trie[nx].outs, trie[f].outs...)
			queue = append(queue, nx)
		}
	}
	l.root = make([]int16, nClass)
	l.nodes = make([]lexNode, len(trie))
	for s := range trie {
		n := &l.nodes[s]
		n.fail = int16(trie[s].fail)
		n.outs, n.nOut = uint16(len(l.outs)), uint16(len(trie[s].outs))
		l.outs = append(l.outs, trie[s].outs...)
		n.kids, n.nKid = uint16(len(l.kids)), uint16(len(trie[s].kids))
		for _, c := range slices.Sorted(maps.Keys(trie[s].kids)) {
			nx := trie[s].kids[c]
			l.kids = append(l.kids, lexKid{class: c, next: int16(nx)})
			if s == 0 {
				l.root[c] = int16(nx)
			}
		}
	}
	l.classes = nClass
	if len(l.nodes)*(nClass+1) > len(l.delta) {
		panic("classify: cue words too many for the lexicon's tables") // the words are constants
	}
	// delta's numbering: the root (which no word ends in) first, the
	// states without words next, then those with words.
	l.order, l.byOrder = make([]int16, len(l.nodes)), make([]int16, 0, len(l.nodes))
	for _, outs := range []bool{false, true} {
		for s := range l.nodes {
			if (l.nodes[s].nOut > 0) == outs {
				l.order[s] = int16(len(l.byOrder))
				l.byOrder = append(l.byOrder, int16(s))
			}
		}
		if !outs {
			l.outFrom = uint16(len(l.byOrder) * (nClass + 1))
		}
	}
	// A state's row is its failure link's where it has no child: the
	// search of the links (stepRef) done once for all. Breadth first, a link's row (a shorter
	// word's) is done before the rows that copy it. The root's row is
	// its children, 0 (itself) for the other classes.
	for _, s := range bfs {
		row := l.delta[l.at(int16(s)):][:nClass]
		if s != 0 {
			copy(row, l.delta[l.at(l.nodes[s].fail):][:nClass])
		}
		nd := &l.nodes[s]
		for _, k := range l.kids[nd.kids : nd.kids+nd.nKid] {
			row[k.class] = l.at(k.next)
		}
		// The groups of the words ending in s after its row, a group
		// g as g+1 in four bits, the first lowest, 0 after the last
		// (count).
		if nd.nOut > 4 {
			panic("classify: too many cue words end in one state") // the words are constants
		}
		var groups uint16
		for k, g := range l.outs[nd.outs : nd.outs+nd.nOut] {
			groups |= uint16(g+1) << (4 * k)
		}
		l.delta[l.at(int16(s))+uint16(nClass)] = groups
	}
	// pages' classes of U+4E00–U+9FFF, a page (64 characters, from
	// U+4E00 on) at a time.
	for k := 0; k < len(l.cjk); k += 64 {
		copy(l.cjk[k:k+64], l.pages[l.page[(0x4e00+k)>>6]][:])
	}
	// The placeholders the tokenizer need not run the scanner over.
	for _, k := range placeholderKinds {
		quiet := l.ascii['['] == 0 // '[' leads every state to the root
		for _, w := range k.words {
			var n [nCues]uint8
			if l.run(0, "["+w+"x]", &n) != 0 || n != [nCues]uint8{} {
				quiet = false
			}
		}
		if quiet {
			l.quietPH |= 1 << (k.tok - tokNum)
		}
	}
	return l
}

// at is the offset of state st's row in delta, the name step and run
// give the state.
func (l *cueScanner) at(st int16) uint16 { return uint16(int(l.order[st]) * (l.classes + 1)) }

// class returns the class of the character at s[i] and its width in bytes.
// Bytes that are not valid UTF-8 are class 0 and one byte wide, as
// utf8.DecodeRuneInString steps over them, so a word matches here exactly
// where it matches byte for byte.
func (l *cueScanner) class(s string, i int) (uint8, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return l.ascii[b], 1
	}
	if b&0xf0 == 0xe0 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
		r := uint16(b&0x0f)<<12 | uint16(s[i+1]&0x3f)<<6 | uint16(s[i+2]&0x3f)
		if r >= 0x800 && (r < 0xd800 || r > 0xdfff) {
			return l.pages[l.page[r>>6]][r&63], 3
		}
		return 0, 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r >= 0x10000 || r == utf8.RuneError && w == 1 {
		return 0, w
	}
	return l.pages[l.page[r>>6]][r&63], w
}

// scan counts the occurrences of each of its groups' words in s, up to 255.
func (l *cueScanner) scan(s string) [nCues]uint8 {
	var n [nCues]uint8
	l.run(0, s, &n)
	return n
}

// run feeds s to the automaton from state st (its row's offset, as step
// names states; 0 is the root), counting into n, and returns the state it
// ends in: a text read in pieces, each piece run from where the last one
// ended, counts as if read whole.
func (l *cueScanner) run(st uint16, s string, n *[nCues]uint8) uint16 {
	_ = l.outFrom // l checked for nil once, not at every character
	for i := 0; i < len(s); {
		// The class of the character: ASCII and Chinese inline (the
		// call costs a sixth of the scan), the rest in class.
		var c uint8
		if b := s[i]; b < utf8.RuneSelf {
			c = l.ascii[b]
			i++
		} else if r, ok := rune3Of(s, i); ok {
			// Three bytes, neither overlong nor a surrogate: a
			// Chinese character's class from cjk with one load.
			if u := uint32(r) - 0x4e00; u < 0xa000-0x4e00 {
				c = l.cjk[u]
			} else {
				c = l.bmpClass(uint16(r))
			}
			i += 3
		} else {
			var w int
			c, w = l.class(s, i)
			i += w
		}
		st = l.step(st, c, n)
	}
	return st
}

// rune3Of is rune3 of the three bytes at s[i], false when fewer remain.
func rune3Of(s string, i int) (rune, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	return rune3(s[i], uint32(s[i+2])<<8|uint32(s[i+1]))
}

// runeClass is the class of a character of the Basic Multilingual Plane.
func (l *cueScanner) runeClass(r uint32) uint8 { return l.pages[l.page[r>>6&0x3ff]][r&63] }

// bmpClass is runeClass for a character given as a uint16, whose page
// index r>>6 needs no mask to be in range.
func (l *cueScanner) bmpClass(r uint16) uint8 { return l.pages[l.page[r>>6]][r&63] }

// step moves the automaton from state st (its row's offset in delta) on
// class c, 0 included, and counts the words that end there.
// TestStepMatchesRef checks it against the search of the failure links
// it replaced, on every state and class.
func (l *cueScanner) step(st uint16, c uint8, n *[nCues]uint8) uint16 {
	st = l.delta[st+uint16(c)] // below len(nodes)*(classes+1): no overflow
	if st >= l.outFrom {
		l.count(st, n)
	}
	return st
}

// count counts the words that end in state st (its row's offset), up to
// 255 a group: step's rare case, a call of its own so that step inlines.
// It reads their groups from the entry after st's row, as four bits a
// group (g+1, 0 after the last), where the state's number (a division
// of the offset), its node and its slice of outs took three times the
// instructions (TestStepMatchesRef).
func (l *cueScanner) count(st uint16, n *[nCues]uint8) {
	for g := l.delta[st+uint16(l.classes)]; g != 0; g >>= 4 {
		if k := g&15 - 1; n[k] < 255 {
			n[k]++
		}
	}
}

// decodeRune is utf8.DecodeRuneInString with the ASCII and three-byte cases,
// which are nearly all of Chinese chat text, inlined.
func decodeRune(s string) (rune, int) {
	if c := s[0]; c < utf8.RuneSelf {
		return rune(c), 1
	} else if c&0xf0 == 0xe0 && len(s) >= 3 && s[1]&0xc0 == 0x80 && s[2]&0xc0 == 0x80 {
		r := rune(c&0x0f)<<12 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f)
		if r >= 0x800 && (r < 0xd800 || r > 0xdfff) {
			return r, 3
		}
	}
	return utf8.DecodeRuneInString(s)
}

// seedPhrase is a hand-written chat message with the label any reader would
// give it.
type seedPhrase struct {
	text  string
	label Label
}

// seedPhrases are short customer messages written for fullqa (not taken from
// any data set) and trained on alongside the labelled chats. The labelled
// chats are few, and some plain signals never occur in them (nobody in them
// says "我要投诉"); these phrases teach the lexicon signals what they mean.
// The package tests use other wordings, so they still test generalisation.
func seedPhrases() []seedPhrase {
	return []seedPhrase{
		{"我要投诉你们", Negative}, {"投诉", Negative}, {"给差评", Negative}, {"必须差评", Negative},
		{"垃圾客服", Negative}, {"你们就是骗子", Negative}, {"太坑了", Negative}, {"无语了", Negative},
		{"搞什么啊", Negative}, {"凭什么不给退", Negative}, {"这是什么态度", Negative}, {"太失望了", Negative},
		{"气死我了", Negative}, {"别忽悠我", Negative}, {"不要敷衍我", Negative}, {"非常不满意", Negative},
		{"我要打12315", Negative}, {"我要去消协举报", Negative}, {"有人吗???", Negative}, {"人呢", Negative},
		{"人呢?", Negative}, {"说话", Negative}, {"说话啊!", Negative}, {"怎么不回复", Negative},
		{"在不在啊??", Negative}, {"到底什么时候到", Negative}, {"怎么还没发货", Negative}, {"都等了一个星期了", Negative},
		{"快点处理!!", Negative}, {"赶紧给我解决", Negative}, {"你们在耍我吗", Negative}, {"受够了", Negative},
		{"再也不在京东买了", Negative}, {"?????", Negative}, {"!!!", Negative}, {"为什么又要等", Negative},
		{"谢谢你", Positive}, {"非常感谢", Positive}, {"好的，谢谢亲", Positive}, {"辛苦了", Positive},
		{"太好了", Positive}, {"解决了，谢谢", Positive}, {"满意", Positive}, {"给你好评", Positive},
		{"多谢多谢", Positive}, {"好嘞，麻烦你了", Positive}, {"明白了，谢谢", Positive}, {"没问题了，谢谢", Positive},
		{"赞", Positive}, {"服务真好", Positive}, {"好的好的，谢谢", Positive}, {"嗯嗯，谢啦", Positive},
		{"我的订单号是[订单x]", Neutral}, {"[ORDERID_1]", Neutral}, {"地址是[地址x]", Neutral}, {"手机号[电话x]", Neutral},
		{"请问什么时候发货", Neutral}, {"可以开发票吗", Neutral}, {"怎么申请售后", Neutral}, {"这个有货吗", Neutral},
		{"我想改一下地址", Neutral}, {"发票抬头写公司", Neutral}, {"是的", Neutral}, {"订单[订单x]金额[金额x]", Neutral},
		{"我想咨询一下保修", Neutral}, {"能用优惠券吗", Neutral}, {"在哪里查看物流", Neutral}, {"我查一下", Neutral},
	}
}
