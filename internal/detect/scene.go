package detect

import (
	"fmt"
	"math/bits"
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

// SceneTags lists every scene tag the scene detector emits, in its order;
// reports name them through internal/codebook.
func SceneTags() []string {
	out := make([]string, len(sceneDefs))
	for i, d := range sceneDefs {
		out[i] = d.name
	}
	return out
}

// sceneDefs lists every scene with its word list and whether only customer
// messages count: presale questions are asked by customers (an agent's
// "推荐" is not one), and a quality problem is reported by the customer,
// while agents mention quality mostly in policy ("质量问题可以申请售后").
// Agents offer refunds and compensation themselves, so one agent message
// is enough for those; delivery words run through sales pitches and
// policy lines ("下单后确认预计送货时间"), so an agent alone must come back
// to logistics twice.
//
// factual scenes count only statements of fact: a defect the customer
// supposes ("如果在保修期内坏掉的话…") is a presale question, not a quality
// problem. aside scenes can be a passing remark: a single customer word
// that no agent message takes up, in a chat carried by a refund or an
// invoice ("我看还没有发货呢, 能退吗", "票要多久能寄到"), is that chat's
// background, not a logistics scene. A customer who spells the delivery
// out ("快递显示还让我等, 今天也是配送无望") makes it a concern of its own.
//
// policy scenes are not named by an agent's policy line: a word after a
// time limit or a generic condition in its clause ("[数字x]天内可以申请退货",
// "质保期内直接换新", "客户原因退换货每月可享受…") states the shop's rules
// for everyone (scene_policy.txt), as JD agents paste them into presale and
// repair chats; it is no refund or compensation for this customer. A
// customer quoting the rule ("不是7天无理由退货吗") still names the scene.
var sceneDefs = [...]struct {
	name         string
	list         string
	customerOnly bool
	agentOnlyMin int // agent messages needed when the customer never names the scene
	factual      bool
	aside        bool
	policy       bool
}{
	{SceneRefund, "scene_refund", false, 1, false, false, true},
	{SceneCompensation, "scene_compensation", false, 1, false, false, true},
	{SceneLogistics, "scene_logistics", false, 2, false, true, false},
	{SceneQuality, "scene_quality", true, 1, true, false, false},
	{SceneInvoice, "scene_invoice", false, 1, false, false, false},
	{ScenePrice, "scene_price", false, 1, false, false, false},
	{ScenePresale, "scene_presale", true, 1, false, false, false},
}

// The places in sceneDefs of the scenes the rules name, as constants: the
// rules ran sceneIndex's walk over the names, comparing strings, several
// times a conversation. TestSceneAt holds them to sceneIndex.
const (
	sceneRefundAt       = 0
	sceneCompensationAt = 1
	sceneQualityAt      = 3
	sceneInvoiceAt      = 4
)

// scenePairs are words that name a scene only after an anchor word: a
// mismatch ("不一样") is a wrong item when it is the goods received or
// chosen that differ ("收到的货跟图片不一样"), a missing word ("没收到")
// is a missing item when it is one thing inside the order or the box
// ("订单里的卷纸没收到", not "快递没收到"), and "只收到一个" is a short
// delivery after the customer says how many were bought ("买了三本, 只收到
// 一本"), and a coupon or JD beans are goodwill when the shop gives them to
// this customer ("给您申请[数字x]京豆", "说给我[数字x]的券"), not when the
// customer holds one to shop with. The anchor must come earlier in the same clause, or, for message
// pairs, anywhere earlier in the message (the count and the shortfall are
// often said in two sentences). Each pair has <list>.txt, the words, and
// <list>_anchor.txt; the scene's exclude list applies to both.
var scenePairs = [...]struct {
	scene   string
	list    string
	message bool
}{
	{SceneQuality, "scene_quality_mismatch", false},
	{SceneQuality, "scene_quality_missing", false},
	{SceneQuality, "scene_quality_partial", true},
	{SceneCompensation, "scene_compensation_given", false},
}

// asideOf are the scenes that, when tagged, turn an aside scene's single
// untaken-up customer mention into background (see sceneDefs).
// They are places in sceneDefs (TestSceneAt holds them to the names).
var asideOf = [...]int{sceneRefundAt, sceneInvoiceAt}

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
	sensitiveAt       []int // sceneIndex of each of cfg.Scenes, found once
	lex               lexicon.Lists
	scenes            [len(sceneDefs)]termSet
	denied            [len(sceneDefs)]ClassID  // <list>_denied: the customer rules the scene out
	notFor            [len(sceneDefs)]ClassID  // <list>_notfor: a later word in the clause shows another sense
	negated           [len(sceneDefs)]termSet  // <list>_negated: a cue right before the word denies it ("没有破损")
	clause            [len(sceneDefs)]ClassID  // <list>_clause: a word anywhere in the clause shows another sense ("运费险…理赔")
	pairWords         [len(scenePairs)]ClassID // scenePairs: the words,
	pairAnchor        [len(scenePairs)]ClassID // their anchors,
	pairScene         [len(scenePairs)]int     // and the index of their scene in sceneDefs
	hypothetical      ClassID                  // scene_hypothetical: 如果, 万一, …的话
	policy            ClassID                  // scene_policy: cues of an agent's policy line (see sceneDefs)
	reship            ClassID                  // scene_compensation_reship: sending goods again (see paperwork)
	refuse            termSet
	ack, next, reason ClassID
	learn             learnedTags // the learned scene-tag scorers (scenelearn.go)
	// mayBits[s] has the presence bit of scene s's words and of its pair
	// words, so mayHit tests a message's bits with one Input.mayAny;
	// mayBitsOK says that every one of those classes has a bit.
	mayBits   [len(sceneDefs)]classMask
	mayBitsOK bool
	// anyMayBits is the union of mayBits; customerScenes and agentScenes
	// are the scenes (bit s) a customer's and an agent's message may name
	// (an agent's none of the customerOnly ones).
	anyMayBits                  classMask
	customerScenes, agentScenes int
	// classScenes[c] are the scenes (bit s) whose mayBits hold class c:
	// a byte holds them all (sceneBitsFit).
	classScenes [presentWords][64]uint8
}

