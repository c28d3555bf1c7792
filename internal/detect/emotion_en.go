package detect

// englishNegative reads negative emotion in English customer messages
// (isEnglish). The emotion model and the learned negative scorer were
// trained on Chinese text only; on English their scores say nothing (the
// model put "@sprintcare I did." and "@sprintcare is the worst customer
// service" at the same level), so an English message is negative when a
// phrase of emotion_en_negative stands in it and no negation just before
// takes it back ("not the worst"), when it threatens (threat_en.go), or
// when it only chases an answer, as in Chinese. These rules are precise
// but miss most negative tweets; the learned English scorer
// (emotion_en_learned.go) adds what it finds to their findings.
type englishNegative struct {
	phrases phraseSet
}

// enNegationWindow is how many words before a phrase a negation still
// takes it back: "not the worst", "is not that terrible".
const enNegationWindow = 3

// negative returns the span of the first phrase of s that makes it
// negative.
func (e *englishNegative) negative(s string) (KeywordHit, bool) {
	for _, sent := range enSentences(s) {
		for _, cl := range sent {
			for k := range cl {
				n := e.phrases.match(cl[k:])
				if n == 0 || enNegated(cl, k) {
					continue
				}
				return KeywordHit{Start: int32(cl[k].start), End: int32(cl[k+n-1].end)}, true
			}
		}
	}
	return KeywordHit{}, false
}

// enNegated reports whether a negation stands in the enNegationWindow
// words of clause cl before word k. A negation that an intensifier follows
// before the phrase does not take it back: "never been so frustrated",
// "never had such terrible service", "no wonder this app sucks".
func enNegated(cl []enWord, k int) bool {
	for j := k - 1; j >= 0 && j >= k-enNegationWindow; j-- {
		switch cl[j].w {
		case "so", "such", "more", "as", "wonder":
			return false
		case "not", "never", "no", "nor", "without":
			return true
		}
	}
	return false
}
