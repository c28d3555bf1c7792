package sample

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"fullqa/internal/codebook"
	"fullqa/internal/report"
)

// jsonPick is one line of the sample's JSON Lines export: why it was
// picked, the scan result, and the whole conversation for the reviewer.
type jsonPick struct {
	Rank         int               `json:"rank"`
	Reason       string            `json:"reason"`
	Agent        string            `json:"agent,omitempty"`
	Result       report.JSONResult `json:"result"`
	Conversation jsonConversation  `json:"conversation"`
}

type jsonConversation struct {
	ID       string        `json:"id"`
	Channel  string        `json:"channel,omitempty"`
	Shop     string        `json:"shop,omitempty"`
	Vendor   string        `json:"vendor,omitempty"`
	Customer string        `json:"customer,omitempty"`
	Messages []jsonMessage `json:"messages"`
}

type jsonMessage struct {
	Role  string `json:"role"`
	Text  string `json:"text"`
	At    string `json:"at,omitempty"`
	Agent string `json:"agent,omitempty"`
}

// WriteJSONL writes the picks, one a line, in review order. Each line's
// conversation is in the canonical input format, so a sample can be
// re-scanned or imported into a review tool.
func WriteJSONL(w io.Writer, picks []Pick) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range picks {
		c := p.Result.Conv
		jc := jsonConversation{ID: c.ID, Channel: c.Channel, Shop: c.Shop, Vendor: c.Vendor, Customer: c.Customer}
		for _, m := range c.Messages {
			jm := jsonMessage{Role: m.Role.String(), Text: m.Text, Agent: m.Agent}
			if m.HasTime() {
				jm.At = m.At.Format("2006-01-02T15:04:05Z07:00")
			}
			jc.Messages = append(jc.Messages, jm)
		}
		if err := enc.Encode(jsonPick{Rank: p.Rank, Reason: p.Reason, Agent: p.Agent, Result: report.NewJSONResult(p.Result), Conversation: jc}); err != nil {
			return err
		}
	}
	return nil
}

// MaxXLSXRows is how many picks fit the review sheet: Excel's 1,048,576
// rows less the header. The CLI refuses a larger --n before scanning.
const MaxXLSXRows = report.MaxSheetRows - 1

// Verdicts are the choices of the review sheet's verdict column, offered
// as a drop-down list so that verdicts can be counted.
var verdicts = [...]string{"确认 confirmed", "误报 false alarm", "部分正确 partly right", "漏报 missed finding", "无问题 no problem"}

// WriteXLSX writes the picks as a review sheet: one row a conversation with
// its findings (named in lang), evidence and transcript, and columns for
// the reviewer's verdict (a drop-down list) and note. The header is frozen
// and filterable.
func WriteXLSX(w io.Writer, picks []Pick, lang codebook.Lang) error {
	if len(picks) > MaxXLSXRows {
		return fmt.Errorf("%d picks do not fit one sheet (at most %d)", len(picks), MaxXLSXRows)
	}
	f := excelize.NewFile()
	defer f.Close()
	sh := &report.Sheet{Name: "抽检 Review", Rows: len(picks),
		Columns: []report.Column{{Head: "序号 rank", Width: 7, Kind: report.Int}, {Head: "原因 reason", Width: 14},
			{Head: "会话ID id", Width: 16}, {Head: "客服 agent", Width: 12}, {Head: "得分 score", Width: 8, Kind: report.Int},
			{Head: "问题 findings", Width: 60}, {Head: "对话 transcript", Width: 80}, {Head: "复核结论 verdict", Width: 18},
			{Head: "备注 note", Width: 30}},
		Row: func(i int) []any {
			p := picks[i]
			var fs []string
			for _, fd := range p.Result.Findings {
				fs = append(fs, fmt.Sprintf("[%s] %s %s %v: %s", codebook.Name(fd.Severity.String(), lang),
					codebook.Name(fd.Code, lang), fd.Code, fd.Messages, fd.Evidence))
			}
			var tr []string
			for n, m := range p.Result.Conv.Messages {
				who := report.RoleName(m.Role.String(), lang)
				if m.Agent != "" {
					who += " " + m.Agent
				}
				tr = append(tr, fmt.Sprintf("[%d] %s: %s", n, who, m.Text))
			}
			reason := map[string]string{"risk": "高风险 risk", "random": "随机校准 random"}[p.Reason]
			return []any{p.Rank, reason, p.Result.Conv.ID, p.Agent, p.Result.Score, strings.Join(fs, "\n"), strings.Join(tr, "\n"), nil, nil}
		},
		Validate: func(dv *excelize.DataValidation) int {
			dv.SetDropList(verdicts[:])
			dv.SetError(excelize.DataValidationErrorStyleStop, "复核结论 verdict", "请从列表中选择 / pick one from the list")
			return 8
		},
	}
	if err := report.WriteWorkbook(f, []*report.Sheet{sh}); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}
