//go:build !unix

package store

import "os"

// lockFile is a no-op where flock is not available: the service then
// relies on the operator not to start two on one data directory.
func lockFile(*os.File) error { return nil }
