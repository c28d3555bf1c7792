package sample

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

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
const MaxXLSXRows = 1<<20 - 1

// WriteXLSX writes the picks as a review sheet: one row a conversation with
// its findings, evidence and transcript, and empty columns for the
// reviewer's verdict.
func WriteXLSX(w io.Writer, picks []Pick) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "抽检 Review"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	header := []any{"序号 rank", "原因 reason", "会话ID id", "客服 agent", "得分 score", "问题 findings", "对话 transcript", "复核结论 verdict", "备注 note"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, p := range picks {
		var fs []string
		for _, fd := range p.Result.Findings {
			fs = append(fs, fmt.Sprintf("[%s] %s %v: %s", fd.Severity, fd.Code, fd.Messages, fd.Evidence))
		}
		var tr []string
		for n, m := range p.Result.Conv.Messages {
			tr = append(tr, fmt.Sprintf("[%d] %s: %s", n, m.Role, m.Text))
		}
		reason := map[string]string{"risk": "高风险 risk", "random": "随机校准 random"}[p.Reason]
		row := []any{p.Rank, reason, p.Result.Conv.ID, p.Agent, p.Result.Score, strings.Join(fs, "\n"), strings.Join(tr, "\n"), "", ""}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}
