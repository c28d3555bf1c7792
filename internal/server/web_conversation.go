package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/report"
	"fullqa/internal/score"
	"fullqa/internal/store"
)

// webResult is the part of a stored scan output line the dashboard shows.
type webResult struct {
	Score      int                  `json:"score"`
	Findings   []report.JSONFinding `json:"findings"`
	Deductions []score.Deduction    `json:"deductions"`
	Messages   []struct {
		N            int      `json:"n"`
		Emotion      string   `json:"emotion"`
		EmotionScore *float64 `json:"emotion_score"`
		Satisfaction *struct {
			Label string  `json:"label"`
			P     float64 `json:"p"`
		} `json:"satisfaction"`
	} `json:"messages"`
	Overturned []overturned `json:"overturned"`
}

// findingKey identifies a finding across the findings table and the scan
// output, which do not share ids.
func findingKey(code string, msgs []int, evidence string) string {
	b, _ := json.Marshal(msgs)
	return code + "\x00" + string(b) + "\x00" + evidence
}

// convView is the conversation page.
type convView struct {
	C          *store.Conversation
	Conv       *conversation.Conversation
	Started    string
	Inspected  bool
	Score      int
	Fatal      bool
	Lost       int // points deducted in all
	Messages   []msgView
	Findings   []findingView
	Deductions []score.Deduction
	Overturned []overturned
	Emotion    template.HTML
	Disputes   []store.Dispute
	Verdicts   []store.Verdict // everyone's (QA users only)
	Codes      []string        // every code, for the missed-finding form
	Agents     []string
}

// msgView is one message with its evidence marked.
type msgView struct {
	N            int
	Role, Agent  string
	At           string
	Parts        []textPart
	Marked       bool   // some finding points at this message
	Sev          string // the worst severity pointing at it
	Emotion      string
	EmotionScore string
	Satisfaction string
	Findings     []int64
}

// findingView is one finding with its deduction and review state.
type findingView struct {
	store.Finding
	Review     store.ReviewState
	Points     int
	Fatal      bool
	Item       string
	Overturned bool
	Mine       string // the signed-in reviewer's verdict
	MyComment  string
}

func (s *Server) getConversationPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.convView(r, r.PathValue("id"))
	if err != nil {
		s.pageErr(w, r, err)
		return
	}
	s.audit(r, "conversation.view", v.C.ID, "")
	s.render(w, r, http.StatusOK, "conversation", "conversation", v)
}

// convView gathers the conversation, its result, findings and reviews,
// within the user's vendor scope.
func (s *Server) convView(r *http.Request, id string) (*convView, error) {
	ctx := r.Context()
	u := sessionOf(r).User
	c, err := s.st.GetConversation(ctx, u.Scope(), id)
	if err != nil {
		return nil, err
	}
	conv, err := store.DecodeConversation(c.Doc)
	if err != nil {
		return nil, err
	}
	v := &convView{C: c, Conv: conv, Codes: conversation.Codes()}
	if !c.StartedAt.IsZero() {
		v.Started = c.StartedAt.In(s.o.Scan.Location).Format("2006-01-02 15:04")
	}
	agents, _ := score.Agents(conv)
	for _, a := range agents {
		v.Agents = append(v.Agents, a.Agent)
	}
	var doc webResult
	res, err := s.st.GetResult(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		v.Inspected, v.Score, v.Fatal = res.Hash == c.Hash, res.Score, res.Fatal
		if err := json.Unmarshal(res.Doc, &doc); err != nil {
			return nil, fmt.Errorf("result of %q: %w", id, err)
		}
		v.Deductions, v.Overturned = doc.Deductions, doc.Overturned
		for _, d := range doc.Deductions {
			v.Lost -= d.Points
		}
	}
	fs, err := s.st.ListFindings(ctx, store.FindingFilter{ConversationID: id, Limit: 100000})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(fs, func(i, j int) bool { return first(fs[i].Messages) < first(fs[j].Messages) })
	ids := make([]int64, len(fs))
	for i := range fs {
		ids[i] = fs[i].ID
	}
	states, err := s.st.ReviewStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The scan output's deductions point at its findings by index; match
	// them to the table's rows by content.
	dedOf := map[string][]score.Deduction{}
	for _, d := range doc.Deductions {
		if d.Finding >= 0 && d.Finding < len(doc.Findings) {
			f := doc.Findings[d.Finding]
			k := findingKey(f.Code, f.Messages, f.Evidence)
			dedOf[k] = append(dedOf[k], d)
		}
	}
	if v.Verdicts, err = s.st.ListVerdicts(ctx, store.VerdictFilter{ConversationID: id}); err != nil {
		return nil, err
	}
	mine := map[int64]store.Verdict{}
	for _, vd := range v.Verdicts {
		if vd.Reviewer == u.Name {
			mine[vd.FindingID] = vd
		}
	}
	if u.Role == store.RoleVendor {
		v.Verdicts = nil // reviewers' notes are internal to the QA team
	}
	for _, f := range fs {
		fv := findingView{Finding: f, Review: states[f.ID], Overturned: states[f.ID].Dispute == store.DisputeAccepted}
		k := findingKey(f.Code, f.Messages, f.Evidence)
		if ds := dedOf[k]; len(ds) > 0 {
			fv.Points, fv.Fatal, fv.Item = ds[0].Points, ds[0].Fatal, ds[0].Category+" · "+ds[0].Item
			dedOf[k] = ds[1:]
		}
		if m, ok := mine[f.ID]; ok {
			fv.Mine, fv.MyComment = m.Verdict, m.Comment
		}
		v.Findings = append(v.Findings, fv)
	}
	if v.Disputes, err = s.st.ListDisputes(ctx, store.DisputeFilter{Scope: u.Scope(), ConversationID: id}); err != nil {
		return nil, err
	}
	v.Messages = s.messageViews(conv, v.Findings, &doc)
	v.Emotion = emotionChart(conv, &doc, s.pageOf(r).T("negative_emotion"))
	return v, nil
}

