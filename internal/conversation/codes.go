package conversation

// Codes lists every finding code of the contract in DESIGN.md. Reports,
// alerts, scorecards and evaluations key on these names, so they are never
// renamed; configs that name a code are checked against this list to catch
// typos before a long run. It returns a new slice each time.
func Codes() []string { return append([]string(nil), codes[:]...) }

// codes is the list behind Codes, an array so it cannot be appended to.
var codes = [...]string{
	"promise.made", "promise.conflict", "promise.over_policy", "promise.unkept",
	"sensitive.refund", "sensitive.compensation", "sensitive.mishandled",
	"emotion.negative", "emotion.escalating", "emotion.unaddressed",
	"threat.escalation",
	"loop.repeat", "loop.agent_template", "loop.misunderstanding",
	"repeat.contact", "repeat.unresolved", "resolution.unresolved", "burst.topic",
	"attitude.rude", "attitude.forbidden",
	"compliance.off_platform", "compliance.review_inducement", "compliance.absolute_claim",
	"privacy.pii_leak",
	"knowledge.contradiction", "knowledge.unknown_claim",
	"response.missed", "response.slow", "response.first_slow",
}

// KnownCode reports whether code is in the contract.
func KnownCode(code string) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}
