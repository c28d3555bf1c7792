package server

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/score"
	"fullqa/internal/store"
)

// uiTexts is the dashboard's own words, {Chinese, English}. Names of
// codes, tags, severities and KPIs come from internal/codebook instead,
// the one table the reports use too.
func uiTexts() map[string][2]string {
	return map[string][2]string{
		// frame
		"overview": {"概览", "Overview"}, "findings": {"质检发现", "Findings"}, "disputes": {"申诉", "Disputes"},
		"review_queue": {"复核队列", "Review queue"}, "calibration": {"校准与准确率", "Calibration"},
		"other_lang": {"English", "中文"}, "sign_out": {"退出", "Sign out"}, "sign_in": {"登录", "Sign in"},
		"role_admin": {"管理员", "admin"}, "role_qa": {"质检", "QA"}, "role_vendor": {"外包商", "vendor"},
		"user_name": {"用户名", "User name"}, "password": {"密码", "Password"},
		"login_help":    {"账号由管理员在服务器上用 fullqa user add NAME --password-stdin 创建。", "Accounts are created on the server with fullqa user add NAME --password-stdin."},
		"login_expired": {"登录表单已过期，请重试。", "The sign-in form expired; try again."},
		"bad_login":     {"用户名或密码错误。", "Wrong user name or password."},
		"back_overview": {"返回概览", "Back to the overview"},
		"not_found":     {"未找到", "Not found"}, "not_found_text": {"页面不存在，或您无权查看。", "There is no such page, or it is not yours to see."},
		"bad_request": {"请求有误", "Bad request"}, "conflict": {"操作冲突", "Conflict"},
		// words
		"vendor": {"外包商", "Vendor"}, "shop": {"店铺", "Shop"}, "customer": {"客户", "Customer"}, "agent": {"客服", "Agent"},
		"messages": {"消息", "Messages"}, "conversation": {"会话", "Conversation"}, "conversations": {"会话", "Conversations"},
		"r_customer": {"客户", "Customer"}, "r_agent": {"客服", "Agent"}, "r_bot": {"机器人", "Bot"}, "r_system": {"系统", "System"},
		"emotion_score": {"负面概率", "negative probability"}, "negative": {"负面", "negative"},
		"sat_dissatisfied": {"不满意", "dissatisfied"}, "sat_neutral": {"中性", "neutral"}, "sat_satisfied": {"满意", "satisfied"},
		"score": {"得分", "Score"}, "fatal": {"一票否决", "fatal"}, "item": {"评分项", "Item"}, "finding": {"发现", "Finding"},
		"points": {"分", "points"}, "no_deductions": {"无扣分。", "No deductions."},
		"overturned_note": {"申诉成立、已不计分", "Overturned by accepted disputes"},
		"not_inspected":   {"尚未质检（会话未结束或在排队）。", "Not inspected yet (still open, or queued)."},
		"emotion_curve":   {"客户情绪曲线（0 平静 … 1 愤怒）", "Customer emotion (0 calm … 1 angry)"},
		"dispute_open":    {"申诉中", "disputed"}, "dispute_accepted": {"申诉成立", "dispute accepted"},
		"dispute_rejected": {"申诉驳回", "dispute rejected"}, "dispute_all": {"全部", "all"},
		"dispute_placeholder": {"申诉理由（必填）", "Why is this finding wrong? (required)"},
		"file_dispute":        {"提交申诉", "File dispute"}, "dispute_this": {"对此发现申诉…", "Dispute this finding…"}, "negative_emotion": {"负面情绪", "negative emotion"}, "ruling_comment": {"裁定说明", "Ruling comment"},
		"accept": {"申诉成立", "Accept"}, "reject": {"驳回", "Reject"},
		"review": {"复核", "Review"}, "verdict": {"结论", "Verdict"}, "comment": {"备注", "Comment"},
		"v_correct": {"正确", "correct"}, "v_wrong": {"误报", "wrong"}, "v_unsure": {"不确定", "unsure"}, "v_missed": {"漏报", "missed"},
		"add_missed": {"+ 补充漏报…", "+ add a missed finding…"}, "evidence": {"证据", "Evidence"},
		"save_review": {"保存复核", "Save review"}, "all_verdicts": {"所有复核意见", "All verdicts"}, "reviewer": {"复核员", "Reviewer"},
		"code": {"问题类型", "Code"}, "all": {"全部", "all"}, "severity": {"严重度", "Severity"},
		"from": {"从", "From"}, "to": {"到", "To"}, "review_state": {"复核状态", "Review state"},
		"rs_unreviewed": {"未复核", "unreviewed"}, "rs_confirmed": {"已确认", "confirmed"}, "rs_wrong": {"误报", "wrong"},
		"rs_unsure": {"不确定", "unsure"}, "rs_disputed": {"申诉中", "disputed"}, "rs_overturned": {"申诉成立", "overturned"},
		"rs_upheld": {"申诉驳回", "upheld"},
		"filter":    {"筛选", "Filter"}, "time": {"时间", "Time"}, "no_findings": {"没有符合条件的发现。", "No findings match."},
		"next_page": {"下一页", "Next page"}, "filed_by": {"申诉人", "Filed by"}, "state": {"状态", "State"}, "none": {"无", "None"},
		// overview, agent and vendor pages
		"data_span": {"数据范围", "Data from"}, "score_distribution": {"得分分布", "Score distribution"}, "volume_by_day": {"每日会话量与平均分", "Conversations and mean score by day"},
		"contracts": {"合同指标（本期）", "Contract targets (period)"}, "period": {"期间", "Period"}, "target": {"目标", "Target"},
		"actual": {"实际", "Actual"}, "gap": {"差距", "Gap"},
		"st_met": {"达标", "met"}, "st_missed": {"未达标", "missed"}, "st_too_few": {"样本不足", "too few"},
		"st_no_data": {"无数据", "no data"}, "st_no_conversations": {"本期无数据", "no conversations"},
		"no_contracts":     {"未配置外包合同指标（score.contracts）。", "No vendor contracts configured (score.contracts)."},
		"findings_by_code": {"问题类型分布与趋势", "Findings by code, with trend"}, "count": {"数量", "Count"},
		"trend": {"每日趋势", "Daily trend"}, "precision": {"复核准确率", "Reviewed precision"},
		"confirmed": {"复核确认", "confirmed"}, "not_reviewed": {"未复核", "not reviewed"},
		"promises_due": {"到期承诺", "Promises due"}, "due": {"到期", "Due"}, "promise": {"承诺", "Promise"},
		"pending": {"待处理", "pending"}, "bursts": {"突发话题（近7天）", "Bursts (last 7 days)"}, "topic": {"话题", "Topic"},
		"window": {"时间窗", "Window"}, "expected": {"预期", "Expected"},
		"bursts_qa_only": {"突发话题统计所有外包商，仅质检可见。", "Bursts count every vendor: QA users only."},
		"vendors":        {"外包商", "Vendors"}, "score_trend": {"平均分趋势", "Mean score by day"},
		"rate_trend": {"响应率趋势", "Response rates by day"}, "contract_by_day": {"合同指标（逐日）", "Contract targets by day"},
		"weakest_items": {"最弱评分项（含示例）", "Weakest items, with examples"}, "points_lost": {"扣分", "Points lost"},
		"examples": {"示例", "Examples"}, "agents": {"客服", "Agents"}, "by_day": {"逐日指标", "KPIs by day"}, "day": {"日期", "Day"},
		"lowest_first": {"低分在前", "lowest score first"}, "agent_page": {"客服详情", "Agent"}, "vendor_page": {"外包商详情", "Vendor"},
		// review queue and calibration
		"queue_built": {"已分配复核任务", "Assignments made"}, "my_queue": {"我的待复核", "My queue"}, "reason": {"入选原因", "Reason"},
		"batch": {"批次", "Batch"}, "reason_risk": {"高风险", "risk"}, "reason_random": {"随机抽检", "random"},
		"queue_empty": {"没有待复核的会话。", "Nothing waiting for you."}, "build_queue": {"生成复核队列", "Build a review queue"},
		"sample_n": {"抽样数", "Conversations"}, "random_share": {"随机比例", "Random share"}, "reviewers": {"复核员", "Reviewers"},
		"mode": {"分配方式", "Assignment"}, "mode_split": {"轮流分给所选复核员", "split among the reviewers"},
		"mode_calibrate":  {"校准：每条都分给每位复核员", "calibration: every conversation to each reviewer"},
		"build":           {"生成并分配", "Build and assign"},
		"queue_help":      {"与 fullqa sample 相同：先按风险（最严重问题、低分、问题多）轮流覆盖每位客服，再加随机样本用于校准。", "As fullqa sample: riskiest first (worst severity, lowest score, most findings) spread over agents, plus a random share for calibration."},
		"all_assignments": {"全部分配", "All assignments"}, "done": {"已完成", "done"},
		"export_labels":     {"导出复核标注 (JSONL)", "Export verdicts as labels (JSONL)"},
		"export_help":       {"格式同 internal/eval/testdata（LABELLING.md 的键），可用 fullqa eval 评测。", "In the internal/eval/testdata format (LABELLING.md keys), for fullqa eval."},
		"precision_by_code": {"各问题类型的复核准确率与一致性", "Precision and agreement per code"},
		"reviewed_share":    {"已复核", "Reviewed"}, "multi_reviewed": {"多人复核", "Multi-reviewed"},
		"agreement": {"复核员一致率", "Reviewer agreement"}, "pairs": {"对", "pairs"},
		"no_verdicts": {"还没有复核结论。", "No verdicts yet."},
		"bad_n":       {"抽样数应为 1–5000。", "Conversations: 1 to 5000."}, "bad_random": {"随机比例应在 0–1 之间。", "Random share: 0 to 1."},
		"bad_reviewers": {"请至少选择一位复核员。", "Choose at least one reviewer."},
		// errors
		"dispute_needs_comment": {"申诉必须填写理由。", "A dispute needs a comment."},
		"ruling_needs_decision": {"请选择成立或驳回。", "Choose accept or reject."},
		"bad_state":             {"未知的状态。", "Unknown state."}, "bad_verdict": {"未知的复核结论。", "Unknown verdict."},
		"bad_code": {"未知的问题类型。", "Unknown code."}, "bad_messages": {"消息编号有误（如 3, 5）。", "Bad message numbers (e.g. 3, 5)."},
	}
}

