package classify

// exampleSet holds many hashed examples in flat slices for training, with
// a label of type L per example (yes/no for Linear, a class for Softmax):
// one slice each for the feature indexes, their values and where each
// example starts, instead of a slice per example.
type exampleSet[L bool | int] struct {
	idx   []uint32
	val   []float32
	off   []int32
	label []L
}

// Add appends one example.
func (s *exampleSet[L]) Add(idx []uint32, val []float32, label L) {
	if len(s.off) == 0 {
		s.off = append(s.off, 0)
	}
	s.idx = append(s.idx, idx...)
	s.val = append(s.val, val...)
	s.off = append(s.off, int32(len(s.idx)))
	s.label = append(s.label, label)
}

// Len is the number of examples.
func (s *exampleSet[L]) Len() int { return len(s.label) }

// Example returns example i's features and label.
func (s *exampleSet[L]) Example(i int) ([]uint32, []float32, L) {
	return s.idx[s.off[i]:s.off[i+1]], s.val[s.off[i]:s.off[i+1]], s.label[i]
}
