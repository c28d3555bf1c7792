package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// runState is the --state file of an incremental run: the files already
// read, by path, size and content hash, so that a cron job over a folder of
// daily exports reads each file once. A file whose content changed under
// the same name is read again. The state is written only after a run that
// succeeded, by rename, so a failed or interrupted run reads the same files
// next time.
type runState struct {
	path  string
	Files map[string]stateEntry `json:"files"`
	added map[string]stateEntry
}

type stateEntry struct {
	Size   int64     `json:"size"`
	SHA256 string    `json:"sha256"`
	Read   time.Time `json:"read"`
}

func loadState(path string) (*runState, error) {
	st := &runState{path: path, Files: map[string]stateEntry{}, added: map[string]stateEntry{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("state %s: not a fullqa state file: %w", path, err)
	}
	if st.Files == nil {
		st.Files = map[string]stateEntry{}
	}
	return st, nil
}

// newFiles returns the files not read before (stdin is always read) and
// remembers them for save.
func (st *runState) newFiles(files []string) ([]string, error) {
	var out []string
	for _, f := range files {
		if f == "-" {
			out = append(out, f)
			continue
		}
		e, err := fingerprint(f)
		if err != nil {
			return nil, err
		}
		key := f
		if abs, err := filepath.Abs(f); err == nil {
			key = abs
		}
		if old, ok := st.Files[key]; ok && old.Size == e.Size && old.SHA256 == e.SHA256 {
			continue
		}
		st.added[key] = e
		out = append(out, f)
	}
	return out, nil
}

func fingerprint(path string) (stateEntry, error) {
	fh, err := os.Open(path)
	if err != nil {
		return stateEntry{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return stateEntry{}, fmt.Errorf("%s: %w", path, err)
	}
	return stateEntry{Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), Read: time.Now().UTC().Truncate(time.Second)}, nil
}

// save writes the state with this run's files added, atomically.
func (st *runState) save() error {
	for k, v := range st.added {
		st.Files[k] = v
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	tmp := st.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if err := os.Rename(tmp, st.path); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}