func newSceneDetector(cfg SensitiveConfig, lex lexicon.Lists) *sceneDetector {
	at := make([]int, len(cfg.Scenes))
	for k, name := range cfg.Scenes {
		at[k] = sceneIndex(name)
	}
	return &sceneDetector{cfg: cfg, lex: lex, sensitiveAt: at}
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
		d.notFor[i] = k.Add("scene."+s.name+".notfor", d.lex.Words(s.list+"_notfor")...)
		d.negated[i] = addTerms(k, "scene."+s.name+".negated", d.lex, s.list+"_negated")
		d.clause[i] = k.Add("scene."+s.name+".clause", d.lex.Words(s.list+"_clause")...)
	}
	for p, pair := range scenePairs {
		d.pairScene[p] = sceneIndex(pair.scene)
		d.pairWords[p] = k.Add("scene.pair."+pair.list, d.lex.Words(pair.list)...)
		d.pairAnchor[p] = k.Add("scene.pair."+pair.list+".anchor", d.lex.Words(pair.list+"_anchor")...)
	}
	d.hypothetical = k.Add("scene.hypothetical", d.lex.Words("scene_hypothetical")...)
	d.policy = k.Add("scene.policy", d.lex.Words("scene_policy")...)
	d.reship = k.Add("scene.compensation.reship", d.lex.Words("scene_compensation_reship")...)
	d.ack = k.AddPresence("sensitive.acknowledge", d.lex.Words("sensitive_acknowledge")...)
	d.next = k.AddPresence("sensitive.next_step", d.lex.Words("sensitive_next_step")...)
	d.refuse = addTerms(k, "sensitive.refusal", d.lex, "sensitive_refusal")
	d.reason = k.AddPresence("sensitive.reason", d.lex.Words("sensitive_reason")...)
	d.setMayBits()
	return d.registerTagFeatures(k, d.lex)
}

