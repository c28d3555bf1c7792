package score

import (
	"errors"
	"fmt"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// Scorecard is a QA scoring sheet as merchants write them: categories of
// items, each mapping finding codes to points lost (or gained) per finding,
// capped per item, and fatal items (一票否决) that zero the conversation.
type Scorecard struct {
	Name       string     `yaml:"name"`
	Categories []Category `yaml:"categories"`
}

// Category groups items (服务态度, 业务处理, 合规, 风险 …).
type Category struct {
	Name  string `yaml:"name"`
	Items []Item `yaml:"items"`
}

// Item maps finding codes to points. Points is negative for a deduction and
// positive for a bonus; it applies per finding unless Once is set. Cap
// bounds the item's total (as a positive number of points). Fatal makes any
// matching finding of at least FatalSeverity (default: any) zero the score.
type Item struct {
	Name          string   `yaml:"name"`
	Codes         []string `yaml:"codes"`
	Points        int      `yaml:"points"`
	Once          bool     `yaml:"once,omitempty"`
	Cap           int      `yaml:"cap,omitempty"`
	MinSeverity   string   `yaml:"min_severity,omitempty"`
	Fatal         bool     `yaml:"fatal,omitempty"`
	FatalSeverity string   `yaml:"fatal_severity,omitempty"`
}

// DefaultScorecard is the sheet that ships: deductions sized by what the
// merchant loses, fatal items for what platforms punish hardest.
func DefaultScorecard() Scorecard {
	return Scorecard{Name: "fullqa 默认评分表", Categories: []Category{
		{Name: "服务态度", Items: []Item{
			{Name: "态度恶劣", Codes: []string{"attitude.rude"}, Points: -20, Cap: 40, Fatal: true, FatalSeverity: "high"},
			{Name: "使用禁用语", Codes: []string{"attitude.forbidden"}, Points: -10, Cap: 30},
			{Name: "客户情绪未安抚", Codes: []string{"emotion.unaddressed"}, Points: -10, Once: true},
		}},
		{Name: "响应时效", Items: []Item{
			{Name: "漏回复", Codes: []string{"response.missed"}, Points: -10, Cap: 30},
			{Name: "回复慢(超3分钟)", Codes: []string{"response.slow"}, Points: -3, Cap: 15},
			{Name: "首响慢", Codes: []string{"response.first_slow"}, Points: -2, Once: true},
		}},
		{Name: "业务处理", Items: []Item{
			{Name: "承诺前后矛盾", Codes: []string{"promise.conflict"}, Points: -15, Cap: 30},
			{Name: "超权限承诺", Codes: []string{"promise.over_policy"}, Points: -15, Cap: 30},
			{Name: "退款/补偿处理不当", Codes: []string{"sensitive.mishandled"}, Points: -15, Cap: 30},
			{Name: "答非所问/反复沟通", Codes: []string{"loop.misunderstanding"}, Points: -10, Once: true},
			{Name: "机械重复话术", Codes: []string{"loop.agent_template"}, Points: -3, Cap: 9},
			{Name: "问题未解决", Codes: []string{"resolution.unresolved"}, Points: -10, Once: true},
		}},
		{Name: "合规", Items: []Item{
			{Name: "引导站外交易", Codes: []string{"compliance.off_platform"}, Points: -100, Fatal: true},
			{Name: "诱导好评", Codes: []string{"compliance.review_inducement"}, Points: -30, Fatal: true},
			{Name: "广告法极限词", Codes: []string{"compliance.absolute_claim"}, Points: -5, Cap: 15},
			{Name: "泄露客户隐私", Codes: []string{"privacy.pii_leak"}, Points: -100, Fatal: true},
		}},
		{Name: "风险", Items: []Item{
			{Name: "客户威胁投诉/差评", Codes: []string{"threat.escalation"}, Points: -5, Once: true},
			{Name: "情绪升级", Codes: []string{"emotion.escalating"}, Points: -5, Once: true},
		}},
	}}
}

// Validate checks codes, severities and signs so a broken sheet fails at
// start-up with the item named.
func (s Scorecard) Validate() error {
	if len(s.Categories) == 0 {
		return errors.New("scorecard: no categories")
	}
	seen := map[string]string{}
	for ci, c := range s.Categories {
		if c.Name == "" {
			return fmt.Errorf("scorecard.categories[%d]: name missing", ci)
		}
		for ii, it := range c.Items {
			where := fmt.Sprintf("scorecard.categories[%d].items[%d] (%s/%s)", ci, ii, c.Name, it.Name)
			if it.Name == "" {
				return fmt.Errorf("%s: name missing", where)
			}
			if len(it.Codes) == 0 {
				return fmt.Errorf("%s: codes missing", where)
			}
			for _, code := range it.Codes {
				if !conversation.KnownCode(code) {
					return fmt.Errorf("%s: unknown finding code %q", where, code)
				}
				if other, dup := seen[code]; dup {
					return fmt.Errorf("%s: code %q is already scored by item %s", where, code, other)
				}
				seen[code] = it.Name
			}
			if it.Points == 0 && !it.Fatal {
				return fmt.Errorf("%s: points is 0 and the item is not fatal", where)
			}
			if it.Cap < 0 {
				return fmt.Errorf("%s: cap must not be negative", where)
			}
			for _, sv := range []string{it.MinSeverity, it.FatalSeverity} {
				if _, ok := conversation.ParseSeverity(sv); sv != "" && !ok {
					return fmt.Errorf("%s: unknown severity %q", where, sv)
				}
			}
		}
	}
	return nil
}

// Deduction is the points one finding cost (or earned) under one item.
type Deduction struct {
	Finding  int    `json:"finding"` // index into the result's findings
	Code     string `json:"code"`
	Category string `json:"category"`
	Item     string `json:"item"`
	Points   int    `json:"points"` // negative for a deduction
	Fatal    bool   `json:"fatal,omitempty"`
	// plain is the sheet item that made d when its names go into a JSON
	// string as they are (text.JSONPlain, asked once per item when the
	// sheet is made), nil otherwise: see PlainText.
	plain *sheetItem
}

// PlainText reports whether d's Category and Item are known to need no
// escaping in a JSON string (text.JSONPlain): the result writer then
// copies them, where it read both for escapes in every deduction of every
// result although they are the scorecard's own, fixed for the scan. It
// is false for a Deduction made any other way, which the writer escapes.
// It holds only while Category and Item are still the names the sheet
// gave: a copy whose names were changed afterwards is escaped again (the
// comparison of a name with the sheet's own string stops at the pointer
// when it is that string). A Deduction from a sheet differs from an
// equal-looking literal under == and reflect.DeepEqual.
func (d *Deduction) PlainText() bool {
	p := d.plain
	return p != nil && d.Category == p.category && d.Item == p.it.Name
}

// Apply scores a conversation from its findings: 100 plus every item's
// points, clamped to 0..100, or 0 when a fatal item matched. Each returned
// deduction points at its finding. The rules live in Sheet.Apply, which
// this makes a sheet for; to score many conversations, make the Sheet
// once.
func (s Scorecard) Apply(findings []conversation.Finding) (int, []Deduction, bool) {
	return s.Sheet().Apply(findings)
}

// Sheet is a Scorecard made ready for scoring conversation after
// conversation: each finding code leads straight to the items that score
// it, where Apply went through every item (eighteen in the default sheet)
// for every finding, comparing codes. Sheet.Apply gives exactly what
// Scorecard.Apply gives; a Sheet is read-only and safe for concurrent use.
type Sheet struct {
	items  []sheetItem        // every category's items, in order
	byCode map[string][]int32 // code → the items (indexes into items, ascending) that score it
	// table is byCode as an open-addressed table of a power-of-two size,
	// at least four times the codes (nil when a code is "", which marks
	// an empty slot): a code's slot is codeHash's top bits, found by
	// comparing codes, which are nearly all of different lengths. A
	// conversation's some eight findings each took a map look-up
	// (hashing the code) on the scan's workers. TestSheetItemsOf and
	// FuzzSheetItemsOf hold itemsOf to the map.
	table []codeSlot
	shift uint8 // 64 - log2(len(table))
}

// codeSlot is one entry of Sheet.table: a code and its items, or the
// empty code and none.
type codeSlot struct {
	code  string
	items []int32
}

// codeHash mixes a code's length and last (up to) eight bytes, which tell
// the finding codes apart ("response.slow", "response.first_slow").
func codeHash(code string) uint64 {
	var w uint64
	if n := len(code); n >= 8 {
		t := code[n-8:]
		w = uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
	} else {
		for i := 0; i < n; i++ {
			w = w<<8 | uint64(code[i])
		}
	}
	return (w ^ uint64(len(code))) * 0x9e3779b97f4a7c15
}

// itemsOf is byCode[code], read from the table when there is one.
func (s *Sheet) itemsOf(code string) []int32 {
	t := s.table
	if len(t) == 0 {
		return s.byCode[code]
	}
	mask := uint64(len(t) - 1)
	for i := codeHash(code) >> s.shift; ; i = (i + 1) & mask {
		e := &t[i&mask]
		if e.code == code {
			return e.items
		}
		if e.code == "" {
			return nil
		}
	}
}

// buildTable fills s.table from s.byCode.
func (s *Sheet) buildTable() {
	if _, ok := s.byCode[""]; ok {
		return // "" marks an empty slot: the map answers
	}
	size, shift := 4, uint8(62)
	for size < 4*len(s.byCode) {
		size, shift = 2*size, shift-1
	}
	s.table, s.shift = make([]codeSlot, size), shift
	mask := uint64(size - 1)
	for code, items := range s.byCode {
		i := codeHash(code) >> shift
		for s.table[i].code != "" {
			i = (i + 1) & mask
		}
		s.table[i] = codeSlot{code, items}
	}
}

// sheetItem is an Item with its category and severities parsed.
type sheetItem struct {
	category         string
	it               Item
	minSev, fatalSev conversation.Severity
	// plain is whether category and the item's name need no escaping
	// in JSON (Deduction.PlainText).
	plain bool
}

// Sheet prepares s for scoring many conversations. s must not change
// afterwards (the Sheet keeps its items).
func (s Scorecard) Sheet() *Sheet {
	sh := &Sheet{byCode: map[string][]int32{}}
	for _, c := range s.Categories {
		for _, it := range c.Items {
			n := int32(len(sh.items))
			si := sheetItem{category: c.Name, it: it, plain: text.JSONPlain(c.Name) && text.JSONPlain(it.Name)}
			si.minSev, _ = conversation.ParseSeverity(it.MinSeverity)
			si.fatalSev, _ = conversation.ParseSeverity(it.FatalSeverity)
			sh.items = append(sh.items, si)
			for _, code := range it.Codes {
				// A code listed twice in one item counts once there, as
				// Scorecard.Apply counted it.
				if l := sh.byCode[code]; len(l) == 0 || l[len(l)-1] != n {
					sh.byCode[code] = append(l, n)
				}
			}
		}
	}
	sh.buildTable()
	return sh
}

// scoredFinding is one finding an item scores, for Sheet.Apply.
type scoredFinding struct{ item, finding int32 }

// Apply is Scorecard.Apply of the scorecard the sheet was made from.
func (s *Sheet) Apply(findings []conversation.Finding) (int, []Deduction, bool) {
	return s.ApplyWith(nil, findings)
}

// ApplyWith is Apply cutting the deductions from sc's slab (see Scratch),
// for a goroutine that scores conversation after conversation; sc may be
// nil. The result is the same.
func (s *Sheet) ApplyWith(sc *Scratch, findings []conversation.Finding) (int, []Deduction, bool) {
	// The (item, finding) pairs, in finding order, then put in item order
	// (stable: each item's findings stay in finding order), so the items
	// are gone through in the order Scorecard.Apply goes.
	var buf [16]scoredFinding
	pairs := buf[:0]
	for fi := range findings {
		for _, it := range s.itemsOf(findings[fi].Code) {
			pairs = append(pairs, scoredFinding{it, int32(fi)})
		}
	}
	if len(pairs) == 0 {
		return 100, nil, false
	}
	for i := 1; i < len(pairs); i++ { // insertion sort: stable, and pairs are few
		for j := i; j > 0 && pairs[j].item < pairs[j-1].item; j-- {
			pairs[j], pairs[j-1] = pairs[j-1], pairs[j]
		}
	}
	total := 100
	fatal := false
	var ds []Deduction
	for i := 0; i < len(pairs); {
		cur := pairs[i].item
		si := &s.items[cur]
		it := &si.it
		sum := 0
		for ; i < len(pairs) && pairs[i].item == cur; i++ {
			fi := int(pairs[i].finding)
			f := &findings[fi]
			if f.Severity < si.minSev {
				continue
			}
			d := Deduction{Finding: fi, Code: f.Code, Category: si.category, Item: it.Name, Points: it.Points}
			if si.plain {
				d.plain = si
			}
			if it.Fatal && f.Severity >= si.fatalSev {
				d.Fatal = true
				fatal = true
			}
			if it.Cap > 0 && abs(sum+d.Points) > it.Cap {
				d.Points = sign(it.Points)*it.Cap - sum
			}
			if d.Points == 0 && !d.Fatal {
				continue
			}
			sum += d.Points
			if ds == nil { // mostly at most one per finding: one allocation
				ds = sc.deductions(len(findings))
			}
			ds = append(ds, d)
			if it.Once {
				for i < len(pairs) && pairs[i].item == cur { // the item's other findings
					i++
				}
				break
			}
		}
		total += sum
	}
	if total < 0 {
		total = 0
	}
	if total > 100 {
		total = 100
	}
	if fatal {
		total = 0
	}
	return total, ds, fatal
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	if x < 0 {
		return -1
	}
	return 1
}
