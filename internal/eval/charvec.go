package eval

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// charVecCSVs are the CSV files of the shared data folder whose text the
// character vectors learn from, with the column that holds it: the review
// sets and the COLD offensive-language posts (train and dev parts; COLD's
// test part is not read).
var charVecCSVs = []struct{ path, column string }{
	{"sentiment/online_shopping_10_cats.csv", "review"},
	{"sentiment/waimai_10k.csv", "review"},
	{"sentiment/ChnSentiCorp_htl_all.csv", "review"},
	{"offensive/cold_train.csv", "TEXT"},
	{"offensive/cold_dev.csv", "TEXT"},
}

// CharVecCorpus returns the unlabelled Chinese text the character vectors
// are learned from, each piece as text.Normalize gives it, in a fixed
// order: the reviews, the COLD posts, then every message of the JDDC sample
// and of the uss dialogues (their labels are not read: the vectors see the
// chats' words, never what reviewers said of them).
func CharVecCorpus(ctx context.Context, dataDir string) ([]string, error) {
	var out []string
	for _, f := range charVecCSVs {
		texts, err := csvColumn(filepath.Join(dataDir, f.path), f.column)
		if err != nil {
			return nil, fmt.Errorf("char vector corpus: %w", err)
		}
		for _, t := range texts {
			out = append(out, text.Normalize(t))
		}
	}
	for _, src := range []Source{
		JDDC(filepath.Join(dataDir, "jddc", "jddc_dev.tsv")),
		USS(filepath.Join(dataDir, "uss_jddc", "valid_jddc.dialogs.jsonl")),
	} {
		err := src(func(c *conversation.Conversation) error {
			for _, m := range c.Messages {
				out = append(out, text.Normalize(m.Text))
			}
			return ctx.Err()
		})
		if err != nil {
			return nil, fmt.Errorf("char vector corpus: %w", err)
		}
	}
	return out, nil
}

// csvColumn reads the non-blank values of the column named column of a CSV
// file with a header.
func csvColumn(path, column string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	hdr, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read header of %s: %w", filepath.Base(path), err)
	}
	col := -1
	for i, h := range hdr {
		if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == column {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("%s has no column %q", filepath.Base(path), column)
	}
	var out []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
		}
		if col < len(rec) {
			if t := strings.TrimSpace(strings.TrimPrefix(rec[col], "\ufeff")); t != "" {
				out = append(out, t)
			}
		}
	}
}
