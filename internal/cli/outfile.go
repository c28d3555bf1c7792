package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// outFile is a file the run writes (--out, --rejects) that a failed or
// interrupted run must not destroy: it is written to a temporary file
// beside the target and renamed over it only by Commit, so until then the
// old file stays as it was. Targets that are not regular files (/dev/null,
// a named pipe, a terminal) are written directly, since renaming over them
// would replace the device or pipe; a symbolic link is followed so the file
// it points at is replaced, not the link.
type outFile struct {
	*os.File
	target string // "" when writing directly
	done   bool
}

// createOut opens path for writing as described on outFile.
func createOut(path string) (*outFile, error) {
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	mode := fs.FileMode(0o644)
	st, err := os.Stat(target)
	switch {
	case err == nil && !st.Mode().IsRegular():
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return nil, err
		}
		return &outFile{File: f}, nil
	case err == nil:
		mode = st.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".fullqa-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &outFile{File: f, target: target}, nil
}

// Commit closes the file and puts it in place of the target.
func (o *outFile) Commit() error {
	if o.done {
		return nil
	}
	o.done = true
	if err := o.File.Close(); err != nil {
		if o.target != "" {
			os.Remove(o.File.Name())
		}
		return err
	}
	if o.target == "" {
		return nil
	}
	if err := os.Rename(o.File.Name(), o.target); err != nil {
		os.Remove(o.File.Name())
		return err
	}
	return nil
}

// Discard closes the file and removes the temporary file, leaving the
// target as it was. It does nothing after Commit, so it can be deferred.
func (o *outFile) Discard() {
	if o.done {
		return
	}
	o.done = true
	o.File.Close()
	if o.target != "" {
		os.Remove(o.File.Name())
	}
}
