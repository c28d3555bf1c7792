package eval

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/text"
)

// EmbedFeatures are features of a customer message built from character
// vectors learned without labels (classify.TrainCharVectors). They are the
// measurement of whether a basis that represents meaning, learned from far
// more text than the labelled chats, helps the learned negative-emotion
// scorer (`fullqa eval negative --embed`); nothing ships with them (README,
// "Character vectors learned from unlabelled text"). Each pooled dimension
// is one hashed feature of the scorer's table, its value the pooled value
// times Scale.
type EmbedFeatures struct {
	Vectors *classify.CharVectors
	// Mean and Max pool the message's vectors; AgentMean pools the agent
	// message before it, PrevMean the customer's previous message.
	Mean, Max, AgentMean, PrevMean bool
	// Bins > 0 also cuts each mean dimension into that many bins over
	// [-0.5, 0.5], one feature a bin, so the linear scorer can weigh a
	// dimension's range unevenly.
	Bins  int
	Scale float32
	// Polarity, when set, is a review-polarity model over the message's
	// pooled vectors (TrainEmbedPolarity); its logit and a bucket of its
	// probability are features.
	Polarity *classify.Linear

	mean, max []float32 // pooling buffers, Vectors.Dim long
}

// ParseEmbedFeatures reads a comma-separated list of the features to add
// ("mean", "max", "agent", "prev", "bins", "polarity") for vectors v;
// polarity, when listed, is trained on dataDir's review sentences.
func ParseEmbedFeatures(ctx context.Context, list, dataDir string, v *classify.CharVectors, scale float32) (*EmbedFeatures, error) {
	e := &EmbedFeatures{Vectors: v, Scale: scale}
	for _, f := range strings.Split(list, ",") {
		switch strings.TrimSpace(f) {
		case "mean":
			e.Mean = true
		case "max":
			e.Max = true
		case "agent":
			e.AgentMean = true
		case "prev":
			e.PrevMean = true
		case "bins":
			e.Bins = 8
		case "polarity":
			p, err := TrainEmbedPolarity(ctx, dataDir, v)
			if err != nil {
				return nil, err
			}
			e.Polarity = p
		default:
			return nil, fmt.Errorf("embed features: unknown %q (want mean, max, agent, prev, bins or polarity)", f)
		}
	}
	return e, nil
}

// Feature groups of EmbedFeatures, above those of internal/detect (whose
// keys embedIndex salts apart besides).
const (
	efMean = 1000 + iota
	efMax
	efAgent
	efPrev
	efBin
	efPolarity
	efPolarityBucket
)

// embedIndex is the scorer-table slot of feature (group, value): the
// MurmurHash3 finaliser detect hashes its features with, salted apart
// from detect's keys.
func embedIndex(group, value uint32) uint32 {
	h := uint64(group)<<32 | uint64(value) | 0x5bd1<<48
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h >> (64 - detect.NegativeBits))
}

// appendTo appends the features of customer message msg of c to idx and
// val. norm is the engine's normalized text of c's messages (detect's
// Input.Norm: text.Normalize of each, but for a leading space the shared
// buffer may keep, which pooling skips like every space), which the
// vectors pool: the engine has normalized every message already.
func (e *EmbedFeatures) appendTo(c *conversation.Conversation, norm []string, msg int, idx []uint32, val []float32) ([]uint32, []float32) {
	dim := e.Vectors.Dim
	if len(e.mean) != dim {
		e.mean, e.max = make([]float32, dim), make([]float32, dim)
	}
	mean, mx := e.mean, e.max
	add := func(g uint32, v []float32) {
		for d, x := range v {
			idx = append(idx, embedIndex(g, uint32(d)))
			val = append(val, x*e.Scale)
		}
	}
	e.Vectors.Pool(norm[msg], mean, mx)
	if e.Mean {
		add(efMean, mean)
	}
	if e.Max {
		add(efMax, mx)
	}
	if e.Bins > 0 {
		for d, x := range mean {
			b := int(math.Floor(float64((x + 0.5) * float32(e.Bins))))
			b = min(max(b, 0), e.Bins-1)
			idx = append(idx, embedIndex(efBin, uint32(d<<8|b)))
			val = append(val, 1/float32(math.Sqrt(float64(dim))))
		}
	}
	if e.Polarity != nil {
		pi, pv := polarityFeatures(mean, mx)
		p := min(max(float64(e.Polarity.Prob(pi, pv)), 1e-4), 1-1e-4) // of a negative review
		idx = append(idx, embedIndex(efPolarity, 0), embedIndex(efPolarityBucket, uint32(p*10)))
		val = append(val, float32(math.Log(p/(1-p))/4), 1)
	}
	if e.AgentMean || e.PrevMean {
		agent, prev := -1, -1
		for j := msg - 1; j >= 0 && (agent < 0 || prev < 0); j-- {
			if c.Messages[j].Role == conversation.RoleCustomer {
				prev = max(prev, j)
			} else {
				agent = max(agent, j)
			}
		}
		if e.AgentMean && agent >= 0 {
			e.Vectors.Pool(norm[agent], mean, mx)
			add(efAgent, mean)
		}
		if e.PrevMean && prev >= 0 {
			e.Vectors.Pool(norm[prev], mean, mx)
			add(efPrev, mean)
		}
	}
	return idx, val
}

