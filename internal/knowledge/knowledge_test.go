package knowledge

import (
	"strings"
	"testing"
)

// TestScanAmounts checks value normalisation: numerals, units, ranges and
// bounds, and the readings that are not amounts (dates, network names).
func TestScanAmounts(t *testing.T) {
	for _, tc := range []struct {
		in     string
		dim    Dim
		lo, hi float64
		within bool
		masked bool
		none   bool
	}{
		{in: "7天", dim: DimTime, lo: 168, hi: 168},
		{in: "七天", dim: DimTime, lo: 168, hi: 168},
		{in: "一周", dim: DimTime, lo: 168, hi: 168},
		{in: "一个星期", dim: DimTime, lo: 168, hi: 168},
		{in: "168小时", dim: DimTime, lo: 168, hi: 168},
		{in: "3-5天", dim: DimTime, lo: 72, hi: 120},
		{in: "3–5个工作日", dim: DimTime, lo: 72, hi: 120},
		{in: "三到五天", dim: DimTime, lo: 72, hi: 120},
		{in: "3天到5天", dim: DimTime, lo: 72, hi: 120},
		{in: "48小时内", dim: DimTime, lo: 0, hi: 48, within: true},
		{in: "十五天之内", dim: DimTime, lo: 0, hi: 360, within: true},
		{in: "二十四小时", dim: DimTime, lo: 24, hi: 24},
		{in: "两年", dim: DimTime, lo: 17520, hi: 17520},
		{in: "半年", dim: DimTime, lo: 4380, hi: 4380},
		{in: "[数字x]-[数字x]5个工作日", dim: DimTime, masked: true},
		{in: "6月8日", dim: DimTime, none: true},
		{in: "2019年", dim: DimTime, none: true},
		{in: "三月", dim: DimTime, none: true},
		{in: "5000mah", dim: DimCharge, lo: 5000, hi: 5000},
		{in: "1.5kg", dim: DimMass, lo: 1500, hi: 1500},
		{in: "3斤", dim: DimMass, lo: 1500, hi: 1500},
		{in: "5g手机", dim: DimNone, none: true},
		{in: "30mm", dim: DimLength, lo: 3, hi: 3},
		{in: "20元", dim: DimMoney, lo: 20, hi: 20},
	} {
		as := Scan(tc.in, tc.dim)
		if tc.none {
			if len(as) != 0 {
				t.Errorf("%q: want no amount, got %+v", tc.in, as)
			}
			continue
		}
		if len(as) != 1 {
			t.Errorf("%q: want one amount, got %+v", tc.in, as)
			continue
		}
		a := as[0]
		if a.Masked != tc.masked || !tc.masked && (a.Lo != tc.lo || a.Hi != tc.hi || a.Within != tc.within) {
			t.Errorf("%q: got %+v, want lo %v hi %v within %v masked %v", tc.in, a, tc.lo, tc.hi, tc.within, tc.masked)
		}
	}
}

// TestScanClock checks times of day.
func TestScanClock(t *testing.T) {
	for in, want := range map[string]float64{"16:00": 960, "下午4点": 960, "下午4点半": 990, "晚上8点": 1200, "10点前": 600, "中午12点": 720} {
		cs := ScanClock(in)
		if len(cs) != 1 || cs[0].Lo != want {
			t.Errorf("%q: got %+v, want %v", in, cs, want)
		}
	}
}

