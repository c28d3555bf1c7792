package detect

import (
	"fmt"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// Scene tag names, as written in scan output and used by reports, trends
// and the sensitive-scene rules.
const (
	SceneRefund       = "refund"
	SceneCompensation = "compensation"
	SceneLogistics    = "logistics"
	SceneQuality      = "quality"
	SceneInvoice      = "invoice"
	ScenePrice        = "price"
	ScenePresale      = "presale"
)

// sceneDefs lists every scene with its word list and whether only customer
// messages count: presale questions are asked by customers (an agent's
// "推荐" is not one), and a quality problem is reported by the customer,
// while agents mention quality mostly in policy ("质量问题可以申请售后").
// Agents offer refunds and compensation themselves, so one agent message
// is enough for those; delivery words run through sales pitches and
// policy lines ("下单后确认预计送货时间"), so an agent alone must come back
// to logistics twice.
var sceneDefs = [...]struct {
	name         string
	list         string
	customerOnly bool
	agentOnlyMin int // agent messages needed when the customer never names the scene
}{
	{SceneRefund, "scene_refund", false, 1},
	{SceneCompensation, "scene_compensation", false, 1},
	{SceneLogistics, "scene_logistics", false, 2},
	{SceneQuality, "scene_quality", true, 1},
	{SceneInvoice, "scene_invoice", false, 1},
	{ScenePrice, "scene_price", false, 1},
	{ScenePresale, "scene_presale", true, 1},
}

// Handling steps of a sensitive scene, as named in the config.
const (
	StepAcknowledge     = "acknowledge"
	StepNextStep        = "next_step"
	StepReasonedRefusal = "reasoned_refusal"
)

// SensitiveConfig sets which scenes are sensitive and the handling steps an
// agent must follow in them. The defaults are the usual after-sales script
// of JD and Tmall shops: acknowledge or apologise, give a concrete next step
// or outcome, and never refuse without a reason or an alternative.
type SensitiveConfig struct {
	Scenes []string `yaml:"scenes"`
	Steps  []string `yaml:"steps"`
}

// DefaultSensitiveConfig returns the default sensitive scenes and steps.
func DefaultSensitiveConfig() SensitiveConfig {
	return SensitiveConfig{
		Scenes: []string{SceneRefund, SceneCompensation},
		Steps:  []string{StepAcknowledge, StepNextStep, StepReasonedRefusal},
	}
}

// Validate checks that scenes and steps are known names, so that a typo in
// the YAML is an error instead of a silently skipped rule.
func (c SensitiveConfig) Validate() error {
	for _, s := range c.Scenes {
		if s != SceneRefund && s != SceneCompensation {
			return fmt.Errorf("sensitive.scenes: unknown scene %q (want %s or %s)", s, SceneRefund, SceneCompensation)
		}
	}
	for _, s := range c.Steps {
		switch s {
		case StepAcknowledge, StepNextStep, StepReasonedRefusal:
		default:
			return fmt.Errorf("sensitive.steps: unknown step %q (want %s, %s or %s)", s, StepAcknowledge, StepNextStep, StepReasonedRefusal)
		}
	}
	return nil
}

// sceneDetector tags every conversation with the scenes it discusses and
// emits the sensitive.* findings for refund and compensation scenes.
type sceneDetector struct {
	cfg               SensitiveConfig
	lex               lexicon.Lists
	scenes            [len(sceneDefs)]termSet
	denied            [len(sceneDefs)]ClassID // <list>_denied: the customer rules the scene out
	refuse            termSet
	ack, next, reason ClassID
}

func newSceneDetector(cfg SensitiveConfig, lex lexicon.Lists) *sceneDetector {
	return &sceneDetector{cfg: cfg, lex: lex}
}

func (d *sceneDetector) Name() string { return "scene" }

func (d *sceneDetector) Codes() []string {
	codes := make([]string, 0, len(sceneDefs)+3)
	for _, s := range sceneDefs {
		codes = append(codes, s.name)
	}
	return append(codes, "sensitive.refund", "sensitive.compensation", "sensitive.mishandled")
}

func (d *sceneDetector) RegisterKeywords(k *Keywords) error {
	for i, s := range sceneDefs {
		d.scenes[i] = addTerms(k, "scene."+s.name, d.lex, s.list)
		d.denied[i] = k.Add("scene."+s.name+".denied", d.lex.Words(s.list+"_denied")...)
	}
	d.ack = k.Add("sensitive.acknowledge", d.lex.Words("sensitive_acknowledge")...)
	d.next = k.Add("sensitive.next_step", d.lex.Words("sensitive_next_step")...)
	d.refuse = addTerms(k, "sensitive.refusal", d.lex, "sensitive_refusal")
	d.reason = k.Add("sensitive.reason", d.lex.Words("sensitive_reason")...)
	return nil
}

// deniedByCustomer reports whether the customer rules scene s out ("不是
// 质量问题, 是我摔坏的"): then the words that named it were about something
// else, and the scene is not tagged.
func (d *sceneDetector) deniedByCustomer(in *Input, s int) bool {
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role == conversation.RoleCustomer && in.Has(i, d.denied[s]) {
			return true
		}
	}
	return false
}

