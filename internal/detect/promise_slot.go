package detect

import (
	"math/bits"
	"slices"
	"strings"

	"fullqa/internal/conversation"
)

// slotKey names one field of a commitment's slot (the "slot" field of Finding.Data).
// The first slotFeatureKeys keys are numbered as the learned scorer's
// pfSlotKey features read them: that order is part of the trained weights.
type slotKey uint8

const (
	slotDays slotKey = iota
	slotWithinHours
	slotWithinWorkdays
	slotWithinDays
	slotWithinWeeks
	slotDate
	slotWhen
	slotEvent
	slotVerb
	slotObject
	slotYuan
	slotBenefit
	slotConsent
	slotAction
	slotAmount
	slotCurrency
	slotKeyCount
)

// slotFeatureKeys is how many keys, from slotDays on, the learned scorer
// reads as features.
const slotFeatureKeys = int(slotConsent) + 1

// slotKeyNames are the keys as written in the "slot" field of Finding.Data.
var slotKeyNames = [slotKeyCount]string{"days", "within_hours", "within_workdays", "within_days", "within_weeks", "date", "when",
	"event", "verb", "object", "yuan", "benefit", "consent", "action", "amount", "currency"}

// slotKeyOf returns the key written name, as unitWord and the English
// rules name them; ok is false for a name that is no slot key.
func slotKeyOf(name string) (k slotKey, ok bool) {
	for k, n := range slotKeyNames {
		if n == name {
			return slotKey(k), true
		}
	}
	return 0, false
}

// maxSlotEntries bounds the fields of one slot: a time commitment merged
// from several time words holds at most its event and the seven time keys
// (days … when), the largest slot there is.
const maxSlotEntries = 8

// slotEntry is one field of a slot: a string value in str (val nil), any
// other value (an int, a float64, a placeholder numberBefore returned) in
// val.
type slotEntry struct {
	key slotKey
	str string
	val any
}

// promiseSlot is the structured value of a commitment. It lives in the
// promise by value while the rules and the learned scorer read it, and
// becomes the finding's value only when a finding is emitted (toData for
// the rules' findings, toMap for the learned scorer's): most commitments
// read are never reported, and a map (and each string boxed into it) per
// commitment was most of the detector's allocations.
type promiseSlot struct {
	has uint32 // bit k: key k is set
	n   int
	e   [maxSlotEntries]slotEntry
}

// isSet reports whether key k holds a value.
func (sl *promiseSlot) isSet(k slotKey) bool { return sl.has&(1<<k) != 0 }

// empty reports whether the slot holds nothing (a learned commitment with
// no slot the rules could read).
func (sl *promiseSlot) empty() bool { return sl.has == 0 }

// size is the number of keys set.
func (sl *promiseSlot) size() int { return sl.n }

func (sl *promiseSlot) find(k slotKey) *slotEntry {
	if !sl.isSet(k) {
		return nil
	}
	for j := range sl.n {
		if sl.e[j].key == k {
			return &sl.e[j]
		}
	}
	return nil
}

// setEntry sets key k to e's value, replacing an earlier one.
func (sl *promiseSlot) setEntry(k slotKey, str string, val any) {
	if e := sl.find(k); e != nil {
		e.str, e.val = str, val
		return
	}
	if sl.n == maxSlotEntries {
		// Unreachable by maxSlotEntries' bound; a bug, not bad input.
		panic("promise slot: too many keys")
	}
	sl.e[sl.n] = slotEntry{key: k, str: str, val: val}
	sl.n++
	sl.has |= 1 << k
}

// setString sets key k to the string v.
func (sl *promiseSlot) setString(k slotKey, v string) { sl.setEntry(k, v, nil) }

// setValue sets key k to v, a string or any other value.
func (sl *promiseSlot) setValue(k slotKey, v any) {
	if s, ok := v.(string); ok {
		sl.setEntry(k, s, nil)
		return
	}
	sl.setEntry(k, "", v)
}

