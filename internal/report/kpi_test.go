package report

import (
	"math"
	"testing"
	"time"

	"fullqa/internal/config"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// The conversations of testdata/kpi.jsonl, with every KPI input worked out
// by hand. All times are Asia/Shanghai (+08:00) unless written with Z.
// Defaults: slow after 3m (180 s), service window [08:00, 23:00), replied
// within 1h (3600 s), long beyond 40 messages or 30 min (1800 s); the
// first-response target of response.first_slow is 30 s (strictly more is
// slow). Scores use the default scorecard: response.slow −3 each,
// response.first_slow −2 once, response.missed −10 each,
// compliance.off_platform fatal.
//
//	k01 v1 s1 u1 a1   10:00:00 cust, 10:00:02 bot (not a reply), 10:00:10 cust
//	                  (same round), 10:00:30 a1 → round 1 wait 30 s;
//	                  10:01:00 cust → 10:05:00 a1 → round 2 wait 240 s (slow);
//	                  10:06:00 "好的谢谢" unanswered closing → excused.
//	                  rounds 2, first 30, mean (30+240)/2 = 135, window 2
//	                  (both ≥ 08:00), within 3m 1. score 100−3 = 97.
//	                  rating 5, ordered, not refunded.
//	k02 v1 s1 u2 a2   07:59:59 → 08:00:59: wait 60 s, opened outside the
//	                  window. first_slow (60 > 30): 98. rating 3, not ordered.
//	k03 v1 s1 u3 a2   08:00:00 → 08:04:00: wait 240 s, inside the window,
//	                  not within 3m; slow and first_slow: 100−3−2 = 95.
//	                  rating 4, ordered, refunded.
//	k04 v1 s1 u4 a2   23:00:00 → 23:00:30: wait 30 s, outside (end is
//	                  exclusive). 100.
//	k05 v2 s1 u5 —    12:00:00 cust, 12:00:01 bot, 12:00:30 cust: one round,
//	                  never answered by a human: missed, 90; window 1, no
//	                  first response, no human reply.
//	k06 v2 s2 u6 a3   2026-11-01T23:30:00+08:00 → 23:31:00: day 2026-11-01,
//	                  wait 60 s, outside the window; first_slow: 98.
//	k07 v2 s2 u6 a3   2026-11-01T16:30:00Z = 2026-11-02 00:30 local: day
//	                  2026-11-02, wait 20 s, outside the window. 100.
//	k08 v1 s1 u1 a1   14:00:00 → 15:00:01: wait 3601 s > 1h: answered but
//	                  counted missed, u1 not replied on 2026-11-01; slow
//	                  round; duration 3601 s > 1800 s: long. missed −10,
//	                  first_slow −2: 88.
//	k09 v1 s1 u1      2026-11-02 09:00:00 a3 greeting (no round), 09:00:10 and
//	    a3 2 msgs,    09:00:20 cust (one round) → 09:00:40 a3: wait 30 s;
//	    a1 3 msgs     09:02:00 → 09:03:00 a1: 60 s; 09:04:00 → 09:10:00 a1:
//	    main a1       360 s (slow); 09:10:05 a1; 09:11:00 "没有了，谢谢"
//	                  excused. rounds 3, first 30, mean 450/3 = 150, window
//	                  3, within 3m 2. slow −3: 97. rating 2.
//	k10 v1 s1 u7 a2   2026-11-02 10:00:00 a2 greeting, 10:00:30 cust never
//	                  answered: missed, 90; the greeting is no reply.
//	k11 v2 s2 u8 a3   2026-11-02 11:00:00 → 11:00:10 "加我微信私聊": wait
//	                  10 s, window, within 3m; off_platform fatal: 0.
//	k12 v2 s2 u9 a3   no timestamps: one answered round without a wait, no
//	                  day. 100.
const kpiFile = "testdata/kpi.jsonl"

// inspectFile reads a canonical JSONL file and inspects it with the named
// detectors and scoring config, in input order.
func inspectFile(t testing.TB, path, detectors string, sc score.Config) []*scan.Result {
	t.Helper()
	cfg := config.Default()
	lex, err := cfg.Lists()
	if err != nil {
		t.Fatal(err)
	}
	dets, err := detect.Select(detect.Registry(cfg.Detect, lex), detectors)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	opts := scan.Options{Score: sc, Location: loc}
	opts.Defaults()
	var scratch detect.Scratch
	var out []*scan.Result
	err = ingest.ForEachInFile(path, ingest.Options{Location: loc}, func(c *conversation.Conversation) error {
		r := &scan.Result{Conv: c}
		scan.Inspect(eng, r, &scratch, &opts)
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func f64(v float64) *float64 { return &v }

// eqp compares an optional figure with an expected one (nil: unavailable).
func eqp(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, fmtp(got), fmtp(want))
	case math.Abs(*got-*want) > 1e-9:
		t.Errorf("%s = %v, want %v", what, *got, *want)
	}
}

func fmtp(v *float64) any {
	if v == nil {
		return "null"
	}
	return *v
}

func TestConversationKPIsByHand(t *testing.T) {
	res := inspectFile(t, kpiFile, "response,compliance", score.DefaultConfig())
	type row struct {
		id                   string
		day                  string
		first, mean          *float64
		rounds, unanswered   int
		slow, window, win3   int
		replyOK, long        bool
		cust, agent, bot     int
		score                int
		fatal                bool
		durationS            *float64
		findingCodes         []string
		excusedClosingRounds int // unanswered closings left out (documentation only)
	}
	want := []row{
		{id: "k01", day: "2026-11-01", first: f64(30), mean: f64(135), rounds: 2, slow: 1, window: 2, win3: 1, replyOK: true,
			cust: 4, agent: 2, bot: 1, score: 97, durationS: f64(360), findingCodes: []string{"response.slow"}, excusedClosingRounds: 1},
		{id: "k02", day: "2026-11-01", first: f64(60), mean: f64(60), rounds: 1, replyOK: true, cust: 1, agent: 1, score: 98,
			durationS: f64(60), findingCodes: []string{"response.first_slow"}},
		{id: "k03", day: "2026-11-01", first: f64(240), mean: f64(240), rounds: 1, slow: 1, window: 1, replyOK: true, cust: 1, agent: 1,
			score: 95, durationS: f64(240), findingCodes: []string{"response.slow", "response.first_slow"}},
		{id: "k04", day: "2026-11-01", first: f64(30), mean: f64(30), rounds: 1, replyOK: true, cust: 1, agent: 1, score: 100,
			durationS: f64(30)},
		{id: "k05", day: "2026-11-01", rounds: 1, unanswered: 1, window: 1, cust: 2, bot: 1, score: 90, durationS: f64(30),
			findingCodes: []string{"response.missed"}},
		{id: "k06", day: "2026-11-01", first: f64(60), mean: f64(60), rounds: 1, replyOK: true, cust: 1, agent: 1, score: 98,
			durationS: f64(60), findingCodes: []string{"response.first_slow"}},
		{id: "k07", day: "2026-11-02", first: f64(20), mean: f64(20), rounds: 1, replyOK: true, cust: 1, agent: 1, score: 100,
			durationS: f64(20)},
		{id: "k08", day: "2026-11-01", first: f64(3601), mean: f64(3601), rounds: 1, slow: 1, window: 1, long: true, cust: 1,
			agent: 1, score: 88, durationS: f64(3601), findingCodes: []string{"response.missed", "response.first_slow"}},
		{id: "k09", day: "2026-11-02", first: f64(30), mean: f64(150), rounds: 3, slow: 1, window: 3, win3: 2, replyOK: true,
			cust: 5, agent: 5, score: 97, durationS: f64(660), findingCodes: []string{"response.slow"}, excusedClosingRounds: 1},
		{id: "k10", day: "2026-11-02", rounds: 1, unanswered: 1, window: 1, cust: 1, agent: 1, score: 90, durationS: f64(30),
			findingCodes: []string{"response.missed"}},
		{id: "k11", day: "2026-11-02", first: f64(10), mean: f64(10), rounds: 1, window: 1, win3: 1, replyOK: true, cust: 1,
			agent: 1, score: 0, fatal: true, durationS: f64(10), findingCodes: []string{"compliance.off_platform"}},
		{id: "k12", rounds: 1, replyOK: true, cust: 1, agent: 1, score: 100},
	}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i, w := range want {
		r := res[i]
		k := r.KPI
		t.Run(w.id, func(t *testing.T) {
			if r.Conv.ID != w.id {
				t.Fatalf("result %d is %s", i, r.Conv.ID)
			}
			if k.Day != w.day {
				t.Errorf("day %q, want %q", k.Day, w.day)
			}
			eqp(t, "first_response_s", k.FirstResponseS, w.first)
			eqp(t, "mean_response_s", k.MeanResponseS, w.mean)
			eqp(t, "duration_s", k.DurationS, w.durationS)
			got := []int{k.Rounds, k.Unanswered, k.SlowRounds, k.WindowRounds, k.WindowAnswered3, k.CustomerMsgs, k.AgentMsgs, k.BotMsgs}
			exp := []int{w.rounds, w.unanswered, w.slow, w.window, w.win3, w.cust, w.agent, w.bot}
			names := []string{"rounds", "unanswered", "slow", "window", "window_3m", "customer_msgs", "agent_msgs", "bot_msgs"}
			for j := range got {
				if got[j] != exp[j] {
					t.Errorf("%s = %d, want %d", names[j], got[j], exp[j])
				}
			}
			if k.ReplyOK != w.replyOK || k.Long != w.long {
				t.Errorf("reply_ok %v long %v, want %v %v", k.ReplyOK, k.Long, w.replyOK, w.long)
			}
			if r.Score != w.score || r.Fatal != w.fatal {
				t.Errorf("score %d fatal %v, want %d %v (deductions %+v)", r.Score, r.Fatal, w.score, w.fatal, r.Deductions)
			}
			var codes []string
			for _, f := range r.Findings {
				codes = append(codes, f.Code)
			}
			if !sameStrings(codes, w.findingCodes) {
				t.Errorf("findings %v, want %v", codes, w.findingCodes)
			}
		})
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestClosingsExcusedOnlyWithResponseDetector: without the response
// detector nothing tells a closing from a missed message, so the closing
// rounds of k01 and k09 count as unanswered rounds.
func TestClosingsExcusedOnlyWithResponseDetector(t *testing.T) {
	with := inspectFile(t, kpiFile, "response", score.DefaultConfig())
	without := inspectFile(t, kpiFile, "none", score.DefaultConfig())
	for _, tc := range []struct {
		i                      int
		withRounds, withoutRnd int
		withoutWindow          int
	}{
		// k01: rounds 0→3, 4→5, and 6 "好的谢谢" (10:06, in the window).
		{i: 0, withRounds: 2, withoutRnd: 3, withoutWindow: 3},
		// k09: three answered rounds and 9 "没有了，谢谢" (09:11).
		{i: 8, withRounds: 3, withoutRnd: 4, withoutWindow: 4},
	} {
		w, wo := with[tc.i].KPI, without[tc.i].KPI
		if w.Rounds != tc.withRounds || w.Unanswered != 0 || !w.ReplyOK {
			t.Errorf("%s with response: rounds %d unanswered %d reply_ok %v", with[tc.i].Conv.ID, w.Rounds, w.Unanswered, w.ReplyOK)
		}
		if wo.Rounds != tc.withoutRnd || wo.Unanswered != 1 || wo.ReplyOK || wo.WindowRounds != tc.withoutWindow {
			t.Errorf("%s without response: rounds %d unanswered %d reply_ok %v window %d", without[tc.i].Conv.ID,
				wo.Rounds, wo.Unanswered, wo.ReplyOK, wo.WindowRounds)
		}
	}
	// Aggregated: the 3分钟响应率 over everything loses the two excused
	// rounds from its denominator: 4/10 with the detector, 4/12 without.
	for _, tc := range []struct {
		res  []*scan.Result
		want float64
	}{{with, 4.0 / 10}, {without, 4.0 / 12}} {
		agg := score.NewAggregator(score.DefaultConfig())
		for _, r := range tc.res {
			rec, _ := recordOf(r, new(score.Record), nil, agg.Numbering())
			agg.Add(rec)
		}
		eqp(t, "response_rate_3m", agg.Total.KPIs().ResponseRate3m, &tc.want)
	}
}

// kpiWant is one group's expected figures; nil pointers are "unavailable".
type kpiWant struct {
	conversations, firstN, noHuman, rounds, slow int
	consulted, received, long, rated, fatal      int
	first, meanResp, rate3, reply, ratio         *float64
	satisfaction, conversion, meanScore          *float64
	refunds                                      *int
	shares                                       map[string]float64
}

func checkKPIs(t *testing.T, k score.KPIs, w kpiWant) {
	t.Helper()
	ints := []struct {
		name      string
		got, want int
	}{
		{"conversations", k.Conversations, w.conversations}, {"first_response_n", k.FirstResponseN, w.firstN},
		{"no_human_reply", k.NoHumanReply, w.noHuman}, {"rounds", k.Rounds, w.rounds}, {"slow_rounds", k.SlowRounds, w.slow},
		{"consulted", k.Consulted, w.consulted}, {"received", k.Received, w.received},
		{"long_conversations", k.LongConversations, w.long}, {"rated", k.Rated, w.rated}, {"fatal", k.Fatal, w.fatal},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: %s = %d, want %d", k.Key, c.name, c.got, c.want)
		}
	}
	eqp(t, k.Key+" first_response_s", k.FirstResponseS, w.first)
	eqp(t, k.Key+" mean_response_s", k.MeanResponseS, w.meanResp)
	eqp(t, k.Key+" response_rate_3m", k.ResponseRate3m, w.rate3)
	eqp(t, k.Key+" reply_rate", k.ReplyRate, w.reply)
	eqp(t, k.Key+" answer_ratio", k.AnswerRatio, w.ratio)
	eqp(t, k.Key+" satisfaction", k.Satisfaction, w.satisfaction)
	eqp(t, k.Key+" conversion_rate", k.ConversionRate, w.conversion)
	eqp(t, k.Key+" mean_score", k.MeanScore, w.meanScore)
	if (k.Refunds == nil) != (w.refunds == nil) || (k.Refunds != nil && *k.Refunds != *w.refunds) {
		t.Errorf("%s: refunds = %v, want %v", k.Key, k.Refunds, w.refunds)
	}
	for code, share := range w.shares {
		if math.Abs(k.FindingShare[code]-share) > 1e-9 {
			t.Errorf("%s: finding_share[%s] = %v, want %v", k.Key, code, k.FindingShare[code], share)
		}
	}
}

func iptr(i int) *int { return &i }

func TestAggregatedKPIsByHand(t *testing.T) {
	res := inspectFile(t, kpiFile, "response,compliance", score.DefaultConfig())
	agg := score.NewAggregator(score.Config{Teams: map[string][]string{"t1": {"a1", "a2"}, "t2": {"a3"}}})
	for _, r := range res {
		rec, _ := recordOf(r, new(score.Record), nil, agg.Numbering())
		agg.Add(rec)
	}
	groups := map[string]score.KPIs{"total": agg.Total.KPIs()}
	for _, dim := range score.Dimensions() {
		for _, k := range agg.By(dim) {
			groups[dim+":"+k.Key] = k
		}
	}
	cases := map[string]kpiWant{
		// First responses (timed, answered first rounds): k01 30, k02 60,
		// k03 240, k04 30, k06 60, k07 20, k08 3601, k09 30, k11 10:
		// n 9, sum 4081, mean 453.44…. No human reply: k05 (bot only) and
		// k10 (greeting, then silence); k12 is answered but untimed:
		// 9 + 2 + 1 = 12 conversations.
		// Rounds: 2+1+1+1+1+1+1+1+3+1+1+1 = 15; answered timed waits: 30,
		// 240, 60, 240, 30, 60, 20, 3601, 30, 60, 360, 10: n 12, sum 4741.
		// Slow (> 180 s): 240, 240, 3601, 360 = 4.
		// Window rounds: k01 2, k03 1, k05 1, k08 1, k09 3, k10 1, k11 1 =
		// 10; within 3m: k01 1, k09 2, k11 1 = 4 → 0.4.
		// Customer-days: u1|11-01 (k08 > 1h: no), u2, u3, u4, u5 (no),
		// u6|11-01, u6|11-02, u1|11-02, u7 (no), u8, u9|(no day) = 11,
		// replied 8; received (a human answered a round) 9.
		// 答问比: agent messages 2+1+1+1+0+1+1+1+5+1+1+1 = 16 over customer
		// messages 4+1+1+1+2+1+1+1+5+1+1+1 = 20 → 0.8.
		// Ratings 5, 3, 4, 2 → satisfied 2/4. Ordered known k01 yes, k02
		// no, k03 yes → 2/3; refunded known k01 no, k03 yes → 1.
		// Scores 97+98+95+100+90+98+100+88+97+90+0+100 = 1053 → 87.75.
		"total": {conversations: 12, firstN: 9, noHuman: 2, rounds: 15, slow: 4, consulted: 11, received: 9, long: 1,
			rated: 4, fatal: 1, first: f64(4081.0 / 9), meanResp: f64(4741.0 / 12), rate3: f64(0.4), reply: f64(8.0 / 11),
			ratio: f64(0.8), satisfaction: f64(0.5), conversion: f64(2.0 / 3), meanScore: f64(87.75), refunds: iptr(1),
			shares: map[string]float64{"response.slow": 3.0 / 12, "response.first_slow": 4.0 / 12,
				"response.missed": 3.0 / 12, "compliance.off_platform": 1.0 / 12}},
		// Day 2026-11-01: k01 k02 k03 k04 k05 k06 k08. First 30+60+240+30+
		// 60+3601 = 4021 over 6. Rounds 2+1+1+1+1+1+1 = 8. Waits 30, 240,
		// 60, 240, 30, 60, 3601 = 4261 over 7. Window 2+1+1+1 = 5, within
		// 3m 1. Customer-days u1 (no), u2, u3, u4, u5 (no), u6 → 4/6.
		// 答问比 (2+1+1+1+0+1+1)/(4+1+1+1+2+1+1) = 7/11.
		// Scores 97+98+95+100+90+98+88 = 666 over 7.
		"day:2026-11-01": {conversations: 7, firstN: 6, noHuman: 1, rounds: 8, slow: 3, consulted: 6, received: 5, long: 1,
			rated: 3, first: f64(4021.0 / 6), meanResp: f64(4261.0 / 7), rate3: f64(0.2), reply: f64(4.0 / 6),
			ratio: f64(7.0 / 11), satisfaction: f64(2.0 / 3), conversion: f64(2.0 / 3), meanScore: f64(666.0 / 7),
			refunds: iptr(1)},
		// Day 2026-11-02 (k07 is 2026-11-01T16:30Z): k07 k09 k10 k11. First
		// 20+30+10 = 60 over 3. Rounds 1+3+1+1 = 6; waits 20, 30, 60, 360,
		// 10 = 480 over 5. Window k09 3 + k10 1 + k11 1 = 5, within 3m 3.
		// Customer-days u6, u1, u7 (no), u8 → 3/4. 答问比 (1+5+1+1)/(1+5+1+1).
		// Scores 100+97+90+0 = 287 over 4. No outcomes → null.
		"day:2026-11-02": {conversations: 4, firstN: 3, noHuman: 1, rounds: 6, slow: 1, consulted: 4, received: 3,
			rated: 1, fatal: 1, first: f64(20), meanResp: f64(96), rate3: f64(0.6), reply: f64(0.75), ratio: f64(1),
			satisfaction: f64(0), meanScore: f64(71.75)},
		"day:(no time)": {conversations: 1, rounds: 1, consulted: 1, received: 1, reply: f64(1), ratio: f64(1),
			meanScore: f64(100)},
		// Vendor v1: k01 k02 k03 k04 k08 k09 k10. First 30+60+240+30+3601+30
		// = 3991 over 6. Window 2+1+1+3+1 = 8, within 3m 1+2 = 3.
		// Customer-days u1|01 (no), u2, u3, u4, u1|02, u7 (no) → 4/6.
		// 答问比 (2+1+1+1+1+5+1)/(4+1+1+1+1+5+1) = 12/14; waits 270+60+240+30+
		// 3601+450 = 4651 over 9. Scores 97+98+95+100+88+97+90 = 665 / 7 = 95.
		"vendor:v1": {conversations: 7, firstN: 6, noHuman: 1, rounds: 10, slow: 4, consulted: 6, received: 5, long: 1,
			rated: 4, first: f64(3991.0 / 6), meanResp: f64((270 + 60 + 240 + 30 + 3601 + 450) / 9.0), rate3: f64(3.0 / 8),
			reply: f64(4.0 / 6), ratio: f64(12.0 / 14), satisfaction: f64(0.5), conversion: f64(2.0 / 3),
			meanScore: f64(95), refunds: iptr(1)},
		// Vendor v2: k05 k06 k07 k11 k12. First 60+20+10 = 90 over 3. No
		// ratings, no outcomes: satisfaction, conversion, refunds null.
		// Window k05 1 + k11 1, within 3m 1. Scores 90+98+100+0+100 = 388.
		"vendor:v2": {conversations: 5, firstN: 3, noHuman: 1, rounds: 5, consulted: 5, received: 4, fatal: 1,
			first: f64(30), meanResp: f64(30), rate3: f64(0.5), reply: f64(4.0 / 5), ratio: f64(4.0 / 6),
			meanScore: f64(388.0 / 5)},
		// Agent a1 (main in k01, k08, k09): rounds it answered: k01 30, 240;
		// k08 3601; k09 60, 360 (k09's first round is a3's). First
		// responses: k01 30, k08 3601 → 1815.5. Mean 4291/5. Window: k01 2
		// (1 within 3m), k08 1, k09 2 (1) → 2/5. Customer-days u1|01 (k08:
		// no), u1|02 → 1/2. 答问比 of its conversations (all agent
		// messages, the conversation-level figure): (2+1+5)/(4+1+5).
		// Ratings 5, 2. Outcomes only on k01 (ordered, not refunded): 1/1
		// and 0 refunds. Scores 97, 88, 97 → 94.
		"agent:a1": {conversations: 3, firstN: 2, rounds: 5, slow: 3, consulted: 2, received: 2, long: 1, rated: 2,
			first: f64(1815.5), meanResp: f64(4291.0 / 5), rate3: f64(0.4), reply: f64(0.5), ratio: f64(0.8),
			satisfaction: f64(0.5), conversion: f64(1), meanScore: f64(94), refunds: iptr(0)},
		// Agent a2: k02 60, k03 240, k04 30; k10 unanswered (main a2).
		// First 330/3 = 110. Window k03 (not within 3m), k10 → 0/2.
		// Scores 98, 95, 100, 90 → 95.75.
		"agent:a2": {conversations: 4, firstN: 3, noHuman: 1, rounds: 4, slow: 1, consulted: 4, received: 3, rated: 2,
			first: f64(110), meanResp: f64(110), rate3: f64(0), reply: f64(0.75), ratio: f64(1), satisfaction: f64(0.5),
			conversion: f64(0.5), meanScore: f64(95.75), refunds: iptr(1)},
		// Agent a3: wrote in k06, k07, k09 (not main), k11, k12: 5
		// conversations, 4 owned. Rounds k06 60, k07 20, k09 30 (first
		// round), k11 10, k12 untimed: first 120/4 = 30. Window: k09 round
		// 1 and k11, both within 3m. Scores of owned conversations 98, 100,
		// 0, 100 → 74.5; off_platform in 1 of 4 owned. 答问比 4/4.
		"agent:a3": {conversations: 5, firstN: 4, rounds: 5, consulted: 5, received: 5, fatal: 1, first: f64(30),
			meanResp: f64(30), rate3: f64(1), reply: f64(1), ratio: f64(1), meanScore: f64(74.5),
			shares: map[string]float64{"compliance.off_platform": 0.25}},
		// Team t1 = a1 + a2, counted like one agent: the rounds its members
		// answered (all of k01 k02 k03 k04 k08 k10, and k09's rounds 2 and 3
		// but not a3's first round), conversation-level figures of the 7
		// conversations whose main agent is in t1. First 30+60+240+30+3601
		// = 3961 over 5; rounds 10−1 = 9; waits 4651−30 = 4621 over 8;
		// window 8−1 = 7, within 3m 3−1 = 2.
		"team:t1": {conversations: 7, firstN: 5, noHuman: 1, rounds: 9, slow: 4, consulted: 6, received: 5, long: 1,
			rated: 4, first: f64(3961.0 / 5), meanResp: f64(4621.0 / 8), rate3: f64(2.0 / 7), reply: f64(4.0 / 6),
			ratio: f64(12.0 / 14), satisfaction: f64(0.5), conversion: f64(2.0 / 3), meanScore: f64(95), refunds: iptr(1)},
		// Team t2 = a3 alone: the same figures as agent a3; k09's rating
		// (main agent a1) is not charged to it.
		"team:t2": {conversations: 5, firstN: 4, rounds: 5, consulted: 5, received: 5, fatal: 1, first: f64(30),
			meanResp: f64(30), rate3: f64(1), reply: f64(1), ratio: f64(1), meanScore: f64(74.5),
			shares: map[string]float64{"compliance.off_platform": 0.25}},
		// Shop s2: k06 k07 k11 k12.
		"shop:s2": {conversations: 4, firstN: 3, rounds: 4, consulted: 4, received: 4, fatal: 1, first: f64(30),
			meanResp: f64(30), rate3: f64(1), reply: f64(1), ratio: f64(1), meanScore: f64(74.5)},
	}
	for key, w := range cases {
		k, ok := groups[key]
		if !ok {
			t.Errorf("no group %s", key)
			continue
		}
		checkKPIs(t, k, w)
	}
	if n := len(agg.By("agent")); n != 3 {
		t.Errorf("%d agents, want 3 (k05 has none)", n)
	}
}

// TestKPIEdgesTable checks single-round conversations at the edges of the
// service window and of days, one per row, with a custom window.
func TestKPIEdgesTable(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cfg := score.DefaultKPIConfig()
	late := cfg
	late.ServiceStart, late.ServiceEnd = "09:30", "18:00"
	for _, tc := range []struct {
		name    string
		cfg     score.KPIConfig
		first   string
		wait    time.Duration
		day     string
		window  bool
		within3 bool
	}{
		{"07:59:59 is before the window", cfg, "2026-11-01T07:59:59+08:00", time.Minute, "2026-11-01", false, false},
		{"08:00:00 opens the window", cfg, "2026-11-01T08:00:00+08:00", time.Minute, "2026-11-01", true, true},
		{"22:59:59 is inside", cfg, "2026-11-01T22:59:59+08:00", 3 * time.Minute, "2026-11-01", true, true},
		{"23:00:00 is after the window", cfg, "2026-11-01T23:00:00+08:00", time.Minute, "2026-11-01", false, false},
		{"exactly 3 minutes counts", cfg, "2026-11-01T12:00:00+08:00", 3 * time.Minute, "2026-11-01", true, true},
		{"3 minutes 1 second does not", cfg, "2026-11-01T12:00:00+08:00", 3*time.Minute + time.Second, "2026-11-01", true, false},
		{"UTC 16:30 is 00:30 next day", cfg, "2026-11-01T16:30:00Z", time.Minute, "2026-11-02", false, false},
		{"UTC 00:00 is 08:00 local", cfg, "2026-11-02T00:00:00Z", time.Minute, "2026-11-02", true, true},
		{"23:30 local stays that day", cfg, "2026-11-01T23:30:00+08:00", time.Minute, "2026-11-01", false, false},
		{"custom window 09:29:59", late, "2026-11-01T09:29:59+08:00", time.Minute, "2026-11-01", false, false},
		{"custom window 09:30", late, "2026-11-01T09:30:00+08:00", time.Minute, "2026-11-01", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := at(tc.first)
			c := &conversation.Conversation{ID: "e", Messages: []conversation.Message{
				{Role: conversation.RoleCustomer, Text: "在吗", At: t0},
				{Role: conversation.RoleAgent, Agent: "a", Text: "在的", At: t0.Add(tc.wait)},
			}}
			k := score.ConversationKPI(c, tc.cfg, loc, nil)
			w3 := 0
			if tc.within3 {
				w3 = 1
			}
			if k.Day != tc.day || (k.WindowRounds == 1) != tc.window || k.WindowAnswered3 != w3 {
				t.Errorf("day %s window %d within3 %d; want %s %v %d", k.Day, k.WindowRounds, k.WindowAnswered3, tc.day, tc.window, w3)
			}
		})
	}
}
