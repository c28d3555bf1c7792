package detect

import (
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
type complianceDetector struct {
	lex         lexicon.Lists
	offPlatform termSet
	review      termSet
	reviewAsk   ClassID
	reward      ClassID
	absolute    termSet
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
	return nil
}

func (d *complianceDetector) Inspect(in *Input, out *Output) {
	for i := range in.Conv.Messages {
		if len(in.Hits[i]) == 0 || !in.isRole(i, conversation.RoleAgent) {
			continue
		}
		if h, ok := in.firstTerm(i, d.offPlatform); ok && asciiBounded(in.Norm[i], h) {
			out.Add(conversation.Finding{Code: "compliance.off_platform", Severity: conversation.SeverityHigh,
				Messages: []int{i}, Evidence: hitQuote(in, i, h),
				Detail: "agent steers the customer off the platform: " + in.Matched(i, h)})
		}
		if h, ok := d.inducement(in, i); ok {
			out.Add(conversation.Finding{Code: "compliance.review_inducement", Severity: conversation.SeverityHigh,
				Messages: []int{i}, Evidence: hitQuote(in, i, h),
				Detail: "agent induces or manipulates a review: " + in.Matched(i, h)})
		}
		if h, ok := in.firstTerm(i, d.absolute); ok {
			out.Add(conversation.Finding{Code: "compliance.absolute_claim", Severity: conversation.SeverityMedium,
				Messages: []int{i}, Evidence: hitQuote(in, i, h),
				Detail: "absolute claim forbidden by the Advertising Law: " + in.Matched(i, h)})
		}
	}
}

// inducement finds an explicit inducement phrase, or a review word followed
// by a reward in the same message ("给五星好评送您小礼物"); a reward named
// before the review request ("退款已到账，麻烦给个好评") is not an exchange.
func (d *complianceDetector) inducement(in *Input, i int) (KeywordHit, bool) {
	if h, ok := in.firstTerm(i, d.review); ok {
		return h, true
	}
	ask, ok := in.First(i, d.reviewAsk)
	if !ok {
		return KeywordHit{}, false
	}
	for _, h := range in.Hits[i] {
		if h.Class == d.reward && h.Start >= ask.End {
			return ask, true
		}
	}
	return KeywordHit{}, false
}