// stringOf returns key k's value when it is a string.
func (sl *promiseSlot) stringOf(k slotKey) (string, bool) {
	e := sl.find(k)
	if e == nil || e.val != nil {
		return "", false
	}
	return e.str, true
}

// intOf returns key k's value when it is an int.
func (sl *promiseSlot) intOf(k slotKey) (int, bool) {
	e := sl.find(k)
	if e == nil {
		return 0, false
	}
	n, ok := e.val.(int)
	return n, ok
}

// sameValue reports whether key k is unset in both slots or holds equal
// values in both, as comparing the two map entries would.
func (sl *promiseSlot) sameValue(o *promiseSlot, k slotKey) bool {
	a, b := sl.find(k), o.find(k)
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.val == b.val && (a.val != nil || a.str == b.str)
}

// merge sets every key of o that sl does not hold yet.
func (sl *promiseSlot) merge(o *promiseSlot) {
	for j := range o.n {
		if e := o.e[j]; !sl.isSet(e.key) {
			sl.setEntry(e.key, e.str, e.val)
		}
	}
}

// remove unsets key k.
func (sl *promiseSlot) remove(k slotKey) {
	if !sl.isSet(k) {
		return
	}
	for j := range sl.n {
		if sl.e[j].key == k {
			copy(sl.e[j:sl.n], sl.e[j+1:sl.n])
			sl.n--
			sl.e[sl.n] = slotEntry{}
			break
		}
	}
	sl.has &^= 1 << k
}

// value is e's value as the slot's data holds it. words holds lexicon
// words boxed once (see promiseDetector.words): a verb, event, benefit or
// time word found there is not boxed again.
func (e *slotEntry) value(words map[string]any) any {
	if e.val != nil {
		return e.val
	}
	if e.key == slotVerb || e.key == slotEvent || e.key == slotBenefit || e.key == slotWhen {
		if v, ok := words[e.str]; ok {
			return v
		}
	}
	return e.str
}

// toMap is the slot as a map[string]any of the same keys and values as
// toData's; nil when empty. The learned scorer's findings still carry it.
func (sl *promiseSlot) toMap(words map[string]any) map[string]any {
	if sl.empty() {
		return nil
	}
	m := make(map[string]any, sl.n)
	for j := range sl.n {
		m[slotKeyNames[sl.e[j].key]] = sl.e[j].value(words)
	}
	return m
}

// slotKeysByName are the slot keys in the order of their names, the
// order the "slot" object's keys are written in. Built once, read only.
var slotKeysByName = func() (ks [slotKeyCount]slotKey) {
	for k := range ks {
		ks[k] = slotKey(k)
	}
	slices.SortFunc(ks[:], func(a, b slotKey) int { return strings.Compare(slotKeyNames[a], slotKeyNames[b]) })
	return ks
}()

// slotNameRank is each key's place in slotKeysByName.
var slotNameRank = func() (r [slotKeyCount]uint8) {
	for i, k := range slotKeysByName {
		r[k] = uint8(i)
	}
	return r
}()

// toData writes the slot's fields into fs (of sl.size() fields at
// least), keys in the order of their names, and returns them as the
// "slot" value of Finding.Data: a conversation.Data reads and encodes as
// the map toMap builds, where the map (a header, a group and a hash of
// each key, then walked and sorted again when written) cost several
// times the fields. An empty slot gives a nil map[string]any, as toMap
// did, so that the value and its encoding stay what they were.
func (sl *promiseSlot) toData(fs []conversation.Field, words map[string]any) any {
	if sl.empty() {
		return map[string]any(nil)
	}
	var ranks uint32
	for j := range sl.n {
		ranks |= 1 << slotNameRank[sl.e[j].key]
	}
	d := conversation.Data(fs[:sl.n:sl.n])
	i := 0
	for ranks != 0 {
		k := slotKeysByName[bits.TrailingZeros32(ranks)]
		ranks &= ranks - 1
		e := sl.find(k)
		d[i] = conversation.Field{Key: slotKeyNames[k], Value: e.value(words)}
		i++
	}
	return d
}