// deniedByCustomer reports whether the customer rules scene s out ("不是
// 质量问题, 是我摔坏的"): then the words that named it were about something
// else, and the scene is not tagged.
func (d *sceneDetector) deniedByCustomer(in *Input, s int) bool {
	msgs := in.Conv.Messages
	if rows := in.present; len(rows) == len(msgs) {
		// Has by the bits, read first: a message of the customer's
		// denying the scene is rare, its role read only then.
		c := uint8(d.denied[s])
		w, bit := c>>6&(presentWords-1), uint64(1)<<(c&63)
		for i := range rows {
			if rows[i][w]&bit != 0 && msgs[i].Role == conversation.RoleCustomer {
				return true
			}
		}
		return false
	}
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role == conversation.RoleCustomer && in.Has(i, d.denied[s]) {
			return true
		}
	}
	return false
}

// noClass matches no hit: the skip of a scene whose words all count.
const noClass ClassID = -1

// sceneTally counts the mentions of one scene in a conversation: its first
// message, the customer's first message, and how many customer and agent
// messages name it.
type sceneTally struct {
	first, customer, customers, agent int
	msgs                              []int // the messages that name the scene, in order
}

// tally counts the mentions of scene s, leaving out hits that overlap a
// hit of class skip (noClass: none), in the messages whose bit s is set in
// cand (see candidates). The message numbers go to the end of *arena (the
// worker's scratch, see Input.intBuf) and t.msgs is that part.
func (d *sceneDetector) tally(in *Input, s int, skip ClassID, cand []int, arena *[]int) sceneTally {
	t := sceneTally{first: -1, customer: -1}
	start := len(*arena)
	bit := 1 << s
	for i, m := range cand {
		if m&bit == 0 {
			continue
		}
		if _, ok := d.sceneHit(in, i, s, skip); !ok {
			continue
		}
		if t.first < 0 {
			t.first = i
		}
		*arena = append(*arena, i)
		if in.Conv.Messages[i].Role == conversation.RoleCustomer {
			if t.customer < 0 {
				t.customer = i
			}
			t.customers++
		} else {
			t.agent++
		}
	}
	t.msgs = (*arena)[start:len(*arena):len(*arena)]
	return t
}

// candidates returns, for each message, the set of scenes (bit s for
// sceneDefs[s]) that may name it, and their union: a customer or agent
// message (bot menus and system notices list every topic) with hits, of
// the customer for a customerOnly scene, and with a presence bit of the
// scene's words or pair words (mayHit). The tallies then test only these,
// and a scene no message may name costs nothing more. The slice is the
// worker's scratch ints number 1, to be given back with putInts.
func (d *sceneDetector) candidates(in *Input) (cand []int, union int) {
	cand = in.intBuf(1)
	msgs := in.Conv.Messages
	if rows := in.present; d.mayBitsOK && len(rows) == len(msgs) {
		// Every message's row at hand: the row alone passes most
		// messages by (no class of any scene, so no scene: scenesOf's
		// zero), before the role or the hits are read. A row with such a
		// class has a hit of it (the scenes' classes are words', not
		// presence classes, see setMayBits), so the hits need no test.
		a := &d.anyMayBits
		for i := range rows {
			m := 0
			if row := &rows[i]; row[0]&a[0]|row[1]&a[1]|row[2]&a[2]|row[3]&a[3] != 0 {
				switch msgs[i].Role {
				case conversation.RoleCustomer:
					m = d.customerScenes & d.scenesOf(in, i)
				case conversation.RoleAgent:
					m = d.agentScenes & d.scenesOf(in, i)
				}
			}
			cand = append(cand, m)
			union |= m
		}
		return cand, union
	}
	bits := in.present != nil && d.mayBitsOK
	for i := range msgs {
		m := 0
		if role := msgs[i].Role; (role == conversation.RoleCustomer || role == conversation.RoleAgent) && len(in.Hits[i]) > 0 {
			m = d.customerScenes
			if role != conversation.RoleCustomer {
				m = d.agentScenes
			}
			if bits {
				m &= d.scenesOf(in, i)
			}
		}
		cand = append(cand, m)
		union |= m
	}
	return cand, union
}

// sceneBitsFit fails to compile when the scenes outgrow classScenes' bytes.
const sceneBitsFit = uint(8 - len(sceneDefs))

