package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ExpandInputs turns the inputs named on a command line into the files to
// read, in order: a directory gives every regular file inside it,
// recursively, in name order (hidden files and folders, and the done/ and
// rejected/ folders a watched folder keeps, are skipped); a pattern with
// * ? or [ gives its matches in name order (quoted, so the shell did not
// expand it); "-" (stdin) and plain files stay as they are. A pattern that
// matches nothing and a missing path are errors, so a typo is not a silent
// empty run.
func ExpandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		if strings.ContainsAny(a, "*?[") {
			if _, err := os.Stat(a); err != nil { // not a file that happens to have * in its name
				matches, err := filepath.Glob(a)
				if err != nil {
					return nil, fmt.Errorf("%s: bad pattern: %w", a, err)
				}
				if len(matches) == 0 {
					return nil, fmt.Errorf("%s: no file matches", a)
				}
				sort.Strings(matches)
				for _, m := range matches {
					files, err := expandPath(m)
					if err != nil {
						return nil, err
					}
					out = append(out, files...)
				}
				continue
			}
		}
		files, err := expandPath(a)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// expandPath returns path itself, or the files under it when it is a
// directory.
func expandPath(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != path && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != path && (name == "done" || name == "rejected") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !strings.HasSuffix(name, ".rejects") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrNoFiles)
	}
	return files, nil // WalkDir walks in lexical order
}

// ErrNoFiles is the error of a folder with no files to read.
var ErrNoFiles = errors.New("the folder has no files to read")
