package detect

import (
	"encoding/json"
	"reflect"
	"testing"

	"fullqa/internal/conversation"
)

// slotMap is a finding's slot value as a map: the rules write a
// conversation.Data (see promiseSlot.toData), the learned scorer a map.
func slotMap(v any) (map[string]any, bool) {
	switch s := v.(type) {
	case conversation.Data:
		return s.Map(), s != nil
	case map[string]any:
		return s, true
	}
	return nil, false
}

// slotOfBytes builds a slot from b: each byte pair a key and a value
// (a string, a lexicon word, an int or a float64), as the rules set them.
func slotOfBytes(b []byte) promiseSlot {
	var sl promiseSlot
	strs := []string{"", "发货", "补偿", "尽快", "x", "[数字x]", "3号"}
	for i := 0; i+1 < len(b) && sl.size() < maxSlotEntries; i += 2 {
		k := slotKey(b[i] % byte(slotKeyCount))
		if !sl.isSet(k) && sl.size() == maxSlotEntries {
			break
		}
		switch v := b[i+1]; v % 3 {
		case 0:
			sl.setString(k, strs[int(v/3)%len(strs)])
		case 1:
			sl.setValue(k, int(v/3))
		default:
			sl.setValue(k, float64(v)/4)
		}
		if b[i+1] == 255 {
			sl.remove(k)
		}
	}
	return sl
}

// checkSlotData holds toData to toMap, the map the slot was written as
// before: the same keys and values, keys in increasing order, the same
// JSON (encoding/json's, which the store and the service write), and the
// same nil map for an empty slot.
func checkSlotData(t *testing.T, sl *promiseSlot) {
	t.Helper()
	words := map[string]any{"发货": "发货", "尽快": "尽快"}
	want := sl.toMap(words)
	fs := make([]conversation.Field, sl.size()+2) // room past the slot stays unwritten
	got := sl.toData(fs, words)
	if fs[len(fs)-1] != (conversation.Field{}) || fs[len(fs)-2] != (conversation.Field{}) {
		t.Fatalf("toData wrote past the slot's %d fields", sl.size())
	}
	if want == nil {
		if m, ok := got.(map[string]any); !ok || m != nil {
			t.Fatalf("empty slot: got %#v, want a nil map", got)
		}
		return
	}
	d, ok := got.(conversation.Data)
	if !ok {
		t.Fatalf("got %T, want conversation.Data", got)
	}
	for i := 1; i < len(d); i++ {
		if d[i-1].Key >= d[i].Key {
			t.Fatalf("keys out of order: %v", d)
		}
	}
	if !reflect.DeepEqual(d.Map(), want) || len(d) != len(want) {
		t.Fatalf("got %v, want %v", d, want)
	}
	jg, err1 := json.Marshal(d)
	jw, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil || string(jg) != string(jw) {
		t.Fatalf("JSON %s (%v), want %s (%v)", jg, err1, jw, err2)
	}
}

// TestSlotToData checks toData against toMap on table slots and on
// every single key.
func TestSlotToData(t *testing.T) {
	for _, b := range [][]byte{nil, {0, 0}, {byte(slotEvent), 3, byte(slotDays), 4}, {byte(slotYuan), 5, byte(slotBenefit), 6, byte(slotVerb), 3, byte(slotObject), 9},
		{byte(slotWithinWeeks), 1, byte(slotWithinDays), 2, byte(slotWithinWorkdays), 4, byte(slotWithinHours), 7, byte(slotDays), 10, byte(slotDate), 18, byte(slotWhen), 9, byte(slotEvent), 3},
		{byte(slotAmount), 2, byte(slotCurrency), 12, byte(slotAction), 0, byte(slotConsent), 1}, {1, 1, 1, 255}} {
		sl := slotOfBytes(b)
		checkSlotData(t, &sl)
	}
	for k := range slotKeyCount {
		var sl promiseSlot
		sl.setString(k, "v")
		checkSlotData(t, &sl)
	}
}

// FuzzSlotToData: any slot the setters build gives the data toMap's map
// reads as.
func FuzzSlotToData(f *testing.F) {
	f.Add([]byte{byte(slotEvent), 3, byte(slotDays), 4})
	f.Add([]byte{byte(slotYuan), 5, byte(slotBenefit), 6, byte(slotVerb), 3, byte(slotObject), 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		sl := slotOfBytes(b)
		checkSlotData(t, &sl)
	})
}

// slotMapOf is slotMap's map alone.
func slotMapOf(v any) map[string]any {
	m, _ := slotMap(v)
	return m
}
