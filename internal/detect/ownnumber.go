package detect

import (
	"strings"

	"fullqa/internal/privacy"
)

// ownNumberWindow is how far (bytes, five Chinese characters) before a
// phone number a first-person word makes it the writer's own number:
// "我电话13718139512", "有需要联系我13754900130", "打我手机我是大连的…".
const ownNumberWindow = 15

// ownNumber reports whether the phone number after before is the writer's
// own: 我 (not 我们, the shop) stands within ownNumberWindow bytes before
// it, with no 您/你 after the 我 ("我帮您改为138…" is the customer's). An
// agent who writes their own number is taking the customer off the
// platform (compliance.off_platform), not leaking the customer's data.
func ownNumber(before string) bool {
	w := before[max(0, len(before)-ownNumberWindow):]
	j := strings.LastIndex(w, "我")
	if j < 0 {
		return false
	}
	rest := w[j+len("我"):]
	return !strings.HasPrefix(rest, "们") && !strings.Contains(rest, "您") && !strings.Contains(rest, "你")
}

// ownPhone returns the first phone number in agent message norm that is
// the agent's own (ownNumber). It is asked only of a message with two
// digits in a row (digitRuns, a presence bit the caller reads first: most
// messages have none), the least a number needs.
func ownPhone(norm string) (privacy.Span, bool) {
	if !strings.Contains(norm, "我") {
		return privacy.Span{}, false
	}
	var buf [4]privacy.Span
	for _, sp := range privacy.Scan(norm, buf[:0]) {
		if (sp.Kind == privacy.KindMobile || sp.Kind == privacy.KindLandline) && ownNumber(norm[:sp.Start]) {
			return sp, true
		}
	}
	return privacy.Span{}, false
}