// TestParseProblems checks that mistakes are reported with their line and
// field, all of them in one run.
func TestParseProblems(t *testing.T) {
	src := `policy:
  return:
    window: 7d
    windw: 7天
  refund:
    time: {支付宝: 1-3天, 花呗: 2天}
  warranty:
    length: 一年
  invoice:
    types: [电子发票, 收据]
  shipping:
    cutoff: soon
    free: maybe
products:
  - sku: "1"
    attributes:
      电池: 5000mha
      尺码: S-XL
  - sku: "1"
categories:
  - name: a
    skus: ["2"]
  - name: b
    skus: ["2"]
colour: red
`
	_, err := Parse([]byte(src), "f.yaml")
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		"f.yaml:3: policy.return.window: bad value \"7d\"",
		"f.yaml:4: policy.return.windw: unknown key",
		"f.yaml:6: policy.refund.time.花呗: unknown payment method",
		"f.yaml:10: policy.invoice.types: unknown value \"收据\"",
		"f.yaml:12: policy.shipping.cutoff: bad time of day",
		"f.yaml:13: policy.shipping.free: want yes or no",
		"f.yaml:17: products.1.attributes.电池: bad unit",
		"f.yaml:25: colour: unknown key",
		"f.yaml:19: products.1: SKU given twice (first at line 15)",
		"f.yaml:23: categories.b: SKU 2 is also in category a (line 21)",
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing problem %q in:\n%s", w, got)
		}
	}
	if len(ps) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(ps), len(want), got)
	}
}

// TestExampleFacts checks the example shop's file: overrides per shop,
// category and SKU, attribute kinds, and the limits promise.over_policy
// reads.
func TestExampleFacts(t *testing.T) {
	f, err := Load("../../examples/facts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	get := func(s Set, key, q string) Fact {
		t.Helper()
		v, ok := s.Get(key, q)
		if !ok {
			t.Fatalf("%s(%s) not defined", key, q)
		}
		return v
	}
	if v := get(f.Shop("s2").Base, "return.window", ""); v.Amount.Hi != 15*24 {
		t.Errorf("s2 window: %+v", v)
	}
	if v := get(f.Shop("s2").Base, "refund.time", "信用卡"); v.Amount.Hi != 15*24 {
		t.Errorf("s2 inherits the default shop's refund times: %+v", v)
	}
	if v := get(f.Shop("other").Base, "return.window", ""); v.Amount.Hi != 7*24 {
		t.Errorf("an unnamed shop gets the default facts: %+v", v)
	}
	if v := get(f.Default.SKUs["9001"], "return.no_reason", ""); v.Bool {
		t.Errorf("category override lost: %+v", v)
	}
	if v := get(f.Default.SKUs["7001"], "warranty.length", ""); v.Key != "attr.保修" || v.Amount.Hi != 2*8760 {
		t.Errorf("attribute 保修 must stand for warranty.length on its SKU: %+v", v)
	}
	if v := get(f.Default.SKUs["5835261"], "attr.尺码", ""); strings.Join(v.Values, ",") != "s,m,l,xl" {
		t.Errorf("size range: %+v", v)
	}
	if p := f.Policy(); p != (Policy{ReturnWindowDays: 7, MaxShipDays: 2, MaxCompensationYuan: 20}) {
		t.Errorf("policy limits: %+v", p)
	}
	if err := f.Adopt(Legacy{Key: "return.window", Value: "15天", Where: "c.yaml:3"}); err == nil {
		t.Error("a detect.policy value that disagrees with the file must be an error")
	}
	if err := f.Adopt(Legacy{Key: "return.window", Value: "7天", Where: "c.yaml:3"}); err != nil {
		t.Errorf("an agreeing value: %v", err)
	}
}

// FuzzParse feeds arbitrary YAML to the facts parser: it must not panic,
// and it returns facts or an error, never both nil.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"policy: {return: {window: 7天}}", "products: [{sku: 1, attributes: {防水: 否}}]",
		"shops: {s: {policy: {shipping: {cutoff: '16:00'}}}}", "policy: {refund: {time: {信用卡: 1-15天}}}", "- a", "policy: 3",
		"categories: [{name: a, skus: [1, 1]}]", "forbidden: [{phrase: x}]", "required: [{when: [a], say: [b]}]", "products: [{sku: 1, attributes: {尺码: xs-4xl}}]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := Parse([]byte(s), "f")
		if fs == nil && err == nil {
			t.Fatal("no facts and no error")
		}
		if fs != nil {
			_ = fs.Cues([]string{"防水"})
			_ = fs.Spellings()
			_ = fs.Qualifiers()
		}
	})
}
