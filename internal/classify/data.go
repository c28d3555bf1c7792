package classify

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Paths of the training sets below the data folder (see the data README).
const (
	ussPath      = "uss_jddc/valid_jddc.dialogs.jsonl"
	shoppingPath = "sentiment/online_shopping_10_cats.csv"
	waimaiPath   = "sentiment/waimai_10k.csv"
	hotelPath    = "sentiment/ChnSentiCorp_htl_all.csv"
)

// labelled is one in-domain training or evaluation message: a customer turn
// of a USS dialogue with its satisfaction label.
type labelled struct {
	ctx    Context
	label  Label
	dialog int // index of the dialogue, for splitting folds by dialogue
}

// review is one auxiliary polarity example: a product, hotel or food review
// with no conversation around it and no neutral class.
type review struct {
	text     string
	positive bool
}

// ussDialog mirrors one line of valid_jddc.dialogs.jsonl.
type ussDialog struct {
	ID    string `json:"id"`
	Turns []struct {
		Role string `json:"role"`
		Text string `json:"text"`
		Sat  *int   `json:"sat"`
	} `json:"turns"`
}

// satLabel maps a USS satisfaction score (0 dissatisfied, 1 neutral, 2
// satisfied) to a Label.
func satLabel(sat int) (Label, bool) {
	switch sat {
	case 0:
		return Negative, true
	case 1:
		return Neutral, true
	case 2:
		return Positive, true
	}
	return 0, false
}

// loadUSS reads the USS JDDC dialogues and returns every user turn with a
// satisfaction label, with its context built by ContextsOf, and the number of
// dialogues.
func loadUSS(path string) ([]labelled, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("open uss dialogues: %w", err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	n, line := 0, 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var d ussDialog
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, 0, fmt.Errorf("parse %s:%d: %w", filepath.Base(path), line, err)
		}
		turns := make([]Turn, len(d.Turns))
		for i, t := range d.Turns {
			turns[i] = Turn{Agent: t.Role != "user", Text: t.Text}
		}
		ctxs := ContextsOf(turns)
		for i, t := range d.Turns {
			if t.Role != "user" || t.Sat == nil {
				continue
			}
			l, ok := satLabel(*t.Sat)
			if !ok {
				return nil, 0, fmt.Errorf("%s:%d: sat %d out of range", filepath.Base(path), line, *t.Sat)
			}
			out = append(out, labelled{ctx: ctxs[i], label: l, dialog: n})
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("read uss dialogues: %w", err)
	}
	if len(out) == 0 {
		return nil, 0, fmt.Errorf("read uss dialogues: %s has no labelled user turn", path)
	}
	return out, n, nil
}

// loadReviews reads a polarity CSV with a header naming a "label" (1
// positive, 0 negative) and a "review" column.
func loadReviews(path string) ([]review, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open reviews: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	hdr, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read header of %s: %w", filepath.Base(path), err)
	}
	li, ti := -1, -1
	for i, h := range hdr {
		switch strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) {
		case "label":
			li = i
		case "review":
			ti = i
		}
	}
	if li < 0 || ti < 0 {
		return nil, fmt.Errorf("read header of %s: no label and review columns", filepath.Base(path))
	}
	var out []review
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
		}
		if len(rec) <= max(li, ti) {
			continue
		}
		v, err := strconv.Atoi(strings.TrimSpace(rec[li]))
		text := strings.TrimSpace(strings.TrimPrefix(rec[ti], "\ufeff"))
		if err != nil || (v != 0 && v != 1) || text == "" {
			continue
		}
		out = append(out, review{text: text, positive: v == 1})
	}
	return out, nil
}

// ReadReviews reads a polarity CSV as loadReviews does (a header naming
// a "label" column, 1 positive and 0 negative, and a "review" column;
// rows without text or with another label are skipped), for other
// packages' experiments on the same review sets: the texts and, beside
// each, whether it is positive.
func ReadReviews(path string) (texts []string, positive []bool, err error) {
	rs, err := loadReviews(path)
	if err != nil {
		return nil, nil, err
	}
	texts, positive = make([]string, len(rs)), make([]bool, len(rs))
	for i, r := range rs {
		texts[i], positive[i] = r.text, r.positive
	}
	return texts, positive, nil
}

// ReviewSets are the paths, under the shared data folder, of the labelled
// review sets the emotion model trains on, in the order it reads them:
// other packages' experiments read the same files (ReadReviews).
func ReviewSets() []string { return []string{shoppingPath, waimaiPath, hotelPath} }

// loadAux reads all auxiliary review sets, in a fixed order.
func loadAux(dataDir string) ([]review, error) {
	var all []review
	for _, p := range ReviewSets() {
		rs, err := loadReviews(filepath.Join(dataDir, p))
		if err != nil {
			return nil, err
		}
		all = append(all, rs...)
	}
	return all, nil
}

// ussIDs returns the ids of the USS dialogues in file order, numbered as
// loadUSS numbers them.
func ussIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open uss dialogues: %w", err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var d struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("parse %s:%d: %w", filepath.Base(path), line, err)
		}
		ids = append(ids, d.ID)
	}
	return ids, sc.Err()
}
