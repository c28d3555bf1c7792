package detect

import (
	"strconv"
	"strings"
)

// englishPromises reads commitments in English agent messages. Chinese comes
// first in this product and the Chinese rules work on the shared matcher's
// hits; English sentences are short and regular enough to read word by
// word: an actor ("we", "I", "our team", "a specialist"), a committing verb
// form ("will", "have", "are … -ing", or a past tense) and a step from
// promise_en_action ("send", "escalate", "look into"), in a clause that
// neither asks the customer to act first (promise_en_request: "Please DM us
// so we can look into this", "If you DM us, we'll …") nor only offers ("we'd
// be happy to"). A time ("within 24 hours", "by tomorrow") or an amount
// ("$20 credit") in the same sentence makes it a time or amount promise.
type englishPromises struct {
	actions  phraseSet
	requests phraseSet
}

func newEnglishPromises(actions, requests []string) englishPromises {
	return englishPromises{actions: newPhraseSet(actions), requests: newPhraseSet(requests)}
}

// phraseSet holds word sequences, looked up by their first word.
type phraseSet map[string][][]string

func newPhraseSet(phrases []string) phraseSet {
	ps := phraseSet{}
	for _, p := range phrases {
		ws := strings.Fields(strings.ToLower(p))
		if len(ws) > 0 {
			ps[ws[0]] = append(ps[ws[0]], ws)
		}
	}
	return ps
}

// match returns the number of words of the longest phrase that toks starts
// with, or 0.
func (ps phraseSet) match(toks []enWord) int {
	best := 0
	for _, p := range ps[firstText(toks)] {
		if len(p) > best && len(p) <= len(toks) && wordsAre(toks[:len(p)], p) {
			best = len(p)
		}
	}
	return best
}

func firstText(toks []enWord) string {
	if len(toks) == 0 {
		return ""
	}
	return toks[0].w
}

func wordsAre(toks []enWord, p []string) bool {
	for k := range p {
		if toks[k].w != p[k] {
			return false
		}
	}
	return true
}

// enWord is one word of a normalized English message with its byte span.
// A contraction is split into its words ("we'll" → "we", "will"), which
// share the span.
type enWord struct {
	w          string
	start, end int
}

// contractions expands the contracted forms the rules care about.
var contractions = map[string][]string{
	"we'll": {"we", "will"}, "i'll": {"i", "will"}, "they'll": {"they", "will"}, "you'll": {"you", "will"},
	"we've": {"we", "have"}, "i've": {"i", "have"}, "they've": {"they", "have"},
	"we're": {"we", "are"}, "i'm": {"i", "am"}, "they're": {"they", "are"},
	"we'd": {"we", "would"}, "i'd": {"i", "would"},
	"won't": {"will", "not"}, "can't": {"can", "not"}, "don't": {"do", "not"}, "didn't": {"did", "not"},
	"haven't": {"have", "not"}, "hasn't": {"has", "not"}, "isn't": {"is", "not"}, "aren't": {"are", "not"},
	"wasn't": {"was", "not"}, "couldn't": {"could", "not"}, "wouldn't": {"would", "not"},
	"let's": {"let", "us"},
}

// isEnglish reports whether a normalized message is English: no Chinese
// or Japanese characters and at least six ASCII letters.
func isEnglish(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			letters++
		case r >= 0x3040 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff:
			return false
		}
	}
	return letters >= 6
}

