// Package hugepages asks the operating system to back the Go heap of a
// long batch run with transparent huge pages.
//
// Why: a scan of a few hundred megabytes grows its heap to its limit
// (GOGC 800 under 512 MiB) and touches every page of it once. With the
// 4 KiB pages Linux gives by default when transparent huge pages are in
// "madvise" mode (Debian's and Ubuntu's default) that is over 100,000 page
// faults a run, a twentieth of the whole run's CPU time on a two-core
// virtual machine, plus the TLB misses of a heap mapped in small pages.
// The Go runtime does not advise its heap itself (it stopped in Go 1.21.1
// because a long-lived server can pay for it in memory), so a batch
// command that knows its heap will be large does it once at start-up.
package hugepages

import "errors"

// ErrUnsupported is returned where the system has no transparent huge
// pages to ask for, or will not give them to advised memory: not Linux,
// or Linux with them "never" on. Nothing is changed then.
var ErrUnsupported = errors.New("transparent huge pages not available")
