package detect

import (
	"fmt"
	"unicode/utf8"
)

// trimSet is a cut set for strings.TrimRight made of ASCII bytes and
// three-byte characters only (particles such as 呢, 啊, 的 and quotes such
// as ‘’), read from the end of the text without decoding it. The promise
// rules trim such particles off a clause thousands of times on 2,000
// chats (an action's object, the tail of a question); strings.TrimRight
// with a cut set past ASCII decodes the last character with
// utf8.DecodeLastRuneInString and looks it up with strings.ContainsRune,
// which converts the rune to a string and searches the set with
// strings.Index: about 380 instructions a call where most calls trim
// nothing.
//
// A three-byte character of the set ends the text exactly when the text's
// last three bytes are its encoding: utf8.DecodeLastRuneInString decodes
// a valid three-byte sequence from its lead whatever stands before it, and
// any other ending (a shorter or longer character, a stray byte) is no
// character of the set. So the last three bytes are compared as they
// stand, as trimRightParticles does. TestTrimSets and FuzzTrimSets hold
// trimRight to strings.TrimRight for every set the rules use.
type trimSet struct {
	ascii [2]uint64 // bit c: ASCII byte c is in the set
	// tail has bit b&63 set for the last byte b of each three-byte
	// character of the set: a text whose last byte (not ASCII) has its
	// bit clear ends with none of them, which most texts show with one
	// test where the loop over cjk compared every character of the set.
	tail uint64
	cjk  [maxTrimChars]uint32
	n    int // the three-byte characters in cjk, each its bytes as a big-endian number
}

// maxTrimChars is the most three-byte characters a trimSet holds.
const maxTrimChars = 12

// newTrimSet returns the trimSet of cut. It panics when cut holds a
// character that is neither ASCII nor three bytes long, or too many: the
// sets are constants of this package, so that is a programming error.
func newTrimSet(cut string) *trimSet {
	t := &trimSet{}
	for _, r := range cut {
		switch n := utf8.RuneLen(r); {
		case r == utf8.RuneError:
			// What s opens with (opens) may decode to it from any
			// invalid byte, which no comparison of its bytes sees.
			panic(fmt.Sprintf("trimSet %q: U+FFFD", cut))
		case n == 1:
			t.ascii[r>>6] |= 1 << (r & 63)
		case n == 3 && t.n < maxTrimChars:
			var b [3]byte
			utf8.EncodeRune(b[:], r)
			t.cjk[t.n] = uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
			t.tail |= 1 << (b[2] & 63)
			t.n++
		default:
			panic(fmt.Sprintf("trimSet %q: %q is not ASCII or three bytes, or the set is too long", cut, r))
		}
	}
	return t
}

// trimRight is strings.TrimRight(s, cut) for the cut set t was made of.
func (t *trimSet) trimRight(s string) string {
	for n := len(s); n > 0; n = len(s) {
		if b := s[n-1]; b < utf8.RuneSelf {
			if t.ascii[b>>6]>>(b&63)&1 == 0 {
				return s
			}
			s = s[:n-1]
			continue
		} else if t.tail>>(b&63)&1 == 0 {
			return s
		}
		if n < 3 {
			return s
		}
		w := uint32(s[n-3])<<16 | uint32(s[n-2])<<8 | uint32(s[n-1])
		k := 0
		for k < t.n && t.cjk[k] != w {
			k++
		}
		if k == t.n {
			return s
		}
		s = s[:n-3]
	}
	return s
}

// opens reports whether s opens with a character of the set:
// strings.ContainsRune(cut, r) for the first character r that
// utf8.DecodeRuneInString reads of s, the three-byte characters compared
// as they stand (a valid three-byte sequence decodes to its character
// whatever follows; anything else is no character of the set).
func (t *trimSet) opens(s string) bool {
	if len(s) == 0 {
		return false
	}
	if b := s[0]; b < utf8.RuneSelf {
		return t.ascii[b>>6]>>(b&63)&1 != 0
	}
	if len(s) < 3 {
		return false
	}
	w := uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2])
	for k := 0; k < t.n; k++ {
		if t.cjk[k] == w {
			return true
		}
	}
	return false
}

// The cut sets of the promise rules' trims (see trimSet).
var (
	trimObject   = newTrimSet("的呢哦哈啦了吧") // an action's object: particles after it
	trimQuestion = newTrimSet("呢啊呀亲")    // asked: a tag question's clause
	trimAsked    = newTrimSet("呢啊呀亲'‘’") // askedActionIn: a vocative or quote after the particle
	trimEnds     = newTrimSet("啊呀哦")     // questionEnds
	trimTail     = newTrimSet("呢啊呀")     // the conflict rules' question tails
	// trimParticles: the learned promise scorer's closing particles
	// (trimRightParticles).
	trimParticles = newTrimSet(" .~!呢哦哈呀啊亲")
	// notSelfActor are the characters after which 我 is no actor of the
	// verb after it (我们, 我的, 我想 …: see extract).
	notSelfActor = newTrimSet("们的想要看觉在")
)
