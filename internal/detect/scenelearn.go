package detect

import (
	"fmt"
	"math"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// SceneTagBits is the log2 of the size of each learned scene-tag model's
// hashed feature table. The trainer (internal/eval) uses the same size.
const SceneTagBits = 16

// NumLearnedTags is the number of scene tags a learned scorer may decide:
// the size of the rule verdicts SceneTagFeatures reports.
const NumLearnedTags = 3

// learnedTagNames are the scene tags a learned per-conversation scorer may
// decide, in the order of the rule verdicts SceneTagFeatures reports. It
// is unexported so no importer can change it under the models;
// LearnedTags hands out copies.
var learnedTagNames = [NumLearnedTags]string{SceneQuality, SceneCompensation, SceneLogistics}

// LearnedTags returns the scene tags a learned per-conversation scorer may
// decide, in the order of the rule verdicts SceneTagFeatures reports.
// The others are left to the rules: they are precise and frequent enough.
// The slice is a fresh copy each call.
func LearnedTags() []string { return append([]string(nil), learnedTagNames[:]...) }

// Decision modes of a learned scene tag (classify.TagModel.Mode).
const (
	// TagRuleOr tags a conversation when the rules do or the score
	// reaches the threshold: the model can only add.
	TagRuleOr = 1
	// TagStacked decides by the score alone; the rules' verdict is one of
	// its features, so the model can also overrule them.
	TagStacked = 2
)

// tagCategories are the lists whose hits are features of the learned
// scene-tag scorer, beside the rule lists of the scenes: general
// categories (defect symptoms, missing parts, receipt, delivery time,
// address changes, interception, couriers, compensation cues, apologies,
// price protection, freight), each a lexicon file the scorer learns a
// weight for. Which customer or agent messages hold one is what counts,
// not the word.
var tagCategories = [...]string{
	"tag_symptom", "tag_missing", "tag_received", "tag_delivery", "tag_address", "tag_intercept",
	"logistics_courier", "tag_compensate", "tag_apology", "tag_priceprotect", "tag_freight",
}

// maxTagClasses bounds the lists the scorer reads (the rule lists of the
// seven scenes and the categories), so their counts fit on the stack.
const maxTagClasses = 96

// maxTagRunes bounds the characters of one role the n-gram features read
// in a conversation: the first ones state the problem, and a chat of
// 200,000 messages must not cost in step with its length here.
const maxTagRunes = 4000

// Role weights of the character n-grams: the customer states the scene;
// the agent's words follow it but include scripts and policy lines.
const (
	tagCustomerWeight float32 = 1.0
	tagAgentWeight    float32 = 0.6
)

// tagRuleValue is the value of the rules' verdict features: large, so
// that the few updates a rare tag gets move the score as far as the
// rules' verdict is worth (stacked, the model must learn to trust the
// rules before it learns to overrule them). Measured at 1, 3, 6, 10 and
// 20 (see the README); 10 was best for the stacked decision.
const tagRuleValue = 10

// Feature groups of the learned scene-tag scorer. The numbers are part of
// the trained weights, so they never change meaning (add new ones at the
// end).
const (
	tfRule = iota + 1
	tfTally
	tfList
	tfListFirst
	tfCustUni
	tfCustBi
	tfCustTri
	tfAgentUni
	tfAgentBi
	tfAgentTri
	tfLen
)

// tagClass is one list the scorer reads: its class and a hash of its name
// (the feature key, stable when other detectors register classes).
type tagClass struct {
	class ClassID
	name  uint32
}

// tagModel is one learned scene tag as the scene detector applies it.
type tagModel struct {
	w         []float32
	bias      float32
	threshold float32
	mode      uint8
}

// learnedTags is the scene detector's learned part: the lists it reads and
// the models shipped (nil entries are left to the rules).
type learnedTags struct {
	classes []tagClass
	models  [NumLearnedTags]*tagModel
	any     bool // a model ships: the scene detector scores
	// features is set when the features are registered: a model ships,
	// or LearnSceneTags asked for them (the trainer). Otherwise the
	// category lists are not even matched, so a scan without a shipped
	// model costs what the rules cost.
	features bool
	train    bool // LearnSceneTags was called
}

// LearnSceneTags makes the scene detector among dets compute the learned
// scene-tag features even when no model ships, so that SceneTagFeatures
// can give them to the trainer. Call it before NewEngine.
func LearnSceneTags(dets []Detector) {
	for _, det := range dets {
		if d, ok := det.(*sceneDetector); ok {
			d.learn.train = true
		}
	}
}

// registerTagFeatures registers the category lists and collects the rule
// lists' classes, and loads the embedded models; without a model, and
// unless the trainer asked (LearnSceneTags), it registers nothing.
func (d *sceneDetector) registerTagFeatures(k *Keywords, lex lexicon.Lists) error {
	ms, err := classify.SceneTagModels()
	if err != nil {
		return fmt.Errorf("scene tags: %w", err)
	}
	if len(ms) == 0 && !d.learn.train {
		return nil
	}
	d.learn.features = true
	add := func(name string, c ClassID) {
		d.learn.classes = append(d.learn.classes, tagClass{class: c, name: strHash(name)})
	}
	for s, def := range sceneDefs {
		add(def.list, d.scenes[s].words)
		add(def.list+"_exclude", d.scenes[s].except)
		add(def.list+"_denied", d.denied[s])
		add(def.list+"_notfor", d.notFor[s])
		add(def.list+"_negated", d.negated[s].words)
		add(def.list+"_clause", d.clause[s])
	}
	for p, pair := range scenePairs {
		add(pair.list, d.pairWords[p])
		add(pair.list+"_anchor", d.pairAnchor[p])
	}
	add("scene_hypothetical", d.hypothetical)
	add("scene_policy", d.policy)
	add("scene_compensation_reship", d.reship)
	for _, c := range tagCategories {
		add(c, k.Add("tag."+c, lex.Words(c)...))
	}
	if len(d.learn.classes) > maxTagClasses {
		return fmt.Errorf("scene tags: %d lists, at most %d", len(d.learn.classes), maxTagClasses)
	}
	for _, m := range ms {
		t := learnedIndex(m.Tag)
		if t < 0 || len(m.Linear.W) != 1<<SceneTagBits || (m.Mode != TagRuleOr && m.Mode != TagStacked) {
			return fmt.Errorf("scene tags: model %s (mode %d, %d weights) does not fit", m.Tag, m.Mode, len(m.Linear.W))
		}
		d.learn.models[t] = &tagModel{w: m.Linear.W, bias: m.Linear.Bias, threshold: m.Linear.Threshold, mode: m.Mode}
		d.learn.any = true
	}
	return nil
}

// learnedIndex returns the index of a scene tag in learnedTagNames, or -1.
func learnedIndex(name string) int {
	for t, n := range learnedTagNames {
		if n == name {
			return t
		}
	}
	return -1
}

// tagSink receives the features: it sums each model's weights when
// scoring (collect nil; nothing allocated), or keeps the hashed indices
// and values for the trainer.
type tagSink struct {
	models  *[NumLearnedTags]*tagModel
	z, g    [NumLearnedTags]float32 // scores, and the open group's sums
	scale   [2]float32              // the n-gram value of a customer's and an agent's
	collect *tagCollect
}

// tagCollect holds the features of one conversation for the trainer.
type tagCollect struct {
	idx   []uint32
	val   []float32
	start int // first feature of the open group
}

// tagKey hashes a feature (group, a, b) to a 64-bit key.
func tagKey(group, a, b uint32) uint64 {
	return nfMix(nfMix(uint64(group)<<32|uint64(a)) ^ uint64(b))
}

// bucket is a key's index in a model's table.
func tagBucket(key uint64) uint32 { return uint32(key >> (64 - SceneTagBits)) }

// add adds a feature with value v.
func (s *tagSink) add(key uint64, v float32) {
	b := tagBucket(key)
	if s.collect != nil {
		s.collect.idx = append(s.collect.idx, b)
		s.collect.val = append(s.collect.val, v)
		return
	}
	for t, m := range s.models {
		if m != nil {
			s.z[t] += m.w[b] * v
		}
	}
}

// begin opens a group of features whose common value end sets.
func (s *tagSink) begin() {
	s.g = [NumLearnedTags]float32{}
	if s.collect != nil {
		s.collect.start = len(s.collect.idx)
	}
}

// addG adds a feature of the open group.
func (s *tagSink) addG(key uint64) {
	b := tagBucket(key)
	if s.collect != nil {
		s.collect.idx = append(s.collect.idx, b)
		s.collect.val = append(s.collect.val, 1)
		return
	}
	for t, m := range s.models {
		if m != nil {
			s.g[t] += m.w[b]
		}
	}
}

// end closes the group, giving each of its features the value v.
func (s *tagSink) end(v float32) {
	if s.collect != nil {
		for k := s.collect.start; k < len(s.collect.idx); k++ {
			s.collect.val[k] = v
		}
		return
	}
	for t := range s.z {
		s.z[t] += s.g[t] * v
	}
}

// ngramGroups are the n-gram feature groups of a role (1-, 2-, 3-grams).
func ngramGroups(role conversation.Role) [3]uint32 {
	if role == conversation.RoleCustomer {
		return [3]uint32{tfCustUni, tfCustBi, tfCustTri}
	}
	return [3]uint32{tfAgentUni, tfAgentBi, tfAgentTri}
}

// ngrams calls fn with the keys of the character 1–3-grams of s (of a
// message of the given role), at most limit runes of it, and returns the
// runes read.
func ngrams(s string, role conversation.Role, limit int, fn func(key uint64)) int {
	g := ngramGroups(role)
	var r1, r2 rune = -1, -1
	n := 0
	for _, r := range s {
		if n == limit {
			break
		}
		n++
		if r == ' ' {
			r1, r2 = -1, -1
			continue
		}
		fn(tagKey(g[0], uint32(r), 0))
		if r1 >= 0 {
			fn(tagKey(g[1], uint32(r1), uint32(r)))
			if r2 >= 0 {
				fn(tagKey(g[2], uint32(r2), uint32(nfMix(uint64(r1)<<32|uint64(r)))))
			}
		}
		r2, r1 = r1, r
	}
	return n
}

// tagRole is 0 for a customer message, 1 for an agent's, -1 otherwise
// (bot menus and system notices list every topic).
func tagRole(r conversation.Role) int {
	switch r {
	case conversation.RoleCustomer:
		return 0
	case conversation.RoleAgent:
		return 1
	}
	return -1
}

// tagFeatures sends the features of a conversation to s: the rules'
// verdict on every scene and how many customer and agent messages each
// counts, which customer and agent messages hold a hit of each rule list
// and category (and whether the customer's first message does), the
// character 1–3-grams of the customer's and of the agent's messages (each
// role one group, scaled by its weight over the root of its count), and
// the chat's length.
func (d *sceneDetector) tagFeatures(in *Input, first *[len(sceneDefs)]int, tallies *[len(sceneDefs)]sceneTally, s *tagSink) {
	for sc := range sceneDefs {
		s.add(tagKey(tfRule, uint32(sc), b2u(first[sc] >= 0)), tagRuleValue)
		s.add(tagKey(tfTally, uint32(sc), bucketOf(tallies[sc].customers)), 1)
		s.add(tagKey(tfTally, uint32(sc)|1<<8, bucketOf(tallies[sc].agent)), 1)
	}
	var counts [maxTagClasses][2]uint16
	var inFirst [maxTagClasses]bool
	firstCust := -1
	msgs := in.Conv.Messages
	n := 0
	for i := range msgs {
		r := tagRole(msgs[i].Role)
		if r < 0 {
			continue
		}
		n++
		if r == 0 && firstCust < 0 {
			firstCust = i
		}
		if len(in.Hits[i]) == 0 {
			continue
		}
		for k, c := range d.learn.classes {
			if c.class >= 0 && in.Has(i, c.class) {
				counts[k][r] = min(counts[k][r]+1, 1000)
				if i == firstCust {
					inFirst[k] = true
				}
			}
		}
	}
	for k, c := range d.learn.classes {
		for r := range 2 {
			if counts[k][r] > 0 {
				s.add(tagKey(tfList, c.name, uint32(r)<<8|bucketOf(int(counts[k][r]))), 1)
			}
		}
		if inFirst[k] {
			s.add(tagKey(tfListFirst, c.name, 0), 1)
		}
	}
	for _, role := range [2]conversation.Role{conversation.RoleCustomer, conversation.RoleAgent} {
		s.begin()
		left, feats := maxTagRunes, 0
		for i := range msgs {
			if msgs[i].Role != role || left == 0 {
				continue
			}
			left -= ngrams(in.Norm[i], role, left, func(key uint64) {
				s.addG(key)
				feats++
			})
		}
		w := tagCustomerWeight
		if role == conversation.RoleAgent {
			w = tagAgentWeight
		}
		v := w / float32(math.Sqrt(float64(max(feats, 1))))
		s.end(v)
		// The scale of the group, for the evidence of learned-only tags.
		s.scale[tagRole(role)] = v
	}
	s.add(tagKey(tfLen, bucketOf(n/4), 0), 1)
}

// applyLearned lets the shipped learned scorers decide their tags: the
// rules' verdicts (first, tallies) are features, so every score is taken
// before any verdict changes. A tag the model adds names as evidence the
// messages the rules' words found, else the messages that raised its score
// most; a tag a stacked model overrules is dropped.
func (d *sceneDetector) applyLearned(in *Input, first *[len(sceneDefs)]int, tallies *[len(sceneDefs)]sceneTally) {
	s := tagSink{models: &d.learn.models}
	d.tagFeatures(in, first, tallies, &s)
	for t, m := range d.learn.models {
		if m == nil {
			continue
		}
		sc := sceneIndex(learnedTagNames[t])
		rule := first[sc] >= 0
		tagged := sigmoid(s.z[t]+m.bias) >= m.threshold
		if m.mode == TagRuleOr {
			tagged = tagged || rule
		}
		switch {
		case tagged && !rule:
			if len(tallies[sc].msgs) == 0 {
				tallies[sc].msgs = d.tagEvidence(in, t, &s)
			}
			if len(tallies[sc].msgs) > 0 {
				first[sc] = tallies[sc].msgs[0]
			}
		case !tagged && rule:
			first[sc] = -1
		}
	}
}

// sigmoid is the logistic function, as classify.Linear.Prob computes it:
// every learned scorer of the package ends with it.
func sigmoid(z float32) float32 { return float32(1 / (1 + math.Exp(-float64(z)))) }

// maxTagEvidence is how many messages a learned-only tag names.
const maxTagEvidence = 3

// tagEvidence returns, in order, the (at most maxTagEvidence) messages
// that add most to model t's score: their n-grams' weights at their role's
// value (s.scale), and the weights of the lists and categories they hit.
func (d *sceneDetector) tagEvidence(in *Input, t int, s *tagSink) []int {
	w := d.learn.models[t].w
	var top [maxTagEvidence]struct {
		msg int
		c   float32
	}
	for k := range top {
		top[k].msg = -1
	}
	msgs := in.Conv.Messages
	for i := range msgs {
		r := tagRole(msgs[i].Role)
		if r < 0 {
			continue
		}
		var c float32
		ngrams(in.Norm[i], msgs[i].Role, maxTagRunes, func(key uint64) { c += w[tagBucket(key)] })
		c *= s.scale[r]
		if len(in.Hits[i]) > 0 {
			for _, tc := range d.learn.classes {
				if tc.class >= 0 && in.Has(i, tc.class) {
					c += w[tagBucket(tagKey(tfList, tc.name, uint32(r)<<8|1))]
				}
			}
		}
		if c <= 0 {
			continue
		}
		for k := range top {
			if top[k].msg < 0 || c > top[k].c {
				copy(top[k+1:], top[k:len(top)-1])
				top[k].msg, top[k].c = i, c
				break
			}
		}
	}
	var out []int
	for i := range msgs { // in message order
		for _, e := range top {
			if e.msg == i {
				out = append(out, i)
			}
		}
	}
	return out
}

// SceneTagFeatures calls fn with the learned scene-tag features of the
// conversation in was inspected from (the hashed indices and values) and
// the rules' verdict on each of LearnedTags. It is how the trainer
// (internal/eval) sees exactly what the scene detector scores. It reports
// false, calling nothing, when the engine has no scene detector or was
// built without the features (see LearnSceneTags).
func (e *Engine) SceneTagFeatures(in *Input, fn func(rule [NumLearnedTags]bool, idx []uint32, val []float32)) bool {
	for _, det := range e.detectors {
		d, ok := det.(*sceneDetector)
		if !ok || !d.learn.features {
			continue
		}
		tallies, first, _ := d.rules(in)
		var c tagCollect
		s := tagSink{collect: &c}
		d.tagFeatures(in, &first, &tallies, &s)
		var rule [NumLearnedTags]bool
		for t, name := range learnedTagNames {
			rule[t] = first[sceneIndex(name)] >= 0
		}
		fn(rule, c.idx, c.val)
		return true
	}
	return false
}
