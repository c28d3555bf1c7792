package detect

import "strings"

// englishThreats reads threats of escalation in English customer messages
// (isEnglish: no Chinese or Japanese in them, six ASCII letters or more). The learned threat scorer was trained on
// Chinese chats only, and on English text its character n-grams say
// nothing, so the '@' every public complaint thread starts with ("@sprintcare
// I did.") was all it saw and it called nearly every English tweet a threat.
// English messages are read by these rules instead, word by word as the
// English promise rules read agents: a phrase of threat_en ("I am switching
// to", "file a complaint", "chargeback") that is not taken back, or an
// @handle that names a regulator of threat_en_at ("@FCC", "@BBB_Org").
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

// enNeverNot are the words that, right after "never", make "never …
// again" a statement about the past or no threat at all: "never mind it
// works again", "I never had this problem again".
var enNeverNot = map[string]bool{
	"mind": true, "had": true, "have": true, "has": true, "been": true, "was": true, "were": true,
	"did": true, "got": true, "saw": true, "heard": true, "happened": true, "thought": true, "knew": true,
}

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
	if cl[k].w == "never" && k+1 < len(cl) && !enNeverNot[cl[k+1].w] {
		for j := k + 1; j < len(cl) && j <= k+enAgainWindow; j++ {
			if cl[j].w == "again" {
				return j - k + 1
			}
		}
	}
	return 0
}

// enBackWindow is how many words before a phrase a negation or a
// past-tense helper still takes it back: "I'm not switching to", "I had
// to cancel my account", but not "if this is not fixed today I'm
// switching to …".
const enBackWindow = 3

// threat returns the span of the first threat in normalized English text
// s: a threat (match) that no negation or past cue takes back
// (enTakenBack), outside a question that asks about escalating ("How do I
// file a complaint?"), or else an @handle naming a regulator in a message
// that neither asks nor tells of an escalation already made.
func (e *englishThreats) threat(s string) (KeywordHit, bool) {
	asked, past := false, false
	for _, sent := range enSentences(s) {
		asks := enAsks(sent)
		asked = asked || asks
		for _, cl := range sent {
			for k := range cl {
				past = past || enPastWord(cl[k].w)
				n := e.match(cl, k)
				if n == 0 || asks || enTakenBack(cl, k) || enPastAfter(cl, k+n) {
					continue
				}
				return KeywordHit{Start: int32(cl[k].start), End: int32(cl[k+n-1].end)}, true
			}
		}
	}
	if asked || past {
		return KeywordHit{}, false
	}
	return e.handle(s)
}

// handle returns the first @handle of s whose name starts or ends with a
// regulator's name ("@fcc", "@bbb_org", "@ofcomuk"); a name inside a longer
// one is none ("@microsoftcanada" holds "ftc").
func (e *englishThreats) handle(s string) (KeywordHit, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_') {
			j++
		}
		name := strings.Trim(s[i+1:j], "_")
		for _, a := range e.at {
			if strings.HasPrefix(name, a) || strings.HasSuffix(name, a) {
				return KeywordHit{Start: int32(i), End: int32(j)}, true
			}
		}
		i = j - 1
	}
	return KeywordHit{}, false
}

// enAsks reports whether sentence sent is a question that asks rather than
// threatens: it ends with "?", opens with a question word ("How do I file a
// complaint?", "Should I switch to …?") and offers no alternative. A
// threat may end with a question mark too: an ultimatum with "or" ("Will
// you fix this or do I have to file a chargeback?") or "do I have to …"
// ("Do I have to go to the FCC to get this fixed?") threatens.
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
	for _, cl := range sent {
		for _, w := range cl {
			if w.w == "or" {
				return false
			}
		}
	}
	if k+4 <= len(first) && wordsAre(first[k:k+4], []string{"do", "i", "have", "to"}) {
		return false
	}
	switch first[k].w {
	case "how", "what", "where", "when", "who", "which", "should", "can", "could", "do", "does", "is", "are", "will", "would", "may":
		return true
	}
	return false
}

// enPastWord reports whether w tells of an escalation already made.
func enPastWord(w string) bool {
	switch w {
	case "already", "previously", "filed", "reported", "complained", "contacted":
		return true
	}
	return false
}

// enTakenBack reports whether a threat at word k of clause cl is taken
// back: a negation or a past-tense helper (not, never, no, had, did, was)
// in the enBackWindow words before it, or, before it in the clause and
// after the last word that turns to what comes next (will, going, gonna,
// so, now, then), a word that tells of an escalation already made
// (enPastWord: "I already filed a complaint with the BBB", the kind of
// false alarm the issue names first; but "I have already waited three
// weeks so I will file a complaint" threatens). A phrase that opens with
// a negation itself ("never again") is read whole, so only the words
// before it count.
func enTakenBack(cl []enWord, k int) bool {
	for j := k - 1; j >= 0; j-- {
		w := cl[j].w
		switch {
		case w == "will" || w == "going" || w == "gonna" || w == "so" || w == "now" || w == "then":
			return false
		case enPastWord(w):
			return true
		case j >= k-enBackWindow:
			switch w {
			case "not", "never", "no", "nor", "without", "had", "did", "was", "were":
				return true
			}
		}
	}
	return false
}

// enPastAfter reports whether the words of clause cl from k on place it in
// the past: "… last month", "… last time", "… ago", "… yesterday", "went
// through" ("My chargeback went through last month").
func enPastAfter(cl []enWord, k int) bool {
	for j := k; j < len(cl); j++ {
		switch cl[j].w {
		case "ago", "yesterday", "went":
			return true
		case "last":
			if j+1 < len(cl) {
				switch cl[j+1].w {
				case "time", "week", "month", "year", "night", "weekend":
					return true
				}
			}
		}
	}
	return false
}

// chineseText reports whether normalized text s is Chinese as the learned
// threat scorer knows it: it has a Chinese character and is not Japanese (at
// least two kana, and no fewer than its Chinese characters: a kaomoji's ノ or
// a long-vowel mark ー in a Chinese message does not count). The scorer was
// trained on Chinese chats only; on other text ("@DELTA", "@AmazonHelp
// ありがとうございます！") its few features are an '@' or a digit, and its
// score means nothing.
func chineseText(s string) bool {
	han, kana := 0, 0
	for _, r := range s {
		switch {
		case r == 'ー' || r == '・' || r == 'ヽ' || r == 'ヾ' || r == 'ゝ' || r == 'ゞ':
		case r >= 0x3040 && r <= 0x30ff:
			kana++
		case r >= 0x3400 && r <= 0x4dbf || r >= 0x4e00 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff:
			han++
		}
	}
	return han > 0 && !(kana >= 2 && kana >= han)
}
