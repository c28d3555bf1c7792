package detect

// NextHas returns the first message at or after from that contains a word
// of class c, or the number of messages when none does: Has of every
// message from there on, read from the presence bits in one loop where
// the engine keeps them. The across analysis (analyze.Batch.PrepareNext)
// asks it for the few messages that may hold a topic word, rather than
// asking Has of every message through a function value.
// TestNextHasMatchesHas holds it to Has.
func (in *Input) NextHas(c ClassID, from int) int {
	n := len(in.Conv.Messages)
	from = max(from, 0)
	if rows := in.present; len(rows) == n && uint(c) < presentWords*64 {
		w, bit := uint8(c)>>6, uint64(1)<<(uint8(c)&63)
		for i := from; i < len(rows); i++ {
			if rows[i][w&(presentWords-1)]&bit != 0 {
				return i
			}
		}
		return n
	}
	for i := from; i < n; i++ {
		if in.Has(i, c) {
			return i
		}
	}
	return n
}