// polarityFeatures are the review-polarity model's features: the pooled
// mean, then the pooled maximum, one index a dimension.
func polarityFeatures(mean, mx []float32) ([]uint32, []float32) {
	idx := make([]uint32, 0, 2*len(mean))
	val := make([]float32, 0, 2*len(mean))
	for d, x := range mean {
		idx = append(idx, uint32(d))
		val = append(val, x)
	}
	for d, x := range mx {
		idx = append(idx, uint32(len(mean)+d))
		val = append(val, x)
	}
	return idx, val
}

// TrainEmbedPolarity trains a logistic regression that tells negative from
// positive reviews (the three sentiment sets of dataDir, 82k texts) by
// their pooled character vectors: a "does this read as a complaint"
// signal learned from far more text than the labelled chats, for
// EmbedFeatures.Polarity. Its answer is the probability of a negative
// review. It is deterministic.
func TrainEmbedPolarity(ctx context.Context, dataDir string, cv *classify.CharVectors) (*classify.Linear, error) {
	var set classify.SparseSet
	mean, mx := make([]float32, cv.Dim), make([]float32, cv.Dim)
	for _, p := range classify.ReviewSets() {
		texts, positive, err := classify.ReadReviews(filepath.Join(dataDir, p))
		if err != nil {
			return nil, fmt.Errorf("embed polarity: %w", err)
		}
		for i, t := range texts {
			if cv.Pool(text.Normalize(t), mean, mx) == 0 {
				continue
			}
			idx, val := polarityFeatures(mean, mx)
			set.Add(idx, val, !positive[i])
		}
	}
	if set.Len() == 0 {
		return nil, fmt.Errorf("embed polarity: no review in %s", dataDir)
	}
	rows := make([]int32, set.Len())
	for i := range rows {
		rows[i] = int32(i)
	}
	bits := 1
	for 1<<bits < 2*cv.Dim {
		bits++
	}
	return classify.TrainLinear(ctx, classify.LinearConfig{Bits: bits, Seed: 20261206, Epochs: 5, LR: 0.1, L2: 1e-6, PosW: 1}, &set, rows)
}

// TrainNegativeEmbed is TrainNegative, or with stacked set
// TrainNegativeStacked (without writing weights), with the features of emb
// added to every customer message's: the measurement behind `fullqa eval
// negative --embed`.
func TrainNegativeEmbed(ctx context.Context, sets, extra []NegativeSet, engineFor func(convID string) *detect.Engine, minPrec float64, emb *EmbedFeatures, stacked bool) (*NegativeReport, error) {
	rep, err := trainNegativeWith(ctx, negConfig(), sets, extra, engineFor, minPrec, nil, emb, stacked)
	if err != nil {
		return nil, err
	}
	var what []string
	for _, f := range []struct {
		on   bool
		name string
	}{{emb.Mean, "mean"}, {emb.Max, "max"}, {emb.AgentMean, "agent"}, {emb.PrevMean, "prev"}, {emb.Bins > 0, "bins"}, {emb.Polarity != nil, "polarity"}} {
		if f.on {
			what = append(what, f.name)
		}
	}
	decision := ""
	if stacked {
		decision = ", stacked"
	}
	rep.Title = fmt.Sprintf("learned emotion.negative%s with character-vector features (%s; %d vectors of %d dimensions, scale %g), threshold %.3f (chosen on all out-of-fold scores)",
		decision, strings.Join(what, ", "), emb.Vectors.Len(), emb.Vectors.Dim, emb.Scale, rep.Threshold)
	return rep, nil
}
