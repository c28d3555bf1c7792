package eval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// tinyRoles are four hand-made sessions with 12 customer messages in all:
// s1 has customers at 0,2,4,5; s2 at 0,1,3,4,5,6; s3 at 0; s4 at 1.
var tinyRoles = Roles{"s1": "CACACC", "s2": "CCACCCCA", "s3": "CA", "s4": "AC"}

// TestAgreementHandCase checks kappa and F1 against values computed by hand.
//
// customer_negative over the 12 customer messages: the first reviewer marks
// s1[0], s1[2], s2[0], s2[1] (4); the second s1[2], s2[1], s2[3] (3); both
// mark 2, neither 12-4-3+2 = 7. Observed agreement po = 9/12; chance
// pe = (4/12)(3/12) + (8/12)(9/12) = 7/12; kappa = (9/12-7/12)/(5/12) = 0.4;
// F1 = 2·2/(4+3) = 4/7.
//
// unresolved over the 4 sessions: first s1, s2; second s1, s3. po = 2/4,
// pe = ½·½ + ½·½ = ½, kappa = 0; F1 = 2·1/4 = ½.
//
// agent_rude: nobody marks anything, so kappa and F1 are undefined.
func TestAgreementHandCase(t *testing.T) {
	first := map[string]*Labels{
		"s1": {SessionID: "s1", CustomerNegative: []int{0, 2}, Unresolved: true},
		"s2": {SessionID: "s2", CustomerNegative: []int{0, 1}, Unresolved: true},
		"s3": {SessionID: "s3"},
		"s4": {SessionID: "s4"},
	}
	second := map[string]*Labels{
		"s1": {SessionID: "s1", CustomerNegative: []int{2}, Unresolved: true},
		"s2": {SessionID: "s2", CustomerNegative: []int{1, 3}},
		"s3": {SessionID: "s3", Unresolved: true},
		"s4": {SessionID: "s4"},
	}
	ag, err := CompareReviewers(first, second, tinyRoles)
	if err != nil {
		t.Fatal(err)
	}
	if ag.Sessions != 4 {
		t.Errorf("sessions = %d, want 4", ag.Sessions)
	}
	neg := findRow(t, ag.Messages, "customer_negative")
	if neg.Units != 12 || neg.First != 4 || neg.Second != 3 || neg.Both != 2 {
		t.Errorf("customer_negative counts = %+v, want 12 units, 4/3 positives, 2 both", neg)
	}
	near(t, "customer_negative kappa", neg.Kappa(), 0.4)
	near(t, "customer_negative F1", neg.F1(), 4.0/7)
	near(t, "customer_negative agreement", neg.Observed(), 0.75)

	un := findRow(t, ag.SessionRows, "unresolved")
	if un.Units != 4 || un.First != 2 || un.Second != 2 || un.Both != 1 {
		t.Errorf("unresolved counts = %+v", un)
	}
	near(t, "unresolved kappa", un.Kappa(), 0)
	near(t, "unresolved F1", un.F1(), 0.5)

	rude := findRow(t, ag.Messages, "agent_rude")
	if rude.Units != 6 || !math.IsNaN(rude.Kappa()) || !math.IsNaN(rude.F1()) {
		t.Errorf("agent_rude = %+v kappa %v F1 %v, want 6 agent messages and undefined kappa/F1", rude, rude.Kappa(), rude.F1())
	}
	// Each session key is one row, though scenes are listed twice (tag
	// and sensitive code) in sessionLabels.
	if got := strings.Count(ag.String(), "scene_refund"); got != 1 {
		t.Errorf("scene_refund appears %d times in the table, want 1", got)
	}
	var n int
	for _, d := range ag.Disagreements {
		if d.Key == "customer_negative" {
			n++
		}
	}
	if n != 3 { // s1[0] and s2[0] first only, s2[3] second only
		t.Errorf("customer_negative disagreements = %d, want 3", n)
	}
}