// scenesOf returns the scenes (bit s) message i may name by its presence
// bits: those of the classes set in both its row and anyMayBits
// (classScenes), none when there are none (most messages), all when the
// row is missing (as mayAny). A mayAny test for each scene read the row's
// four words seven times; the scenes' classes are few, and a message
// holds one or two of them. TestSceneScenesOf holds it to those tests.
func (d *sceneDetector) scenesOf(in *Input, i int) int {
	if uint(i) >= uint(len(in.present)) {
		return -1
	}
	row, a := &in.present[i], &d.anyMayBits
	w0, w1, w2, w3 := row[0]&a[0], row[1]&a[1], row[2]&a[2], row[3]&a[3]
	if w0|w1|w2|w3 == 0 {
		return 0
	}
	m := uint8(0)
	for ; w0 != 0; w0 &= w0 - 1 {
		m |= d.classScenes[0][bits.TrailingZeros64(w0)&63]
	}
	for ; w1 != 0; w1 &= w1 - 1 {
		m |= d.classScenes[1][bits.TrailingZeros64(w1)&63]
	}
	for ; w2 != 0; w2 &= w2 - 1 {
		m |= d.classScenes[2][bits.TrailingZeros64(w2)&63]
	}
	for ; w3 != 0; w3 &= w3 - 1 {
		m |= d.classScenes[3][bits.TrailingZeros64(w3)&63]
	}
	return int(m)
}

// settled returns the first message of scene s, or -1 when the scene is
// not discussed: nobody names it, only the agent does and too seldom (see
// sceneDefs), or the customer rules it out.
func (d *sceneDetector) settled(in *Input, s int, t *sceneTally) int {
	if t.first < 0 || (t.customer < 0 && t.agent < sceneDefs[s].agentOnlyMin) || d.deniedByCustomer(in, s) {
		return -1
	}
	return t.first
}

func (d *sceneDetector) Inspect(in *Input, out *Output) {
	// The verdicts are filled in place (rulesInto): rules returned them,
	// some five hundred bytes copied out.
	var (
		tallies [len(sceneDefs)]sceneTally
		first   [len(sceneDefs)]int
		skip    [len(sceneDefs)]ClassID
	)
	d.rulesInto(in, &tallies, &first, &skip)
	if d.learn.any {
		d.applyLearned(in, &first, &tallies)
	}
	for s := range sceneDefs {
		if first[s] < 0 {
			continue
		}
		if msgs := tallies[s].msgs; len(msgs) > 0 { // the tally already found them
			out.Tag(sceneDefs[s].name, msgs...)
		}
	}
	for k, name := range d.cfg.Scenes {
		s := d.sensitiveAt[k]
		if s < 0 || first[s] < 0 {
			continue
		}
		d.sensitive(in, out, name, s, first[s], skip[s])
	}
}

// rules decides every scene by the rules: each scene's tally, its first
// message (-1 when not discussed) and the class of hits its tally left
// out.
func (d *sceneDetector) rules(in *Input) (tallies [len(sceneDefs)]sceneTally, first [len(sceneDefs)]int, skip [len(sceneDefs)]ClassID) {
	d.rulesInto(in, &tallies, &first, &skip)
	return tallies, first, skip
}

