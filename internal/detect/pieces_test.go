package detect

import (
	"math/rand/v2"
	"strings"
)

// pieceText joins n pieces drawn at random from pieces: the random texts
// the shortcuts' tests hold to their reference code are made of words,
// parts of words and broken bytes this way.
func pieceText(rng *rand.Rand, pieces []string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}
