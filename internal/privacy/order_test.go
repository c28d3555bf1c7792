package privacy

import (
	"strings"
	"testing"
)

// orderValues is one value of every kind, as an agent might write it, with
// the part that must never survive redaction.
var orderValues = []struct {
	kind   Kind
	text   string // as written in the message
	secret string // what must be gone after Redact
}{
	{KindMobile, "13812345678", "13812345678"},
	{KindIDCard, "110101199003077758", "110101199003077758"},
	{KindBankCard, "6259650871772098", "6259650871772098"},
	{KindLandline, "010-62345678", "010-62345678"},
	{KindAddress, "北京市朝阳区建国路88号3单元502室", "88号3单元502室"},
}

// permutations calls f with every ordering of the indexes 0..n-1.
func permutations(n int, f func([]int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			f(p)
			return
		}
		for i := k; i < n; i++ {
			p[k], p[i] = p[i], p[k]
			rec(k + 1)
			p[k], p[i] = p[i], p[k]
		}
	}
	rec(0)
}

// TestRedactEveryOrder puts every pair of kinds (a kind with itself too)
// and all five kinds in every order into one message and checks that Scan
// finds each value, in text order, and Redact leaves none in clear. An
// address before a phone number used to stay visible.
func TestRedactEveryOrder(t *testing.T) {
	check := func(t *testing.T, idx []int, sep string) {
		t.Helper()
		parts := make([]string, len(idx))
		for i, k := range idx {
			parts[i] = orderValues[k].text
		}
		msg := "您好，" + strings.Join(parts, sep) + "，请核对"
		spans := Scan(msg, nil)
		if len(spans) != len(idx) {
			t.Errorf("Scan(%q) found %d values, want %d: %v", msg, len(spans), len(idx), spans)
		}
		for i := range spans {
			if i > 0 && spans[i].Start < spans[i-1].Start {
				t.Errorf("Scan(%q) spans out of order: %v", msg, spans)
			}
			if i < len(idx) && spans[i].Kind != orderValues[idx[i]].kind {
				t.Errorf("Scan(%q) span %d is %v, want %v", msg, i, spans[i].Kind, orderValues[idx[i]].kind)
			}
		}
		red := Redact(msg)
		for _, k := range idx {
			if strings.Contains(red, orderValues[k].secret) {
				t.Errorf("Redact(%q) = %q keeps %s %q", msg, red, orderValues[k].kind, orderValues[k].secret)
			}
		}
		if !strings.HasPrefix(red, "您好，") || !strings.HasSuffix(red, "，请核对") {
			t.Errorf("Redact(%q) = %q changed the text around the values", msg, red)
		}
	}
	for _, sep := range []string{"，", " ", "；电话"} {
		for a := range orderValues {
			for b := range orderValues {
				check(t, []int{a, b}, sep)
			}
		}
		permutations(len(orderValues), func(p []int) { check(t, p, sep) })
	}
}

// TestRedactOverlap covers overlapping values: a number that is both a
// phone number and the house number of an address is masked as a phone
// number and the rest of the address after it as an address.
func TestRedactOverlap(t *testing.T) {
	msg := "北京市朝阳区建国路13812345678号3单元"
	want := "北京市朝阳区建国路138****5678***"
	if got := Redact(msg); got != want {
		t.Errorf("Redact(%q) = %q, want %q", msg, got, want)
	}
}

// TestRedactAddressBeforeNumber is the case the issue reported: an address
// followed by a phone number in the same message.
func TestRedactAddressBeforeNumber(t *testing.T) {
	msg := "寄到上海市浦东新区世纪大道100号2栋301室，电话13912345678"
	want := "寄到上海市浦东新区世纪大道***，电话139****5678"
	if got := Redact(msg); got != want {
		t.Errorf("Redact(%q) = %q, want %q", msg, got, want)
	}
}

// TestRedactFullWidth checks values typed with full-width digits: the
// detectors find them in normalized text, so --redact must mask them too,
// in any order with the other kinds.
func TestRedactFullWidth(t *testing.T) {
	wide := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9':
				r = r - '0' + '０'
			case r == '-':
				r = '－'
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	permutations(len(orderValues), func(p []int) {
		parts := make([]string, len(p))
		for i, k := range p {
			parts[i] = wide(orderValues[k].text)
		}
		msg := "您好，" + strings.Join(parts, "，") + "，请核对"
		red := Redact(msg)
		for _, k := range p {
			if v := wide(orderValues[k].secret); strings.Contains(red, v) {
				t.Errorf("Redact(%q) = %q keeps %s %q", msg, red, orderValues[k].kind, v)
			}
		}
		if !strings.HasPrefix(red, "您好，") || !strings.HasSuffix(red, "，请核对") {
			t.Errorf("Redact(%q) = %q changed the text around the values", msg, red)
		}
	})
	if got, want := Redact("已改为１３８１２３４５６７８，谢谢"), "已改为138****5678，谢谢"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
	if got := Redact("无效\xff字节１２"); got != "无效\xff字节１２" {
		t.Errorf("Redact changed text without values: %q", got)
	}
}
