package detect

import (
	"fmt"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/knowledge"
	"fullqa/internal/lexicon"
	"fullqa/internal/text"
)

// knowledgeDetector checks what agents tell customers against the shop's
// own facts file (internal/knowledge). An agent sentence that names a fact
// (a cue: 无理由, 价保, 到账, 防水, 电子发票, 顺丰 …) and states a value for
// it — a number with a unit, yes or no, one of the known alternatives — is a
// claim. A claim that differs from the facts of the conversation's shop and
// SKUs is knowledge.contradiction; a claim about a fact the file does not
// define is knowledge.unknown_claim (info), the list a merchant completes
// the file from. Questions ("是7天无理由吗"), customer messages, and
// refusals under a condition ("超过7天不支持无理由") are not claims. The
// shop's forbidden phrases are contradictions too, and so is an agent's
// answer in a scene that leaves out a phrase the shop requires there (low
// severity: "退款" came up and no agent said "原路返回"). The facts are
// given at construction; Inspect does no I/O.
type knowledgeDetector struct {
	facts *knowledge.Facts
	lex   lexicon.Lists

	cueC, spellC, qualC, question, cond ClassID
	neg, affirm                         termSet
	forbidC, whenC, sayC                ClassID

	cues   map[string][]knowledge.Cue
	spells map[string][]knowledge.Spelling
	quals  map[string][]knowledge.Spelling
}

// newKnowledgeDetector returns the detector for facts; nil facts (no facts
// file configured) make it report nothing.
func newKnowledgeDetector(facts *knowledge.Facts, lex lexicon.Lists) *knowledgeDetector {
	return &knowledgeDetector{facts: facts, lex: lex}
}

func (d *knowledgeDetector) Name() string { return "knowledge" }

func (d *knowledgeDetector) Codes() []string {
	return []string{"knowledge.contradiction", "knowledge.unknown_claim"}
}

func (d *knowledgeDetector) RegisterKeywords(k *Keywords) error {
	if d.facts == nil {
		return nil
	}
	d.cues, d.spells, d.quals = map[string][]knowledge.Cue{}, map[string][]knowledge.Spelling{}, map[string][]knowledge.Spelling{}
	var words []string
	for _, c := range d.facts.Cues(d.lex.Words("knowledge_attributes")) {
		if d.cues[c.Word] == nil {
			words = append(words, c.Word)
		}
		d.cues[c.Word] = append(d.cues[c.Word], c)
	}
	d.cueC = k.Add("knowledge.cue", words...)
	words = nil
	for _, s := range d.facts.Spellings() {
		if d.spells[s.Word] == nil {
			words = append(words, s.Word)
		}
		d.spells[s.Word] = append(d.spells[s.Word], s)
	}
	d.spellC = k.Add("knowledge.value", words...)
	words = nil
	for _, s := range d.facts.Qualifiers() {
		if d.quals[s.Word] == nil {
			words = append(words, s.Word)
		}
		d.quals[s.Word] = append(d.quals[s.Word], s)
	}
	d.qualC = k.Add("knowledge.qualifier", words...)
	d.neg = addTerms(k, "knowledge.negation", d.lex, "knowledge_negation")
	d.question = k.Add("knowledge.question", d.lex.Words("knowledge_question")...)
	d.cond = k.Add("knowledge.condition", d.lex.Words("knowledge_condition")...)
	d.affirm = addTerms(k, "knowledge.affirm", d.lex, "knowledge_affirm")
	forbid, when, say := d.facts.Phrases()
	d.forbidC = k.Add("knowledge.forbidden", forbid...)
	d.whenC = k.Add("knowledge.required_when", when...)
	d.sayC = k.Add("knowledge.required_say", say...)
	return nil
}