func (d *sceneDetector) Inspect(in *Input, out *Output) {
	// A scene is discussed when the customer raises it, or when the agent
	// names it often enough (see sceneDefs).
	var first, customer, agent [len(sceneDefs)]int
	for s := range first {
		first[s], customer[s] = -1, -1
	}
	for i := range in.Conv.Messages {
		role := in.Conv.Messages[i].Role
		if role != conversation.RoleCustomer && role != conversation.RoleAgent {
			continue // bot menus and system notices list every topic
		}
		if len(in.Hits[i]) == 0 {
			continue
		}
		for s, def := range sceneDefs {
			if def.customerOnly && role != conversation.RoleCustomer {
				continue
			}
			if _, ok := in.firstTerm(i, d.scenes[s]); !ok {
				continue
			}
			if first[s] < 0 {
				first[s] = i
			}
			if role == conversation.RoleCustomer {
				if customer[s] < 0 {
					customer[s] = i
				}
			} else {
				agent[s]++
			}
		}
	}
	for s, def := range sceneDefs {
		if first[s] < 0 || (customer[s] < 0 && agent[s] < def.agentOnlyMin) || d.deniedByCustomer(in, s) {
			first[s] = -1
			continue
		}
		for i := first[s]; i < len(in.Conv.Messages); i++ {
			role := in.Conv.Messages[i].Role
			if role != conversation.RoleCustomer && role != conversation.RoleAgent {
				continue
			}
			if _, ok := in.firstTerm(i, d.scenes[s]); ok && (role == conversation.RoleCustomer || !def.customerOnly) {
				out.Tag(def.name, i)
			}
		}
	}
	for _, name := range d.cfg.Scenes {
		s := sceneIndex(name)
		if s < 0 || first[s] < 0 {
			continue
		}
		d.sensitive(in, out, name, s, first[s])
	}
}

func sceneIndex(name string) int {
	for i, s := range sceneDefs {
		if s.name == name {
			return i
		}
	}
	return -1
}

// sensitive emits sensitive.<scene> and, when the agent broke a handling
// step after the scene came up, sensitive.mishandled naming the step.
func (d *sceneDetector) sensitive(in *Input, out *Output, name string, s, from int) {
	h, _ := in.firstTerm(from, d.scenes[s])
	msgs := []int{from}
	for _, t := range out.Tags {
		if t.Name == name {
			msgs = t.Messages
		}
	}
	out.Add(conversation.Finding{Code: "sensitive." + name, Severity: conversation.SeverityInfo,
		Messages: msgs, Evidence: hitQuote(in, from, h),
		Detail: name + " scene: " + in.Matched(from, h)})

	// An apology given before the scene word came up (the customer first
	// described the problem, then asked for money back) still counts.
	acked, next := false, false
	refusal, firstReply := -1, -1
	for i := range in.Conv.Messages {
		if !in.isRole(i, conversation.RoleAgent) {
			continue
		}
		acked = acked || in.Has(i, d.ack)
		if i < from {
			continue
		}
		if firstReply < 0 {
			firstReply = i
		}
		next = next || in.Has(i, d.next)
		if _, ok := in.firstTerm(i, d.refuse); ok && refusal < 0 && !in.Has(i, d.reason) {
			refusal = i
		}
	}
	if firstReply < 0 {
		return // unanswered chats are response.missed, not mishandling
	}
	var missed []string
	at := firstReply
	for _, step := range d.cfg.Steps {
		switch step {
		case StepAcknowledge:
			if !acked {
				missed = append(missed, "agent never acknowledged or apologised")
			}
		case StepNextStep:
			if !next {
				missed = append(missed, "agent gave no concrete next step or outcome")
			}
		case StepReasonedRefusal:
			if refusal >= 0 {
				missed = append(missed, "agent refused without a reason: "+quote(in.Conv.Messages[refusal].Text))
				at = refusal
			}
		}
	}
	if len(missed) == 0 {
		return
	}
	out.Add(conversation.Finding{Code: "sensitive.mishandled", Severity: conversation.SeverityMedium,
		Messages: []int{at}, Evidence: "missed step: " + strings.Join(missed, "; "),
		Detail: name + " scene handled against the required steps"})
}