// dynamicWords lists, by key prefix, the values templates turn into UI
// words: roles, message roles, satisfaction labels, dispute and review
// states, verdicts, contract statuses and sampling reasons.
func dynamicWords() map[string][]string {
	var roles []string
	for r := conversation.RoleCustomer; r <= conversation.RoleSystem; r++ {
		roles = append(roles, r.String())
	}
	return map[string][]string{
		"role_":    {store.RoleAdmin, store.RoleQA, store.RoleVendor},
		"r_":       roles,
		"sat_":     {detect.SatisfactionDissatisfied, detect.SatisfactionNeutral, detect.SatisfactionSatisfied},
		"dispute_": {store.DisputeOpen, store.DisputeAccepted, store.DisputeRejected, "all"},
		"v_":       {store.VerdictCorrect, store.VerdictWrong, store.VerdictUnsure, store.VerdictMissed},
		"rs_":      store.ReviewFilters(),
		"st_":      {score.StatusMet, score.StatusMissed, score.StatusTooFew, score.StatusNoData, score.StatusNoConversations},
		"reason_":  {"risk", "random"},
	}
}

// Msg is a UI word when key is one, else key itself (an error text).
func (p *page) Msg(key string) string {
	if _, ok := p.w.texts[key]; ok {
		return p.T(key)
	}
	return key
}

// webFuncs are the template functions: small, pure helpers.
func webFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"list": func(xs ...string) []string { return xs },
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"fmtTime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		"share": func(v float64) string {
			if v < 0 {
				return "—"
			}
			return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) + "%"
		},
		"kpiFmt":  func(kpi string, v float64) string { return fmtTarget(kpi, &v) },
		"kpiFmtP": fmtTarget,
		"kpi":     kpiValue,
	}
}