func TestAgreementErrors(t *testing.T) {
	ok := map[string]*Labels{"s1": {SessionID: "s1"}}
	for name, tc := range map[string]struct {
		first, second map[string]*Labels
		roles         Roles
		want          string
	}{
		"missing in first": {map[string]*Labels{}, ok, tinyRoles, "not in the first"},
		"no roles":         {ok, ok, Roles{}, "no roles line"},
		"out of range":     {ok, map[string]*Labels{"s1": {SessionID: "s1", AgentPromise: []int{9}}}, tinyRoles, "out of range"},
		"wrong role":       {ok, map[string]*Labels{"s1": {SessionID: "s1", AgentPromise: []int{0}}}, tinyRoles, "has role C, want A"},
	} {
		_, err := CompareReviewers(tc.first, tc.second, tc.roles)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, tc.want)
		}
	}
}

// TestAgreementCommitted compares the committed second labels with the first
// ones: every session of the share must be labelled by both and every
// labelled message must fit its roles line. Needs no ../shared.
func TestAgreementCommitted(t *testing.T) {
	for _, set := range []struct{ first, second, roles string }{
		{"jddc_dev_labels.jsonl", "jddc_second_labels.jsonl", "jddc_second_roles.jsonl"},
		{"uss_labels.jsonl", "uss_second_labels.jsonl", "uss_second_roles.jsonl"},
		{"twcs_labels.jsonl", "twcs_second_labels.jsonl", "twcs_second_roles.jsonl"},
		{"stc3_labels.jsonl", "stc3_second_labels.jsonl", "stc3_second_roles.jsonl"},
		{"jd2_labels.jsonl", "jd2_second_labels.jsonl", "jd2_second_roles.jsonl"},
		{"jd3_labels.jsonl", "jd3_second_labels.jsonl", "jd3_second_roles.jsonl"},
		{"jddev_labels.jsonl", "jddev_second_labels.jsonl", "jddev_second_roles.jsonl"},
		{"jdctx_labels.jsonl", "jdctx_second_labels.jsonl", "jdctx_second_roles.jsonl"},
		{"ecd_labels.jsonl", "ecd_second_labels.jsonl", "ecd_second_roles.jsonl"},
	} {
		first, err := LoadLabels(filepath.Join("testdata", set.first))
		if err != nil {
			t.Fatal(err)
		}
		second, err := LoadLabels(filepath.Join("testdata", set.second))
		if err != nil {
			t.Fatal(err)
		}
		roles, err := LoadRoles(filepath.Join("testdata", set.roles))
		if err != nil {
			t.Fatal(err)
		}
		if len(second) != len(roles) {
			t.Errorf("%s: %d sessions but %d roles lines", set.second, len(second), len(roles))
		}
		ag, err := CompareReviewers(first, second, roles)
		if err != nil {
			t.Fatalf("%s: %v", set.second, err)
		}
		if ag.Sessions != len(second) {
			t.Errorf("%s: compared %d sessions, want %d", set.second, ag.Sessions, len(second))
		}
	}
}