func (d *knowledgeDetector) Inspect(in *Input, out *Output) {
	if d.facts == nil {
		return
	}
	c := in.Conv
	shop := d.facts.Shop(c.Shop)
	var buf [4]knowledge.Set
	sets := shop.Sets(c.SKUs, buf[:0])
	var claims []claim
	for i := range c.Messages {
		if len(in.Hits[i]) == 0 || !in.isRole(i, conversation.RoleAgent) {
			continue
		}
		// One claim per fact and message (the first): a long message that
		// repeats a cue costs one reading per repeat, not a comparison with
		// every earlier claim.
		claims = claims[:0]
		forbidden := ""
		for _, h := range in.allHits(i) {
			switch h.Class {
			case d.cueC:
				for _, cue := range d.cues[in.Matched(i, h)] {
					if hasKey(claims, cue.Key) {
						continue
					}
					if cl, ok := d.readCue(in, i, h, cue); ok {
						claims = append(claims, cl)
					}
				}
			case d.spellC:
				for _, sp := range d.spells[in.Matched(i, h)] {
					if hasKey(claims, sp.Key) {
						continue
					}
					if cl, ok := d.readSpelling(in, i, h, sp); ok {
						claims = append(claims, cl)
					}
				}
			case d.forbidC:
				if forbidden == "" && d.forbidden(in, i, h, shop, out) {
					forbidden = in.Matched(i, h)
				}
			}
		}
		d.emitAll(in, i, claims, sets, out)
	}
	d.required(in, shop, out)
}

// forbidden reports a forbidden phrase said (not denied) by an agent, and
// whether it did.
func (d *knowledgeDetector) forbidden(in *Input, i int, h KeywordHit, shop *knowledge.Shop, out *Output) bool {
	said := in.Matched(i, h)
	for _, p := range shop.Forbidden {
		if text.Normalize(p.Text) != said || d.negated(in, i, max(int(h.Start)-reach, 0), int(h.Start)) {
			continue
		}
		detail := fmt.Sprintf("禁用说法 %q: the shop forbids agents to say it (%s)", p.Text, p.Where)
		if p.Reason != "" {
			detail = fmt.Sprintf("禁用说法 %q: %s (%s)", p.Text, p.Reason, p.Where)
		}
		out.Add(conversation.Finding{Code: "knowledge.contradiction", Severity: conversation.SeverityMedium,
			Messages: []int{i}, Evidence: hitQuote(in, i, h), Detail: detail,
			Data: conversation.Data{{Key: "attribute", Value: "forbidden"}, {Key: "claimed", Value: said}, {Key: "where", Value: p.Where}}})
		return true
	}
	return false
}

// hasKey reports whether a claim about key was read already.
func hasKey(claims []claim, key string) bool {
	for _, c := range claims {
		if c.key == key {
			return true
		}
	}
	return false
}

// required reports, per requirement of the shop, the first agent answer
// after a When word came up when no agent message from there on says any
// Say phrase: the shop's script for that scene was not followed.
func (d *knowledgeDetector) required(in *Input, shop *knowledge.Shop, out *Output) {
	for _, r := range shop.Required {
		first, firstHit := -1, KeywordHit{}
		for i := range in.Conv.Messages {
			if h, ok := in.First(i, d.whenC); ok && inList(in.Matched(i, h), r.When) {
				first, firstHit = i, h
				break
			}
		}
		if first < 0 {
			continue
		}
		answer, answered := -1, false
		for i := first; i < len(in.Conv.Messages) && !answered; i++ {
			if !in.isRole(i, conversation.RoleAgent) {
				continue
			}
			if answer < 0 && (i > first || in.isRole(first, conversation.RoleAgent)) {
				answer = i
			}
			for _, h := range in.hitsFor(i, d.sayC) {
				answered = answered || h.Class == d.sayC && inList(in.Matched(i, h), r.Say)
			}
		}
		if answered || answer < 0 {
			continue
		}
		name := r.Name
		if name == "" {
			name = strings.Join(r.When, "/")
		}
		msgs := []int{answer, first}
		if answer == first {
			msgs = msgs[:1]
		}
		out.Add(conversation.Finding{Code: "knowledge.contradiction", Severity: conversation.SeverityLow,
			Messages: msgs, Evidence: hitQuote(in, first, firstHit),
			Detail: fmt.Sprintf("必说话术缺失 %s: no agent message says %s (%s)", name, strings.Join(r.Say, " / "), r.Where),
			Data:   conversation.Data{{Key: "attribute", Value: "required"}, {Key: "required", Value: r.Say}, {Key: "where", Value: r.Where}}})
	}
}

func inList(w string, list []string) bool {
	for _, x := range list {
		if text.Normalize(x) == w {
			return true
		}
	}
	return false
}
