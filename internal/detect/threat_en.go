package detect

import "strings"

// englishThreats reads threats of escalation in English customer messages
// (isEnglish: no Chinese in them). The learned threat scorer was trained on
// Chinese chats only, and on English text its character n-grams say
// nothing, so the '@' every public complaint thread starts with ("@sprintcare
// I did.") was all it saw and it called nearly every English tweet a threat.
// English messages are read by these rules instead, word by word as the
// English promise rules read agents: a phrase of threat_en ("switching to",
// "file a complaint", "chargeback") that is not taken back, or an @handle
// with a regulator or media name of threat_en_at ("@FCC", "@BBCWatchdog").
//
// Leaving is read two more ways: a verb of threat_en_leave with a service
// noun of threat_en_service within three words ("cancel my Amazon Prime
// membership"), and "never" with "again" later in the clause ("I'll never
// fly Delta again").
type englishThreats struct {
	phrases phraseSet
	leave   phraseSet
	service map[string]bool
	at      []string
}

func newEnglishThreats(phrases, leave, service, at []string) englishThreats {
	e := englishThreats{phrases: newPhraseSet(phrases), leave: newPhraseSet(leave), service: map[string]bool{}}
	for _, w := range service {
		e.service[strings.ToLower(strings.TrimSpace(w))] = true
	}
	for _, a := range at {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			e.at = append(e.at, a)
		}
	}
	return e
}

// enServiceWindow is how many words after a verb of leaving its service
// noun may stand: "cancel my amazon prime membership".
const enServiceWindow = 3

// enAgainWindow is how many words after "never" an "again" may stand:
// "never using amazon again", "I will never fly with them again".
const enAgainWindow = 6

// match returns the number of words of the threat that clause cl starts
// with at word k, or 0.
func (e *englishThreats) match(cl []enWord, k int) int {
	if n := e.phrases.match(cl[k:]); n > 0 {
		return n
	}
	if n := e.leave.match(cl[k:]); n > 0 {
		for j := k + n; j < len(cl) && j < k+n+enServiceWindow; j++ {
			if e.service[cl[j].w] {
				return j - k + 1
			}
		}
	}
	if cl[k].w == "never" {
		for j := k + 1; j < len(cl) && j <= k+enAgainWindow; j++ {
			if cl[j].w == "again" {
				return j - k + 1
			}
		}
	}
	return 0
}

// enBackWindow is how many words before a phrase a negation or a
// past-tense helper still takes it back: "I'm not switching to", "I had to cancel my
// account", but not "if this is not fixed today I'm switching to …".
const enBackWindow = 3

// threat returns the span of the first threat in normalized English text
// s: a threat (match) that no negation or past cue takes back (enTakenBack),
// outside a question that asks about escalating ("How do I file a
// complaint?"), or else an @handle naming a regulator or the media.
func (e *englishThreats) threat(s string) (KeywordHit, bool) {
	for _, sent := range enSentences(s) {
		asks := enAsks(sent)
		for _, cl := range sent {
			for k := range cl {
				n := e.match(cl, k)
				if n == 0 || asks || enTakenBack(cl, k) {
					continue
				}
				return KeywordHit{Start: int32(cl[k].start), End: int32(cl[k+n-1].end)}, true
			}
		}
	}
	return e.handle(s)
}

// handle returns the first @handle of s that names a regulator or the
// media.
func (e *englishThreats) handle(s string) (KeywordHit, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_') {
			j++
		}
		name := s[i+1 : j]
		for _, a := range e.at {
			if strings.Contains(name, a) {
				return KeywordHit{Start: int32(i), End: int32(j)}, true
			}
		}
		i = j - 1
	}
	return KeywordHit{}, false
}

// enAsks reports whether sentence sent is a question that asks rather than
// threatens: it ends with "?" and opens with a question word ("How do I
// file a complaint?", "Should I switch to …?"). A threat may end with a
// question mark too ("fix it or do I have to go to the FCC?" opens with
// "fix"), so the opening word decides.
func enAsks(sent [][]enWord) bool {
	last := sent[len(sent)-1]
	if len(last) == 0 || last[len(last)-1].w != "?" {
		return false
	}
	first := sent[0]
	k := 0
	for k < len(first) && enOpeners[first[k].w] {
		k++
	}
	if k == len(first) {
		return false
	}
	switch first[k].w {
	case "how", "what", "where", "when", "who", "which", "should", "can", "could", "do", "does", "is", "are", "will", "would", "may":
		return true
	}
	return false
}

// enTakenBack reports whether a threat at word k of clause cl is taken
// back: a negation or a past-tense helper (not, never, no, had, did, was)
// in the enBackWindow words before it, or anywhere before it in the clause
// a word that tells of an escalation already made (already, previously,
// filed, reported, complained, contacted: "I already filed a complaint
// with the BBB", the kind of false alarm the issue names first). A phrase
// that opens with a negation itself ("never buy from", "never again") is
// read whole, so only the words before it count.
func enTakenBack(cl []enWord, k int) bool {
	for j := k - 1; j >= 0; j-- {
		switch cl[j].w {
		case "already", "previously", "filed", "reported", "complained", "contacted":
			return true
		case "not", "never", "no", "nor", "without", "had", "did", "was", "were":
			if j >= k-enBackWindow {
				return true
			}
		}
	}
	return false
}

// chineseText reports whether normalized text s is Chinese as the learned
// scorers know it: it has a Chinese character and no Japanese kana. The
// scorers were trained on Chinese chats only; on other text ("@DELTA",
// "@AmazonHelp ありがとうございます！") their few features are an '@' or
// a digit, and their scores mean nothing.
func chineseText(s string) bool {
	han := false
	for _, r := range s {
		switch {
		case r >= 0x3040 && r <= 0x30ff:
			return false
		case r >= 0x3400 && r <= 0x4dbf || r >= 0x4e00 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff:
			han = true
		}
	}
	return han
}