// rulesInto is rules writing the verdicts to the caller's arrays. It reads
// the scenes' definitions in place (a range over sceneDefs copied each
// one) and hands each tally to settled by address.
func (d *sceneDetector) rulesInto(in *Input, tallies *[len(sceneDefs)]sceneTally, first *[len(sceneDefs)]int, skip *[len(sceneDefs)]ClassID) {
	// A scene is discussed when the customer raises it, or when the agent
	// names it often enough (see sceneDefs).
	// The tallies' message numbers live in the worker's scratch until
	// the next conversation (see Input.intBuf).
	arena := in.intBuf(0)
	cand, union := d.candidates(in)
	for s := range sceneDefs {
		skip[s] = noClass
		if union&(1<<s) == 0 {
			// No message may name it: the tally of nothing.
			tallies[s] = sceneTally{first: -1, customer: -1, msgs: arena[len(arena):len(arena):len(arena)]}
		} else {
			tallies[s] = d.tally(in, s, noClass, cand, &arena)
		}
		first[s] = d.settled(in, s, &tallies[s])
	}
	if c := sceneCompensationAt; first[c] >= 0 && paperwork(first) {
		skip[c] = d.reship
		tallies[c] = d.tally(in, c, d.reship, cand, &arena)
		first[c] = d.settled(in, c, &tallies[c])
	}
	for s := range sceneDefs {
		t := &tallies[s]
		if sceneDefs[s].aside && first[s] >= 0 && t.customers == 1 && t.agent == 0 && carriedByOther(first) &&
			d.sceneHits(in, t.customer, s) == 1 {
			first[s] = -1
		}
	}
	// Given back here, not by a deferred closure (some thirty instructions
	// a conversation): after a panic InspectContext drops the whole
	// Scratch anyway, and a direct caller (the trainer's rules) keeps the
	// old buffers, which serve as well.
	in.putInts(0, arena)
	in.putInts(1, cand)
}

// paperwork reports whether a chat's sending again is of documents: the
// invoice scene is tagged and no quality problem is, given each scene's
// first message (-1 when untagged). JD agents 补寄 flight itineraries
// (行程单) and invoices, often at the customer's cost, and name the
// document in another message than the 补寄; goods sent again for a
// broken or missing item are compensation, and a lost parcel sent again
// comes without an invoice scene.
func paperwork(first *[len(sceneDefs)]int) bool {
	return first[sceneInvoiceAt] >= 0 && first[sceneQualityAt] < 0
}

// carriedByOther reports whether one of the asideOf scenes is tagged, given
// each scene's first message (-1 when untagged).
func carriedByOther(first *[len(sceneDefs)]int) bool {
	for _, s := range asideOf {
		if first[s] >= 0 {
			return true
		}
	}
	return false
}