// TestSecondRolesMatchData checks the committed roles lines against the
// chats themselves, and that the share is the documented index rule
// (JDDC session index ≡ 0 mod 8, uss line index ≡ 0 mod 6, twcs
// conversation index in import order ≡ 0 mod 8). Skips without
// ../shared.
func TestSecondRolesMatchData(t *testing.T) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	jddc := filepath.Join(data, "jddc", "jddc_dev.tsv")
	uss := filepath.Join(data, "uss_jddc", "valid_jddc.dialogs.jsonl")
	twcs := filepath.Join(data, "twcs", "twcs_head.csv")
	for _, p := range []string{jddc, uss, twcs} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared data not available: %v", err)
		}
	}
	for _, set := range []struct {
		src   Source
		roles string
		every int
	}{
		{JDDC(jddc), "jddc_second_roles.jsonl", 8},
		{USS(uss), "uss_second_roles.jsonl", 6},
		{TWCS(twcs), "twcs_second_roles.jsonl", 8},
	} {
		roles, err := LoadRoles(filepath.Join("testdata", set.roles))
		if err != nil {
			t.Fatal(err)
		}
		i, n := 0, 0
		err = set.src(func(c *conversation.Conversation) error {
			defer func() { i++ }()
			want, in := roles[c.ID]
			if in != (i%set.every == 0) {
				t.Errorf("%s: session %q (index %d): in the share = %v, want %v", set.roles, c.ID, i, in, !in)
			}
			if !in {
				return nil
			}
			n++
			if got := rolesOf(c); got != want {
				t.Errorf("%s: session %q: roles %q, data has %q", set.roles, c.ID, want, got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != len(roles) {
			t.Errorf("%s: %d roles lines, %d found in the data", set.roles, len(roles), n)
		}
	}
}

func findRow(t *testing.T, rows []AgreementRow, key string) AgreementRow {
	t.Helper()
	for _, r := range rows {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("no row %q", key)
	return AgreementRow{}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

// TestJD3SecondShare checks round E's second-reviewer share against the
// rule fixed before reading (internal/eval/testdata/README.md): exactly the
// sessions whose index in their block is ≡ 0 mod 4, each in the block the
// first labels put it in. Needs no ../shared.
func TestJD3SecondShare(t *testing.T) {
	type place struct {
		SessionID string `json:"session_id"`
		Block     string `json:"block"`
		Index     int    `json:"index"`
		Round     string `json:"round"`
	}
	read := func(name string) map[string]place {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]place{}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var p place
			if err := json.Unmarshal([]byte(line), &p); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out[p.SessionID] = p
		}
		return out
	}
	first, second := read("jd3_labels.jsonl"), read("jd3_second_labels.jsonl")
	blocks := map[string]bool{}
	for id, l := range first {
		blocks[l.Block] = true
		if l.Round != "E" {
			t.Errorf("%s: round %q, want E", id, l.Round)
		}
		s, in := second[id]
		if in != (l.Index%4 == 0) {
			t.Errorf("%s (block %s, index %d): in the second share = %v", id, l.Block, l.Index, in)
		}
		if in && (s.Block != l.Block || s.Index != l.Index) {
			t.Errorf("%s: second reviewer's block %s index %d, first %s %d", id, s.Block, s.Index, l.Block, l.Index)
		}
	}
	for id := range second {
		if _, ok := first[id]; !ok {
			t.Errorf("%s: second label of a session the first labels lack", id)
		}
	}
	if len(first) != 335 || len(blocks) != 12 {
		t.Errorf("%d sessions in %d blocks, want 335 in 12 (e1–e12)", len(first), len(blocks))
	}
}

// TestJD3RolesMatchData checks round E's committed roles lines against the
// chats, when a copy of them is at ../shared/data/jddc2019b/chat_0.1per.txt
// (the fresh sets are not part of ../shared: copy them there, or skip).
func TestJD3RolesMatchData(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "jddc2019b", "chat_0.1per.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("round E chats not available: %v", err)
	}
	roles, err := LoadRoles(filepath.Join("testdata", "jd3_second_roles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = JDDC(path)(func(c *conversation.Conversation) error {
		want, in := roles[c.ID]
		if !in {
			return nil
		}
		n++
		if got := rolesOf(c); got != want {
			t.Errorf("session %q: roles %q, data has %q", c.ID, want, got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(roles) {
		t.Errorf("%d roles lines, %d found in the data", len(roles), n)
	}
}

// rolesOf is the roles line of c as the committed roles files write it:
// C for each customer message, A for every other, in order.
func rolesOf(c *conversation.Conversation) string {
	var b strings.Builder
	for _, m := range c.Messages {
		if m.Role == conversation.RoleCustomer {
			b.WriteByte('C')
		} else {
			b.WriteByte('A')
		}
	}
	return b.String()
}
