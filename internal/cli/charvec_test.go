package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/classify"
)

// tinyCharVecData lays out the files `fullqa train charvec` reads, with a
// few lines each.
func tinyCharVecData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"sentiment/online_shopping_10_cats.csv": "cat,label,review\n书籍,1,这本书很好\n书籍,0,这本书很差\n",
		"sentiment/waimai_10k.csv":              "label,review\n1,送得很快很好吃\n0,送得太慢不好吃\n",
		"sentiment/ChnSentiCorp_htl_all.csv":    "label,review\n1,房间很好\n0,房间很差\n",
		"offensive/cold_train.csv":              ",split,topic,label,TEXT\n1,train,race,0,你们很差\n",
		"offensive/cold_dev.csv":                ",split,topic,label,TEXT\n2,dev,race,0,你们很好\n",
		"jddc/jddc_dev.tsv":                     "s1\tu1\t0\t0\t0\tnan\t很好很好\ns1\tu1\t1\t0\t0\tnan\t很差很差\n",
		"uss_jddc/valid_jddc.dialogs.jsonl":     `{"id": "a", "turns": [{"role": "user", "text": "很好", "sat": 2}]}` + "\n",
	}
	for rel, body := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestTrainCharVec runs `fullqa train charvec` twice on a tiny folder: the
// same bytes both times, a file that decodes to the dimensions asked for,
// and a report that names what it read.
func TestTrainCharVec(t *testing.T) {
	data := tinyCharVecData(t)
	var files [2][]byte
	for k := range files {
		out := filepath.Join(t.TempDir(), "v.bin")
		code, stdout, stderr := run(t, "", "train", "charvec", "--data", data, "--out", out, "--dim", "4", "--bigrams", "10")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "11 texts") || !strings.Contains(stdout, "wrote "+out) {
			t.Errorf("report:\n%s", stdout)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[k] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("two trainings wrote different files")
	}
	v, err := classify.DecodeCharVectors(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if v.Dim != 4 || v.Len() == 0 {
		t.Errorf("%d vectors of %d dimensions", v.Len(), v.Dim)
	}
	if code, _, _ := run(t, "", "eval", "negative", "--data", data, "--embed", "nonsense"); code != ExitError {
		t.Errorf("an unknown --embed feature exited %d", code)
	}
}
