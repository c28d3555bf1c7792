package classify

import (
	"fmt"
	"unicode/utf8"

	"fullqa/internal/text"
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

// lexicon finds cue words in one pass over a text with the project's
// multi-pattern matcher: every occurrence of every word, overlapping ones
// included, counts for its group.
type lexicon struct {
	m     *text.Matcher
	group []uint8 // cue group of each pattern
}

// newLexicon builds the lexicon of cueWords.
func newLexicon() *lexicon {
	l := &lexicon{}
	var words []string
	for g, ws := range cueWords() {
		for _, w := range ws {
			words = append(words, w)
			l.group = append(l.group, uint8(g))
		}
	}
	m, err := text.NewMatcher(words)
	if err != nil {
		panic(fmt.Sprintf("classify: cue words: %v", err)) // the words are constants above
	}
	l.m = m
	return l
}

// scan counts the occurrences of each cue group's words in s, up to 255.
func (l *lexicon) scan(s string) [nCues]uint8 {
	var n [nCues]uint8
	var buf [32]text.Hit
	for _, h := range l.m.Scan(s, buf[:0]) {
		if g := l.group[h.Pattern]; n[g] < 255 {
			n[g]++
		}
	}
	return n
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
