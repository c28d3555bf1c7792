package classify

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// dataDir is the shared data folder as seen from this package's directory.
const dataDir = "../../../shared/data"

// needData skips the test when the shared data folder is absent, as it is
// wherever the product runs without the development data.
func needData(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dataDir, ussPath)); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
}

// TestTrainWrite retrains the shipped model and overwrites emotion.weights.
// It only runs when asked, with FULLQA_TRAIN=1 (see WEIGHTS.md).
func TestTrainWrite(t *testing.T) {
	if os.Getenv("FULLQA_TRAIN") != "1" {
		t.Skip("set FULLQA_TRAIN=1 to retrain and rewrite emotion.weights")
	}
	needData(t)
	var buf bytes.Buffer
	rep, err := TrainEmotion(context.Background(), dataDir, &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("emotion.weights", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
}

// copyHead copies the first n lines of src (a file below dataDir) to the same
// path below dst.
func copyHead(t *testing.T, dst, src string, n int) {
	t.Helper()
	in, err := os.Open(filepath.Join(dataDir, src))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out bytes.Buffer
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for i := 0; i < n && sc.Scan(); i++ {
		out.Write(sc.Bytes())
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dst, src)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTrainDeterministic trains twice on a small copy of the data, folds in
// parallel included, and wants the same bytes both times.
func TestTrainDeterministic(t *testing.T) {
	needData(t)
	dir := t.TempDir()
	copyHead(t, dir, ussPath, 40)
	for _, p := range []string{shoppingPath, waimaiPath, hotelPath} {
		copyHead(t, dir, p, 300)
	}
	cfg := defaultConfig()
	cfg.Epochs = 2
	cfg.Folds = 3
	var a, b bytes.Buffer
	repA, err := trainEmotion(context.Background(), cfg, dir, &a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trainEmotion(context.Background(), cfg, dir, &b, nil); err != nil {
		t.Fatal(err)
	}
	if repA.Turns == 0 || repA.Reviews == 0 {
		t.Fatalf("trained on %d turns and %d reviews; the subset is empty", repA.Turns, repA.Reviews)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("two runs with the same seed wrote different weights (%d vs %d bytes)", a.Len(), b.Len())
	}
	m, err := decodeEmotion(a.Bytes())
	if err != nil {
		t.Fatalf("decode trained weights: %v", err)
	}
	if _, p := m.Predict(Context{Text: "好的谢谢"}); p <= 0 || p > 1 {
		t.Fatalf("probability %v out of range", p)
	}
}