// enSentences splits s into sentences and each sentence into clauses (at
// commas), as word lists. Handles (@name), links and signatures (^AB) are
// left out.
func enSentences(s string) [][][]enWord {
	var sents [][][]enWord
	var clauses [][]enWord
	var cur []enWord
	endClause := func() {
		if len(cur) > 0 {
			clauses = append(clauses, cur)
			cur = nil
		}
	}
	endSentence := func() {
		endClause()
		if len(clauses) > 0 {
			sents = append(sents, clauses)
			clauses = nil
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case strings.HasPrefix(s[i:], "&amp;"): // kept encoded by normalization
			cur = append(cur, enWord{"and", i, i + len("&amp;")})
			i += len("&amp;")
		case c == '@' || c == '^' || c == 'h' && (strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://")):
			for i < len(s) && s[i] != ' ' {
				i++
			}
		case isWordByte(c) || c == '\'' || strings.HasPrefix(s[i:], "’"):
			j := i
			for j < len(s) && (isWordByte(s[j]) || s[j] == '\'' || strings.HasPrefix(s[j:], "’")) {
				if s[j] == '\'' || s[j] < 0x80 {
					j++
				} else {
					j += len("’")
				}
			}
			w := strings.Trim(strings.ReplaceAll(s[i:j], "’", "'"), "'")
			if ex, ok := contractions[w]; ok {
				for _, e := range ex {
					cur = append(cur, enWord{e, i, j})
				}
			} else if w != "" {
				cur = append(cur, enWord{w, i, j})
			}
			i = j
		case c == '.' && i > 0 && i+1 < len(s) && s[i-1] >= '0' && s[i-1] <= '9' && s[i+1] >= '0' && s[i+1] <= '9':
			i++ // a decimal point ("£5.50", "6.13")
		case c == '?':
			// A question asks the customer something: it is marked with
			// a "?" word, which commitment reads.
			cur = append(cur, enWord{"?", i, i + 1})
			endSentence()
			i++
		case c == '.' || c == '!' || c == ';' || c == '\n':
			endSentence()
			i++
		case c == ',' || c == ':' || c == '(' || c == ')':
			endClause()
			i++
		default:
			i++
		}
	}
	endSentence()
	return sents
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '$' || c == '-'
}

// enOpeners are words a clause may open with before its request or actor:
// greetings, thanks, apologies and fillers.
var enOpeners = map[string]bool{
	"hi": true, "hello": true, "hey": true, "there": true, "thanks": true, "thank": true,
	"sorry": true, "apologies": true, "ok": true, "okay": true, "great": true, "so": true, "and": true,
	"also": true, "alright": true, "sure": true, "absolutely": true, "yes": true, "no": true, "oh": true,
}

// enActor returns the number of words of the actor toks starts with: we,
// I, our team, a specialist, someone; 0 if none. The customer ("you") and
// third parties ("the carrier", "they") are no actor of the company.
func enActor(toks []enWord) int {
	if len(toks) == 0 {
		return 0
	}
	switch toks[0].w {
	case "we", "i", "someone":
		return 1
	case "our", "a", "an", "the":
		// "our team", "our support team", "a specialist", "the team"
		for k := 1; k < len(toks) && k <= 3; k++ {
			switch strings.TrimSuffix(toks[k].w, "s") {
			case "team", "specialist", "expert", "agent", "rep", "representative", "manager", "technician",
				"engineer", "colleague", "supervisor", "member", "department":
				return k + 1
			}
		}
	}
	return 0
}

// enCommits reports whether the words between an actor and its verb commit
// ("will", "have", "are going to", "am now", "just"): nothing negated, no
// would/could/can/may (an offer or an ability), and a verb form that is
// not the bare present ("we send updates every day" is a habit).
func enCommits(gap []enWord, verb string) bool {
	aux := false
	for _, t := range gap {
		switch t.w {
		case "will", "have", "has", "am", "are", "is", "going", "gonna", "shall":
			aux = true
		case "not", "never", "unable", "would", "could", "can", "may", "might", "should", "need", "needs",
			"want", "wanted", "like", "love", "hope", "try", "trying", "able", "do", "did", "if":
			return false
		case "to", "be", "just", "also", "already", "definitely", "certainly", "happily", "gladly", "now",
			"personally", "still", "sure", "absolutely", "immediately", "promptly", "further", "then", "directly",
			"go", "ahead", "and":
		default:
			return false
		}
	}
	if aux {
		return true
	}
	// Without an auxiliary only a past tense commits ("I sent you a DM").
	return isPast(verb)
}

// assured drops a reassurance the agent opens with ("Please be assured
// your feedback has been passed on", "Please note the service has been
// deactivated", "Rest assured, …"): it is no request.
func assured(toks []enWord) []enWord {
	for _, p := range [][]string{{"please", "be", "assured"}, {"please", "note"}, {"rest", "assured"}, {"please", "rest", "assured"}} {
		if len(toks) >= len(p) && wordsAre(toks[:len(p)], p) {
			toks = toks[len(p):]
			if len(toks) > 0 && toks[0].w == "that" {
				toks = toks[1:]
			}
			return toks
		}
	}
	return toks
}

// offersSum reports whether "can" offers a stated sum ("I can provide a
// $10.00 credit"): a concrete benefit, not only an ability.
func offersSum(gap, verb []enWord) bool {
	can := false
	for _, t := range gap {
		switch t.w {
		case "can":
			can = true
		case "also", "certainly", "definitely":
		default:
			return false
		}
	}
	if !can {
		return false
	}
	for _, t := range verb[1:min(len(verb), 6)] {
		if strings.HasPrefix(t.w, "$") {
			return true
		}
	}
	return false
}

// firstCondition returns where the first condition word of a clause
// stands, or -1: a passive step after one ("after payment has been
// submitted", "once it has been processed") states the general rule, not a
// step taken.
func firstCondition(toks []enWord) int {
	for k, t := range toks {
		switch t.w {
		case "after", "once", "when", "if", "until", "before", "unless":
			return k
		}
	}
	return -1
}

// handedOn reports whether a past participle in the passive names a step
// taken for the customer ("your feedback has been passed on", "… will be
// escalated"), not an outcome or a change that may have come by itself
// ("has been resolved", "a charge will be applied").
func handedOn(w string) bool {
	switch w {
	case "passed", "forwarded", "escalated", "shared", "reported", "logged", "raised", "sent", "refunded",
		"credited", "issued", "submitted", "processed", "cancelled", "canceled", "flagged", "referred",
		"arranged", "deactivated", "activated", "reset", "re-set", "scheduled", "booked":
		return true
	}
	return false
}

// isPast reports whether an action word is a past form.
func isPast(w string) bool {
	return strings.HasSuffix(w, "ed") || w == "sent" || w == "let" || w == "been"
}

// extract returns the promises of one normalized English agent message:
// at most one a sentence, spanning the sentence.
func (e *englishPromises) extract(s string, ps []promise) []promise {
	for _, sent := range enSentences(s) {
		verb, object, ok, asks := e.commitment(sent)
		if asks {
			// "Can you DM us your email? We'll take a look": what
			// follows a request waits for the customer.
			break
		}
		if !ok {
			continue
		}
		first, lastClause := sent[0][0], sent[len(sent)-1]
		p := promise{kind: PromiseAction, start: first.start, end: lastClause[len(lastClause)-1].end, days: -1}
		if unit, v := enTime(sent); unit != "" {
			k, _ := slotKeyOf(unit)
			p.kind = PromiseTime
			p.slot.setString(slotEvent, verb)
			p.slot.setValue(k, v)
		} else if amt, cur := enAmount(s[p.start:p.end]); cur != "" {
			p.kind = PromiseAmount
			p.slot.setValue(slotAmount, amt)
			p.slot.setString(slotCurrency, cur)
			p.slot.setString(slotBenefit, verb)
		} else {
			p.slot.setString(slotVerb, verb)
			p.slot.setString(slotObject, object)
		}
		ps = append(ps, p)
	}
	return ps
}

// commitment finds the first committing clause of a sentence and returns
// its verb phrase and up to three words of object. A clause that asks the
// customer to act ends the search (asks): what follows ("…, so we can look
// into it", "… ? We'll take a look") is conditional on it.
func (e *englishPromises) commitment(sent [][]enWord) (verb, object string, ok, asks bool) {
	if last := sent[len(sent)-1]; last[len(last)-1].w == "?" {
		return "", "", false, true
	}
	for _, cl := range sent {
		toks := assured(cl)
		for len(toks) > 0 && enOpeners[toks[0].w] {
			toks = toks[1:]
		}
		if e.requests.match(toks) > 0 {
			return "", "", false, true
		}
		// Where the clause's first condition word stands, found once:
		// asking conditionBefore at every word cost the square of the
		// clause (a long run of "8+128 512GB+12GB" took seconds).
		cond := firstCondition(toks)
		actor := false
		for a := range toks {
			n := enActor(toks[a:])
			switch {
			case n > 0 && !actor && a > 0 && toks[a-1].w == "and":
				// "Connect with us here and we'll be in touch": the
				// customer acts first.
				return "", "", false, true
			case n > 0:
				actor = true
			case a == 0 && len(toks) > 1 && toks[0].w == "just":
				// "Just sent you a DM": the actor left out.
				n = 0
			case actor && toks[a].w == "and":
				// "We've received your DM and will follow up there":
				// the same actor again.
				n = 1
			case toks[a].w == "let" && a+1 < len(toks) && toks[a+1].w == "me":
				// "Let me request the expert to look into this": the
				// agent's own next step.
				if m := e.actions.match(toks[a+2:]); m > 0 {
					return joinWords(toks[a+2 : a+2+m]), joinWords(toks[a+2+m : min(len(toks), a+5+m)]), true, false
				}
				continue
			case a > 0 && a+2 < len(toks) && toks[a-1].w != "you" && !(cond >= 0 && cond < a) &&
				(toks[a].w == "will" && toks[a+1].w == "be" || (toks[a].w == "has" || toks[a].w == "have") && toks[a+1].w == "been"):
				// "Your feedback has been passed to the team", "… will
				// be passed on": a step for this customer, said in the
				// passive.
				if m := e.actions.match(toks[a+2:]); m > 0 && isPast(toks[a+2].w) && handedOn(toks[a+2].w) {
					return joinWords(toks[a+2 : a+2+m]), joinWords(toks[max(0, a-2):a]), true, false
				}
				continue
			case toks[a].w == "you" && a+2 < len(toks) && (toks[a+1].w == "will" || toks[a+1].w == "should"):
				// "You'll receive an email as soon as …", "you will hear
				// back tomorrow": what the customer will get from us.
				switch toks[a+2].w {
				case "receive", "hear":
					return joinWords(toks[a+1 : a+3]), joinWords(toks[a+3 : min(len(toks), a+6)]), true, false
				}
				continue
			default:
				continue
			}
			for v := a + n; v < len(toks) && v <= a+n+4; v++ {
				if toks[v].w == "get" && v+2 < len(toks) && (toks[v+1].w == "this" || toks[v+1].w == "it" || toks[v+1].w == "that") && isPast(toks[v+2].w) &&
					e.actions.match(toks[v+2:]) > 0 && enCommits(toks[a+n:v], "get") {
					// "We'll get this passed onto the right team"
					return joinWords(toks[v : v+3]), joinWords(toks[v+3 : min(len(toks), v+6)]), true, false
				}
				m := e.actions.match(toks[v:])
				if toks[v].w == "let" {
					// "we'll let the right team know"
					for k := v + 2; k < len(toks) && k <= v+4; k++ {
						if toks[k].w == "know" {
							m = k - v + 1
						}
					}
				}
				if m == 0 || !enCommits(toks[a+n:v], toks[v].w) && !offersSum(toks[a+n:v], toks[v:]) {
					continue
				}
				return joinWords(toks[v : v+m]), joinWords(toks[v+m : min(len(toks), v+m+3)]), true, false
			}
		}
	}
	return "", "", false, false
}

func joinWords(ws []enWord) string {
	parts := make([]string, len(ws))
	for k, w := range ws {
		parts[k] = w.w
	}
	return strings.Join(parts, " ")
}

// enNumbers are the spelled-out numbers a time may use.
var enNumbers = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "ten": 10, "24": 24, "48": 48, "72": 72}