// sceneHit returns the first hit of scene s in message i that counts: a
// word of the scene, or a pair word after its anchor (see scenePairs), not
// inside an exception phrase or a hit of class skip, not right after a
// negation cue, not followed in its clause by a word of the scene's notfor
// list ("重发一下单号" re-sends a number, not goods), not in a clause with a
// word of its clause list anywhere ("运费险会自动理赔": the insurer pays,
// by its terms, which is no goodwill of the shop), for a factual scene
// not in a hypothetical clause, and for a policy scene not in an agent's
// policy line.
func (d *sceneDetector) sceneHit(in *Input, i, s int, skip ClassID) (KeywordHit, bool) {
	if !d.mayHit(in, i, s) {
		return KeywordHit{}, false
	}
	hs := in.allHits(i)
	if d.mayBitsOK {
		// sceneClass first, inline, its mask and test of mayBitsOK out of
		// the loop: most hits are of neither the scene's words nor its
		// pair words, which isSceneHit refuses.
		m := &d.mayBits[s]
		for k := range hs {
			if c := uint32(hs[k].Class); c >= presentWords*64 || m[c>>6&(presentWords-1)]>>(c&63)&1 == 0 {
				continue
			}
			if h := hs[k]; d.isSceneHit(in, i, s, h) && (skip == noClass || !in.overlapsClass(i, skip, h)) {
				return h, true
			}
		}
		return KeywordHit{}, false
	}
	for _, h := range hs {
		if d.sceneClass(s, h.Class) && d.isSceneHit(in, i, s, h) && (skip == noClass || !in.overlapsClass(i, skip, h)) {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// setMayBits fills mayBits once the scene's classes are registered.
func (d *sceneDetector) setMayBits() {
	d.mayBitsOK = true
	set := func(s int, c ClassID) {
		if c < 0 || c >= presentWords*64 {
			d.mayBitsOK = false
			return
		}
		d.mayBits[s][c>>6] |= 1 << (c & 63)
	}
	for s := range sceneDefs {
		set(s, d.scenes[s].words)
	}
	for p := range scenePairs {
		set(d.pairScene[p], d.pairWords[p])
	}
	for s, def := range sceneDefs {
		d.anyMayBits = d.anyMayBits.or(&d.mayBits[s])
		for c := range presentWords * 64 {
			if d.mayBits[s][c>>6]>>(c&63)&1 != 0 {
				d.classScenes[c>>6][c&63] |= 1 << s
			}
		}
		d.customerScenes |= 1 << s
		if !def.customerOnly {
			d.agentScenes |= 1 << s
		}
	}
}

// sceneClass reports whether class c may be scene s's words or one of its
// pair words, from mayBits: false means it is neither.
func (d *sceneDetector) sceneClass(s int, c ClassID) bool {
	if !d.mayBitsOK {
		return true
	}
	return uint32(c) < presentWords*64 && d.mayBits[s][uint32(c)>>6]>>(uint32(c)&63)&1 != 0
}

// mayHit reports whether message i can hold a hit of scene s at all, from
// the presence bits alone, so most messages are passed over cheaply.
func (d *sceneDetector) mayHit(in *Input, i, s int) bool {
	if in.present != nil && d.mayBitsOK {
		return in.mayAny(i, &d.mayBits[s])
	}
	if in.may(i, d.scenes[s].words) {
		return true
	}
	for p := range scenePairs {
		if d.pairScene[p] == s && in.may(i, d.pairWords[p]) {
			return true
		}
	}
	return false
}

// isSceneHit reports whether h, a hit in message i, is a mention of scene
// s that counts (see sceneHit).
func (d *sceneDetector) isSceneHit(in *Input, i, s int, h KeywordHit) bool {
	if h.Class == d.scenes[s].words {
		return d.counts(in, i, s, h)
	}
	if !d.sceneClass(s, h.Class) {
		return false // most hits: no pair word of the scene either
	}
	for p := range scenePairs {
		if d.pairScene[p] == s && h.Class == d.pairWords[p] {
			return d.anchored(in, i, p, h) && d.counts(in, i, s, h)
		}
	}
	return false
}

// anchored reports whether pair word h of pair p in message i has its
// anchor before it: in the same clause, or anywhere earlier in the message
// for a message pair. An anchor inside an exception phrase of the scene
// ("订单里的东西没收到" is the whole order, not one item) does not count.
func (d *sceneDetector) anchored(in *Input, i, p int, h KeywordHit) bool {
	if !in.may(i, d.pairAnchor[p]) {
		return false
	}
	except := d.scenes[d.pairScene[p]].except
	if scenePairs[p].message {
		// Anywhere earlier in the message: the first anchor that counts
		// decides, found once per message and anchor class.
		return in.firstEnd(i, d.pairAnchor[p], except) <= h.Start
	}
	norm := in.Norm[i]
	for _, e := range in.near(i, h.Start-maxClauseBytes, h.Start) {
		if e.Class != d.pairAnchor[p] || e.End > h.Start || in.overlapsClass(i, except, e) {
			continue
		}
		if sameClause(norm, int(e.End), int(h.Start)) {
			return true
		}
	}
	return false
}

// counts reports whether h, a hit of scene s's words in message i, counts
// for the scene (see sceneHit).
func (d *sceneDetector) counts(in *Input, i, s int, h KeywordHit) bool {
	norm := in.Norm[i]
	if !asciiBounded(norm, h) || in.overlapsClass(i, d.scenes[s].except, h) {
		return false
	}
	if in.precededBy(i, d.negated[s], h, 0) { // a negation cue right before ("没有破损")
		return false
	}
	if in.may(i, d.notFor[s]) && in.clauseHasClass(i, d.notFor[s], h, false) {
		return false
	}
	if in.may(i, d.clause[s]) && in.clauseHasClass(i, d.clause[s], h, true) {
		return false
	}
	if sceneDefs[s].policy && in.may(i, d.policy) && in.isRole(i, conversation.RoleAgent) &&
		policyLine(norm, in.near(i, h.Start-maxClauseBytes, h.Start+in.maxHitLen()), d.policy, h) {
		return false
	}
	return !sceneDefs[s].factual || !in.may(i, d.hypothetical) || !in.clauseHasClass(i, d.hypothetical, h, true)
}

// policyLine reports whether a policy cue (class c) starts before h in its
// clause: "[数字x]天内可以申请退货", or "7天无理由退货" where the cue 天无理由
// holds the word itself. A cue after the word ("退款[数字x]天内到账") times
// this customer's refund and does not count.
func policyLine(norm string, hs []KeywordHit, c ClassID, h KeywordHit) bool {
	for _, e := range hs {
		if e.Class == c && e.Start < h.Start && sameClause(norm, int(e.Start), int(h.Start)) {
			return true
		}
	}
	return false
}

// sceneHits counts the hits of scene s in message i that count and do not
// overlap each other ("还没收到货" holds "没收到货": one mention).
func (d *sceneDetector) sceneHits(in *Input, i, s int) int {
	n, end := 0, int32(-1)
	for _, h := range in.allHits(i) {
		if h.Start < end || !d.isSceneHit(in, i, s, h) {
			continue
		}
		n++
		end = h.End
	}
	return n
}

// clauseHasClass reports whether a hit of class c lies in the clause of h
// (a hit of message i): after h, or anywhere in it when before is true. A
// clause is at most maxClauseBytes either way, so only the hits that near
// are read.
func (in *Input) clauseHasClass(i int, c ClassID, h KeywordHit, before bool) bool {
	norm := in.Norm[i]
	for _, e := range in.near(i, h.Start-maxClauseBytes, h.End+maxClauseBytes+in.maxHitLen()) {
		if e.Class != c {
			continue
		}
		switch {
		case e.Start >= h.End:
			if sameClause(norm, int(h.End), int(e.Start)) {
				return true
			}
		case before && e.End <= h.Start:
			if sameClause(norm, int(e.End), int(h.Start)) {
				return true
			}
		}
	}
	return false
}

func sceneIndex(name string) int {
	for i, s := range sceneDefs {
		if s.name == name {
			return i
		}
	}
	return -1
}

// sensitiveCode is "sensitive." + name, without building it for the
// scenes that have a code (see Codes).
func sensitiveCode(name string) string {
	switch name {
	case "refund":
		return "sensitive.refund"
	case "compensation":
		return "sensitive.compensation"
	}
	return "sensitive." + name
}

// sensitive emits sensitive.<scene> and, when the agent broke a handling
// step after the scene came up, sensitive.mishandled naming the step.
func (d *sceneDetector) sensitive(in *Input, out *Output, name string, s, from int, skip ClassID) {
	h, _ := d.sceneHit(in, from, s, skip)
	var msgs []int
	tagged := false
	for _, t := range out.Tags {
		if t.Name == name {
			msgs, tagged = t.Messages, true
		}
	}
	if !tagged {
		msgs = out.msgs(from)
	}
	out.Add(conversation.Finding{Code: sensitiveCode(name), Severity: conversation.SeverityInfo,
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
	var missed, steps []string
	at := firstReply
	for _, step := range d.cfg.Steps {
		switch step {
		case StepAcknowledge:
			if !acked {
				missed = append(missed, "agent never acknowledged or apologised")
				steps = append(steps, step)
			}
		case StepNextStep:
			if !next {
				missed = append(missed, "agent gave no concrete next step or outcome")
				steps = append(steps, step)
			}
		case StepReasonedRefusal:
			if refusal >= 0 {
				missed = append(missed, "agent refused without a reason")
				steps = append(steps, step)
				at = refusal
			}
		}
	}
	if len(missed) == 0 {
		return
	}
	// The evidence quotes the agent's message (the refusal, else the first
	// reply), as every finding's does, so that a reviewer sees it marked in
	// the chat; which steps were missed is the detail and data.missed.
	ev := quote(in.Conv.Messages[at].Text)
	if ev == "" { // a blank reply: the scene's own words are the evidence
		msgs, ev = out.msgs(at, from), hitQuote(in, from, h)
	} else {
		msgs = out.msgs(at)
	}
	out.Add(conversation.Finding{Code: "sensitive.mishandled", Severity: conversation.SeverityMedium,
		Messages: msgs, Evidence: ev,
		Detail: name + " scene handled against the required steps: " + strings.Join(missed, "; "),
		Data:   conversation.Data{{Key: "missed", Value: steps}}})
}
