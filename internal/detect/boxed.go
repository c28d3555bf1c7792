package detect

// boxedRatios holds k/n as interface values for k = 0…n (n is its length
// less one): the values a probability rounded to 1/n takes, boxed once so
// that a finding's Data reuses one instead of boxing a float64 (an
// allocation) for every finding. The emotion detector's hundredths and
// the promise detector's thousandths (pValues) are two. Read-only once
// built, so that every worker reads the same table.
type boxedRatios []any

// newBoxedRatios returns the table of k/n for k = 0…n, each
// float64(k) / float64(n): the division round2 and roundP end with, so
// the same bits (TestRound2Any, TestPValue).
func newBoxedRatios(n int) boxedRatios {
	t := make(boxedRatios, n+1)
	for k := range t {
		t[k] = float64(k) / float64(n)
	}
	return t
}
