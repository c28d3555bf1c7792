package codebook

import (
	"regexp"
	"strings"
)

// detailsZH turn the detectors' English detail lines into Chinese for
// Chinese readers. The detectors keep writing English (their output, the
// JSON Lines results and the evaluations key on it); a reader of a Chinese
// report should not have to. Each pattern matches one detail template
// whole; the replacement may use the pattern's groups. A detail no pattern
// matches is shown as written.
var detailsZH = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`^negative emotion ([0-9.]+)$`), "负面情绪 $1"},
	{regexp.MustCompile(`^negative emotion rose from ([0-9.]+) to ([0-9.]+)$`), "负面情绪从 $1 升至 $2"},
	{regexp.MustCompile(`^no apology, appeasement or concrete help in the next (\d+) agent repl(?:y|ies)$`), "之后 $1 条客服回复没有致歉、安抚或具体帮助"},
	{regexp.MustCompile(`^the customer leaves with negative emotion$`), "客户带着负面情绪离开"},
	{regexp.MustCompile(`^customer threatens escalation: (.+)$`), "客户扬言：$1"},
	{regexp.MustCompile(`^customer threatens escalation \(learned, p=([0-9.]+)\): (.+)$`), "客户扬言（模型判断 $1）：$2"},
	{regexp.MustCompile(`^insult aimed at the customer: (.+)$`), "辱骂客户：$1"},
	{regexp.MustCompile(`^impolite or dismissive agent wording: (.+)$`), "用语生硬或不耐烦：$1"},
	{regexp.MustCompile(`^the agent answers the customer with a bare question mark$`), "客服只回了一个问号"},
	{regexp.MustCompile(`^forbidden word: (.+)$`), "禁用语：$1"},
	{regexp.MustCompile(`^agent steers the customer off the platform: (.+)$`), "引导客户离开平台：$1"},
	{regexp.MustCompile(`^agent gives the customer a personal phone number: (.+)$`), "客服留了个人电话：$1"},
	{regexp.MustCompile(`^agent induces or manipulates a review: (.+)$`), "诱导或操纵评价：$1"},
	{regexp.MustCompile(`^absolute claim forbidden by the Advertising Law: (.+)$`), "广告法禁用的绝对化用语：$1"},
	{regexp.MustCompile(`^agent message shows the customer's (\S+) \(.*\) in full$`), "客服消息完整显示了客户的$1"},
	{regexp.MustCompile(`^agent commits to a time$`), "客服承诺了时间"},
	{regexp.MustCompile(`^agent commits to an amount or benefit$`), "客服承诺了金额或权益"},
	{regexp.MustCompile(`^agent commits to an action$`), "客服承诺了动作"},
	{regexp.MustCompile(`^a guaranteed date \("(.+)"\) is never to be promised$`), "不得承诺保证送达/发货日期（“$1”）"},
	{regexp.MustCompile(`^compensation of ([0-9.]+) yuan exceeds the ([0-9.]+) yuan an agent may grant$`), "补偿 $1 元，超过客服可自行给予的 $2 元"},
	{regexp.MustCompile(`^compensation changed from ([0-9.]+) to ([0-9.]+) yuan$`), "补偿金额从 $1 元变成 $2 元"},
	{regexp.MustCompile(`^the customer reports that an earlier promise or statement did not hold$`), "客户反映之前的承诺或说法没有兑现"},
	{regexp.MustCompile(`^the agent moved a promised date$`), "客服改动了承诺过的日期"},
	{regexp.MustCompile(`^the agent takes back an earlier statement$`), "客服收回了之前的说法"},
	{regexp.MustCompile(`^the agent committed to a step, now says it cannot be done$`), "客服先承诺了某一步，后又说做不到"},
	{regexp.MustCompile(`^the agent first said +it can be done, now the opposite$`), "客服先说可以，后又说不行"},
	{regexp.MustCompile(`^the agent first said not it can be done, now the opposite$`), "客服先说不行，后又说可以"},
	{regexp.MustCompile(`^customer message never answered by an agent$`), "客户消息一直没有人工回复"},
	{regexp.MustCompile(`^answered after (\S+), beyond the (\S+) limit$`), "$1 后才回复，超过 $2 上限"},
	{regexp.MustCompile(`^human reply after (\S+) \(limit (\S+)\)$`), "人工回复用时 $1（上限 $2）"},
	{regexp.MustCompile(`^first human reply after (\S+) \(target (\S+)\)$`), "首次人工回复用时 $1（目标 $2）"},
	{regexp.MustCompile(`^the customer restates what they meant$`), "客户重申自己的意思"},
	{regexp.MustCompile(`^the customer repeats an earlier request almost word for word$`), "客户几乎原样重复了之前的请求"},
	{regexp.MustCompile(`^the customer asks again after a reply that answered nothing$`), "客服的回复没有回答问题，客户再次询问"},
	{regexp.MustCompile(`^the customer sends the same message again while waiting for a reply$`), "客户等待回复时重复发送同一消息"},
	{regexp.MustCompile(`^the agent sends the same reply again without progress$`), "客服重复发送同一回复，问题没有进展"},
	{regexp.MustCompile(`^the chat goes in circles: the customer restates the same need and the agent makes no progress$`), "会话绕圈：客户反复表达同一需求，客服没有推进"},
	{regexp.MustCompile(`^the customer gives up or leaves dissatisfied: (.+)$`), "客户放弃或不满离开：$1"},
	{regexp.MustCompile(`^the customer's last question gets no answer$`), "客户最后的问题没有得到回答"},
	{regexp.MustCompile(`^the customer refers to an earlier contact: (.+)$`), "客户提到之前联系过：$1"},
	{regexp.MustCompile(`^the customer refers to an earlier issue: (.+)$`), "客户提到之前的问题：$1"},
	{regexp.MustCompile(`^the agent follows up an earlier contact: (.+)$`), "客服在跟进之前的联系：$1"},
	{regexp.MustCompile(`^the customer confirms coming about an earlier issue$`), "客户确认是为之前的问题而来"},
	{regexp.MustCompile(`^refund scene: (.+)$`), "退款场景：$1"},
	{regexp.MustCompile(`^compensation scene: (.+)$`), "补偿场景：$1"},
}