func first(xs []int) int {
	if len(xs) == 0 {
		return -1
	}
	return xs[0]
}

// messageViews numbers the messages and marks each finding's evidence in
// place: the quoted fragments where the message holds them, else the
// whole message.
func (s *Server) messageViews(conv *conversation.Conversation, fs []findingView, doc *webResult) []msgView {
	out := make([]msgView, len(conv.Messages))
	spans := make([][]span, len(conv.Messages))
	for i, m := range conv.Messages {
		out[i] = msgView{N: i, Role: m.Role.String(), Agent: m.Agent}
		if !m.At.IsZero() {
			out[i].At = m.At.In(s.o.Scan.Location).Format("01-02 15:04:05")
		}
	}
	for _, f := range fs {
		if f.Overturned {
			continue
		}
		frags := evidenceFragments(f.Evidence)
		for _, n := range f.Messages {
			if n < 0 || n >= len(out) {
				continue
			}
			mv := &out[n]
			mv.Marked = true
			mv.Findings = append(mv.Findings, f.ID)
			if sevRank(f.Severity) > sevRank(mv.Sev) {
				mv.Sev = f.Severity
			}
			for _, fr := range frags {
				for at := 0; ; {
					k := strings.Index(conv.Messages[n].Text[at:], fr)
					if k < 0 {
						break
					}
					spans[n] = append(spans[n], span{at + k, at + k + len(fr), f.Severity, f.ID})
					at += k + len(fr)
				}
			}
		}
	}
	for i, m := range conv.Messages {
		out[i].Parts = markText(m.Text, spans[i])
	}
	if len(doc.Messages) == len(out) {
		for i, dm := range doc.Messages {
			out[i].Emotion = dm.Emotion
			if dm.EmotionScore != nil {
				out[i].EmotionScore = strconv.FormatFloat(*dm.EmotionScore, 'f', 2, 64)
			}
			if dm.Satisfaction != nil {
				out[i].Satisfaction = dm.Satisfaction.Label
			}
		}
	}
	return out
}

// evidenceFragments splits a finding's quoted evidence into the pieces
// that can be found in messages: detectors join quotes with arrows, cut
// long ones with "…" and prefix some with a label.
func evidenceFragments(ev string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(ev, func(r rune) bool {
		return r == '…' || r == '→' || r == '←' || r == '：' || r == '"' || r == '“' || r == '”' || r == '「' || r == '」'
	}) {
		p = strings.TrimSpace(p)
		if len([]rune(p)) >= 2 {
			out = append(out, p)
		}
	}
	return out
}

// sevRank orders severities for picking the worst.
func sevRank(s string) int {
	sv, ok := conversation.ParseSeverity(s)
	if !ok {
		return -1
	}
	return int(sv)
}

// emotionChart draws the customer's negative emotion, message by message
// (0 calm … 1 angry), from the scan output's per-message emotions.
func emotionChart(conv *conversation.Conversation, doc *webResult, name string) template.HTML {
	if len(doc.Messages) != len(conv.Messages) {
		return ""
	}
	var xs []string
	var neg []*float64
	for i, m := range doc.Messages {
		if conv.Messages[i].Role != conversation.RoleCustomer || m.EmotionScore == nil {
			continue
		}
		v := *m.EmotionScore
		if m.Emotion != "negative" {
			v = 1 - v // the probability it is not negative is its score
		}
		xs = append(xs, "["+strconv.Itoa(i)+"]")
		neg = append(neg, &v)
	}
	if len(xs) == 0 {
		return ""
	}
	return report.LineChart(xs, []report.Series{{Name: name, Points: neg}}, 1, "")
}

// fmtDay formats a time in the configured zone for tables.
func (s *Server) fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.o.Scan.Location).Format("2006-01-02 15:04")
}
