// Package conversation holds the data model every other part of fullqa shares:
// conversations, their messages, and the findings detectors attach to them.
// It is types only, with no I/O, so that importers, detectors, the store and
// the reports can all depend on it without depending on each other.
package conversation

import "time"

// Role says who wrote a message. Only a customer and a human agent take part
// in response-time KPIs; bot and system messages are kept for context.
type Role uint8

// The roles a message can have. The zero value is invalid so that a message
// whose role was never set is caught instead of silently counted.
const (
	RoleUnknown Role = iota
	RoleCustomer
	RoleAgent
	RoleBot
	RoleSystem
)

// String returns the role's name as written in the canonical JSON format.
func (r Role) String() string {
	switch r {
	case RoleCustomer:
		return "customer"
	case RoleAgent:
		return "agent"
	case RoleBot:
		return "bot"
	case RoleSystem:
		return "system"
	}
	return "unknown"
}

// ParseRole maps a canonical role name to a Role. It reports false for
// anything else so importers can name the bad field.
func ParseRole(s string) (Role, bool) {
	switch s {
	case "customer":
		return RoleCustomer, true
	case "agent":
		return RoleAgent, true
	case "bot":
		return RoleBot, true
	case "system":
		return RoleSystem, true
	}
	return RoleUnknown, false
}

// Message is one turn of a conversation. Its number is its index in
// Conversation.Messages; importers never merge, drop or reorder messages, so
// the number is stable across findings, reports and the API.
type Message struct {
	Role  Role
	Text  string
	At    time.Time // zero when the source has no timestamps
	Agent string    // agent id or name, for agent messages when known
	Kind  string    // optional source-specific kind, e.g. "auto" for an auto reply
}

// HasTime reports whether the message carries a timestamp.
func (m *Message) HasTime() bool { return !m.At.IsZero() }

// Outcome carries optional order results that some exports include; KPIs that
// need them are reported as unavailable when they are absent.
type Outcome struct {
	Ordered  *bool `json:"ordered,omitempty"`
	Refunded *bool `json:"refunded,omitempty"`
}

// Conversation is one customer-service chat in the canonical model.
type Conversation struct {
	ID       string
	Channel  string
	Shop     string
	Vendor   string
	Customer string
	OrderIDs []string
	SKUs     []string
	Rating   int // 0 when unknown, else 1..5
	Outcome  *Outcome
	Meta     map[string]string // source columns kept verbatim, e.g. is_repeat
	Messages []Message

	// Source names where the conversation was read from ("file:line"), for
	// error messages and reviewers.
	Source string

	// TextValid is set by an importer that guarantees every message's Text
	// is valid UTF-8 (it rejects any record that is not, so it never yields
	// one), and only by such an importer: the engine then need not check
	// the evidence it quotes from the texts (detect's validText). The
	// service's uploads and watched folder go through those importers and
	// carry it; everything else (streamed messages, conversations built in
	// code, tests, importers that pass bytes through) leaves it false and
	// the engine checks. Whoever changes a text afterwards must clear it
	// unless the new text is valid UTF-8 too.
	TextValid bool

	// TextPlain is set by the detection engine when every message's Text
	// and its normalized form hold nothing a JSON string escapes (a
	// quote, a backslash, a control character, U+2028, U+2029:
	// text.AppendNormalizedPlain). With TextValid, the scan output's
	// writer then copies the findings' evidence, which quotes only those
	// texts and literal text without such characters, without looking
	// for escapes. Redaction keeps it true (its masks are '*', '-' and
	// the digits of the value); whoever changes a text or an evidence in
	// any other way must clear it.
	TextPlain bool
}

// Severity ranks findings. Reports sort by it and scorecards weigh it.
type Severity uint8

// The severities, from least to most serious.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the severity's name as written in scan output.
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// ParseSeverity maps a name back to a Severity.
func ParseSeverity(s string) (Severity, bool) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), true
		}
	}
	return 0, false
}

// Finding is one thing a detector found, always with evidence: the message
// numbers and the quoted text that triggered it, so a reviewer can check it.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"-"`
	Messages []int    `json:"messages"`
	Evidence string   `json:"evidence"`
	Detail   string   `json:"detail,omitempty"`
	Data     Data     `json:"data,omitempty"`
}

// Tag is a scene label for a conversation with the messages that show it.
type Tag struct {
	Name     string
	Messages []int
}

// Raw is one record an importer has cut from its input but not yet
// parsed. Importers that can hand out records this way let the scan parse
// them on all its workers instead of on the one goroutine that reads.
type Raw interface {
	// Parse decodes the record; it may run on any goroutine, at the same
	// time as other records' Parse. It returns the conversation to
	// inspect, or nil when there is none (a bad record, or one a filter
	// leaves out): Settle then says which.
	Parse() *Conversation
	// Settle runs after Parse, on one goroutine, record after record in
	// input order: it applies the checks that span records (duplicate
	// ids, time order across a file) and gives the record's outcome: its
	// conversation, skip when a filter leaves it out, or the bad-record
	// error the reader's Next would have returned.
	Settle() (c *Conversation, skip bool, err error)
}