// missedStepsZH name sensitive.mishandled's missed steps in Chinese.
var missedStepsZH = strings.NewReplacer(
	"agent never acknowledged or apologised", "未致歉或安抚",
	"agent gave no concrete next step or outcome", "未给出明确的下一步或结果",
	"agent refused without a reason", "拒绝时未说明理由",
	"; ", "；")

// endedUnresolved is resolution.unresolved's detail from the ending
// classifier: its probability of unresolved, then the rule's own detail
// when a rule decided it (translated by its own template).
var endedUnresolved = regexp.MustCompile(`^the chat ends unresolved \(ending classifier, p=([0-9.]+)\)(?:; (.+))?$`)

var mishandled = regexp.MustCompile(`^(refund|compensation) scene handled against the required steps(?:: (.+))?$`)

// Detail is a finding's detail line in lang: for Chinese, the detectors'
// English templates in Chinese; anything else as written (details already
// in Chinese, English readers, a template this table does not know).
func Detail(detail string, lang Lang) string {
	if lang == EN || detail == "" {
		return detail
	}
	if m := mishandled.FindStringSubmatch(detail); m != nil {
		s := map[string]string{"refund": "退款", "compensation": "补偿"}[m[1]] + "场景未按规定步骤处理"
		if m[2] != "" {
			s += "：" + missedStepsZH.Replace(m[2])
		}
		return s
	}
	if m := endedUnresolved.FindStringSubmatch(detail); m != nil {
		s := "会话以未解决结束（结束方式模型给出的未解决概率 " + m[1] + "）"
		if m[2] != "" {
			s += "；" + Detail(m[2], lang)
		}
		return s
	}
	for _, d := range detailsZH {
		if d.re.MatchString(detail) {
			return d.re.ReplaceAllString(detail, d.zh)
		}
	}
	return detail
}
