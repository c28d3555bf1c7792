package detect

import (
	"fmt"
	"sort"
	"strings"

	"fullqa/internal/lexicon"
)

// Registry returns every detector in its fixed run order, configured from
// cfg, with word lists from lex. The list is explicit, not filled by init
// functions, so the order is visible and reviewable here.
func Registry(cfg Config, lex lexicon.Lists) []Detector {
	return []Detector{
		newResponseDetector(cfg.Response, lex),
		newEmotionDetector(cfg.Emotion, cfg.Threat, lex),
		newSceneDetector(cfg.Sensitive, lex),
		newThreatDetector(cfg.Threat, lex),
		newAttitudeDetector(lex),
		newComplianceDetector(lex),
		newPrivacyDetector(),
		newPromiseDetector(cfg.Policy.withFacts(cfg.Facts), lex),
		newLoopDetector(cfg.Loop, lex),
		newResolutionDetector(lex),
		newRepeatDetector(lex),
		newKnowledgeDetector(cfg.Facts, lex),
	}
}

// Select filters detectors by a --detectors value: "all", "none", or a
// comma-separated list of names (detector names or finding-code prefixes).
func Select(all []Detector, spec string) ([]Detector, error) {
	spec = strings.TrimSpace(spec)
	switch spec {
	case "", "all":
		return all, nil
	case "none":
		return nil, nil
	}
	byName := map[string]Detector{}
	var names []string
	for _, d := range all {
		byName[d.Name()] = d
		names = append(names, d.Name())
	}
	want := map[string]bool{}
	for _, n := range strings.Split(spec, ",") {
		n = strings.TrimSpace(n)
		if _, ok := byName[n]; !ok {
			sort.Strings(names)
			return nil, fmt.Errorf("unknown detector %q (have: %s)", n, strings.Join(names, ", "))
		}
		want[n] = true
	}
	var out []Detector
	for _, d := range all { // keep registry order
		if want[d.Name()] {
			out = append(out, d)
		}
	}
	return out, nil
}