// enTime finds a time in a sentence: "within 24 hours", "in 3-5 business
// days", "by tomorrow", "tomorrow". It returns the slot key (within_hours,
// within_days, within_workdays, or when) and its value.
func enTime(sent [][]enWord) (string, any) {
	var toks []enWord
	for _, cl := range sent {
		toks = append(toks, cl...)
	}
	for k, t := range toks {
		switch t.w {
		case "within", "in":
			if k+2 >= len(toks) {
				continue
			}
			n, ok := enNumbers[toks[k+1].w]
			if !ok {
				hi := toks[k+1].w
				if d := strings.LastIndexByte(hi, '-'); d >= 0 {
					hi = hi[d+1:]
				}
				v, err := strconv.Atoi(hi)
				if err != nil {
					continue
				}
				n = v
			}
			unit := toks[k+2].w
			if (unit == "business" || unit == "working") && k+3 < len(toks) && strings.HasPrefix(toks[k+3].w, "day") {
				return "within_workdays", n
			}
			switch {
			case strings.HasPrefix(unit, "hour") || unit == "hrs" || unit == "hr":
				return "within_hours", n
			case strings.HasPrefix(unit, "day"):
				return "within_days", n
			case strings.HasPrefix(unit, "week"):
				return "within_days", 7 * n
			}
		case "tomorrow", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday":
			return "when", t.w
		}
	}
	return "", nil
}

// enAmount finds a sum of money ("$20", "£5.50") in s.
func enAmount(s string) (float64, string) {
	for i := 0; i < len(s); i++ {
		var cur string
		switch {
		case s[i] == '$':
			cur = "USD"
		case strings.HasPrefix(s[i:], "£"):
			cur = "GBP"
		case strings.HasPrefix(s[i:], "€"):
			cur = "EUR"
		default:
			continue
		}
		j := i + 1
		if cur != "USD" {
			j = i + len("£")
		}
		k := j
		for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == '.') {
			k++
		}
		if v, err := strconv.ParseFloat(strings.TrimSuffix(s[j:k], "."), 64); err == nil {
			return v, cur
		}
	}
	return 0, ""
}
