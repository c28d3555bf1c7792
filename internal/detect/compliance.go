package detect

import (
	"sort"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// complianceDetector emits the platform-rule findings on agent messages:
// compliance.off_platform (steering the customer to WeChat, QQ, a private
// phone or another shop, including filter dodges like "加 V" and "薇信"),
// compliance.review_inducement (a reward for a good review, or asking to
// delete or change a bad one) and compliance.absolute_claim (广告法 absolute
// terms such as 最好, 第一, 国家级, 100%有效). Advice and time wording that
// contains such a word ("最好您先…", "第一时间") is listed as exceptions.
// The first two are fatal items of the default scorecard, so a refusal or
// a warning is not a violation: a negation cue just before the word
// ("平台规定不能加微信哦", "也不会让您好评换红包的", "请勿私下交易") or a
// refusal right after it ("加微信是不可以的") takes it back, as negation
// cues take back a customer's threat.
type complianceDetector struct {
	lex         lexicon.Lists
	offPlatform termSet
	review      termSet
	reviewAsk   ClassID
	reward      ClassID
	absolute    termSet
	negate      termSet // compliance_negation, before the word
	refusal     ClassID // compliance_refusal, after the word
	// gate holds the classes of the keyword findings' words (see
	// Inspect): an off-platform word, a review word or request, an
	// absolute claim.
	gate classMask
	// digits tells the messages with two digits in a row, the least a
	// phone number of the agent's own (ownPhone) needs.
	digits digitRuns
}

func newComplianceDetector(lex lexicon.Lists) *complianceDetector {
	return &complianceDetector{lex: lex}
}

func (d *complianceDetector) Name() string { return "compliance" }

func (d *complianceDetector) Codes() []string {
	return []string{"compliance.off_platform", "compliance.review_inducement", "compliance.absolute_claim"}
}

func (d *complianceDetector) RegisterKeywords(k *Keywords) error {
	d.offPlatform = addTerms(k, "compliance.off_platform", d.lex, "compliance_off_platform")
	d.review = addTerms(k, "compliance.review", d.lex, "compliance_review")
	d.reviewAsk = k.Add("compliance.review_ask", d.lex.Words("compliance_review_ask")...)
	d.reward = k.Add("compliance.review_reward", d.lex.Words("compliance_review_reward")...)
	d.absolute = addTerms(k, "compliance.absolute", d.lex, "compliance_absolute")
	d.negate = addTerms(k, "compliance.negation", d.lex, "compliance_negation")
	d.refusal = k.Add("compliance.refusal", d.lex.Words("compliance_refusal")...)
	d.gate = maskOf(d.offPlatform.words, d.review.words, d.reviewAsk, d.absolute.words)
	d.digits.register(k)
	return nil
}

func (d *complianceDetector) Inspect(in *Input, out *Output) {
	rows, w, bit := d.digits.rows(in)
	for i := range in.Conv.Messages {
		if !in.isRole(i, conversation.RoleAgent) {
			continue
		}
		// Without a word of the gate's classes (most agent messages)
		// firstUnrefused finds no off-platform word, inducement needs a
		// review word or request, and no absolute claim is there: only
		// a phone number of the agent's own is left to look for.
		words := in.mayAny(i, &d.gate)
		var h KeywordHit
		ok := false
		if words {
			h, ok = d.firstUnrefused(in, i, d.offPlatform)
		}
		if ok {
			out.Add(conversation.Finding{Code: "compliance.off_platform", Severity: conversation.SeverityHigh,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
				Detail: "agent steers the customer off the platform: " + in.Matched(i, h)})
		} else if i < len(rows) && rows[i][w%presentWords]&bit != 0 || i >= len(rows) && d.digits.in(in, i) {
			// A phone number needs two digits in a row (d.digits.in, its
			// presence bit read here): most agent messages have none.
			if sp, ok := ownPhone(in.Norm[i]); ok {
				h := KeywordHit{Start: int32(sp.Start), End: int32(sp.End)}
				out.Add(conversation.Finding{Code: "compliance.off_platform", Severity: conversation.SeverityHigh,
					Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
					Detail: "agent gives the customer a personal phone number: " + sp.Kind.Label()})
			}
		}
		if len(in.Hits[i]) == 0 || !words {
			continue
		}
		if h, ok := d.inducement(in, i); ok {
			out.Add(conversation.Finding{Code: "compliance.review_inducement", Severity: conversation.SeverityHigh,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
				Detail: "agent induces or manipulates a review: " + in.Matched(i, h)})
		}
		if h, ok := d.firstUnrefused(in, i, d.absolute); ok {
			out.Add(conversation.Finding{Code: "compliance.absolute_claim", Severity: conversation.SeverityMedium,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
				Detail: "absolute claim forbidden by the Advertising Law: " + in.Matched(i, h)})
		}
	}
}

// inducement finds an explicit inducement phrase, or a review word followed
// by a reward in the same message ("给五星好评送您小礼物"); a reward named
// before the review request ("退款已到账，麻烦给个好评") is not an exchange,
// and neither is a refused one ("好评也不会有红包") nor one in another
// sentence ("用了来追评。赠品很实用").
func (d *complianceDetector) inducement(in *Input, i int) (KeywordHit, bool) {
	if h, ok := d.firstUnrefused(in, i, d.review); ok {
		return h, true
	}
	if !in.may(i, d.reviewAsk) || !in.may(i, d.reward) {
		return KeywordHit{}, false
	}
	// The rewards that count, by sentence: where the last one starts.
	// Each ask is then one look-up, so a long message costs its length,
	// not asks × rewards.
	norm := in.Norm[i]
	ends := sentenceEnds(norm)
	lastReward := map[int]int32{}
	for _, h := range in.allHits(i) {
		if h.Class == d.reward && !d.refused(in, i, h) {
			k := sentenceOf(ends, int(h.Start))
			if start, ok := lastReward[k]; !ok || h.Start > start {
				lastReward[k] = h.Start
			}
		}
	}
	for _, ask := range in.allHits(i) {
		if ask.Class != d.reviewAsk || d.refused(in, i, ask) {
			continue
		}
		if start, ok := lastReward[sentenceOf(ends, int(ask.End))]; ok && start >= ask.End {
			return ask, true
		}
	}
	return KeywordHit{}, false
}

// sentenceEnds returns the offsets right after each sentence end (。 ! ?)
// of s, in order.
func sentenceEnds(s string) []int {
	var ends []int
	for k := 0; k < len(s); k++ {
		switch {
		case s[k] == '!' || s[k] == '?':
			ends = append(ends, k+1)
		case s[k] == 0xE3 && strings.HasPrefix(s[k:], "。"):
			ends = append(ends, k+len("。"))
		}
	}
	return ends
}

// sentenceOf numbers the sentence holding offset p: two offsets a <= b
// have the same number exactly when s[a:b] holds no sentence end (。 ! ?;
// commas and spaces are allowed, as in "五星好评截图发我，返现5元").
func sentenceOf(ends []int, p int) int {
	return sort.SearchInts(ends, p+1)
}

// firstUnrefused returns the first hit of t in message i that firstTerm
// would count and that is not refused.
func (d *complianceDetector) firstUnrefused(in *Input, i int, t termSet) (KeywordHit, bool) {
	if !in.may(i, t.words) {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		if h.Class != t.words || !asciiBounded(in.Norm[i], h) || in.overlapsClass(i, t.except, h) {
			continue
		}
		if !d.refused(in, i, h) {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// complianceNegationWindow is how far (bytes, four Chinese characters) a
// negation cue may stand before, or a refusal after, the word it refuses:
// "不会让您好评", "私下交易是违规的".
const complianceNegationWindow = 12

// refused reports whether hit h of message i is taken back: a negation cue
// (compliance_negation, not inside one of its exceptions and not the middle
// of an A-not-A question such as "能不能加个微信") ends at most
// complianceNegationWindow bytes before it in the same clause, or a refusal
// (compliance_refusal) starts as close after it.
func (d *complianceDetector) refused(in *Input, i int, h KeywordHit) bool {
	if !in.may(i, d.negate.words) && !in.may(i, d.refusal) {
		return false
	}
	norm := in.Norm[i]
	for _, e := range in.near(i, h.Start-complianceNegationWindow, h.Start) {
		if e.Class == d.negate.words && e.End <= h.Start && h.Start-e.End <= complianceNegationWindow {
			if hasClauseBreak(norm[e.End:h.Start]) || in.overlapsClass(i, d.negate.except, e) || askedNot(norm, e) {
				continue
			}
			if utf8.RuneCountInString(norm[e.Start:e.End]) == 1 && h.Start-e.End > 3 {
				continue // a bare 不/没/别 negates the next word only: "不相信的打我手机" offers the phone
			}
			return true
		}
	}
	for _, e := range in.startingIn(i, h.End, h.End+complianceNegationWindow) {
		if e.Class == d.refusal && e.Start >= h.End && e.Start-h.End <= complianceNegationWindow && !hasClauseBreak(norm[h.End:e.Start]) {
			return true
		}
	}
	return false
}

// askedNot reports whether the negation at hit e is the middle of an
// A-not-A question ("能不能", "可不可以", "要不要", "有没有"): it asks and
// denies nothing.
func askedNot(s string, e KeywordHit) bool {
	w := s[e.Start:e.End]
	_, n := utf8.DecodeRuneInString(w)
	if w[:n] != "不" && w[:n] != "没" {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:e.Start])
	after, _ := utf8.DecodeRuneInString(s[int(e.Start)+n:])
	return before == after && before != utf8.RuneError
}
