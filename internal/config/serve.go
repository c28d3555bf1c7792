package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"fullqa/internal/detect"
)

// Serve configures `fullqa serve`, the long-running service.
type Serve struct {
	// Listen is the HTTP address. The default is loopback only: put a
	// TLS-terminating proxy in front to serve other machines.
	Listen string `yaml:"listen"`
	// DataDir holds the SQLite database (fullqa.db and its WAL files).
	DataDir string `yaml:"data_dir"`
	// CloseAfter is the idle time after which a streamed conversation is
	// closed and inspected in full.
	CloseAfter detect.Duration `yaml:"close_after"`
	// Retention deletes conversations (with their messages, results and
	// findings) whose first message is older than this, e.g. "400d"; 0
	// keeps everything.
	Retention Age `yaml:"retention"`
	// MaxBodyBytes caps one request body; a larger one is refused with 413.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxRecordBytes caps one record (a conversation or message line).
	MaxRecordBytes int `yaml:"max_record_bytes"`
	// MaxRecords caps the records of one request.
	MaxRecords int `yaml:"max_records"`
	// Queue is how many conversations may wait for inspection at once;
	// beyond it requests get 429 with Retry-After instead of growing memory.
	Queue int `yaml:"queue"`
	// ShutdownTimeout bounds how long a shutdown waits for in-flight
	// requests and inspections.
	ShutdownTimeout detect.Duration `yaml:"shutdown_timeout"`
	// PublicURL is where people reach the service (through a proxy, say,
	// https://qa.example.com); links in alerts and scheduled reports point
	// below it. Empty: alerts carry no links.
	PublicURL string `yaml:"public_url"`
	// Watch is a folder whose new files (any input format) are ingested
	// and then moved to its done/ or rejected/ subfolder; empty: none.
	Watch string `yaml:"watch"`
}

// DefaultServe is the built-in service configuration.
func DefaultServe() Serve {
	return Serve{Listen: "127.0.0.1:8080", DataDir: "./fullqa-data", CloseAfter: detect.Duration(30 * time.Minute),
		MaxBodyBytes: 64 << 20, MaxRecordBytes: 1 << 20, MaxRecords: 20000, Queue: 50000,
		ShutdownTimeout: detect.Duration(30 * time.Second)}
}

// Validate checks the service settings.
func (s Serve) Validate() error {
	switch {
	case strings.TrimSpace(s.Listen) == "":
		return errors.New("serve.listen: empty")
	case strings.TrimSpace(s.DataDir) == "":
		return errors.New("serve.data_dir: empty")
	case s.CloseAfter <= 0:
		return errors.New("serve.close_after: must be positive")
	case s.Retention < 0:
		return errors.New("serve.retention: must not be negative")
	case s.MaxBodyBytes <= 0 || s.MaxRecordBytes <= 0 || s.MaxRecords <= 0 || s.Queue <= 0:
		return errors.New("serve.max_body_bytes, max_record_bytes, max_records and queue must be positive")
	case s.ShutdownTimeout <= 0:
		return errors.New("serve.shutdown_timeout: must be positive")
	}
	if s.PublicURL != "" {
		u, err := url.Parse(s.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("serve.public_url %q: want an http(s) URL such as https://qa.example.com", s.PublicURL)
		}
	}
	return nil
}

// Age is a duration that may be written in days ("400d") as well as in Go
// units ("72h"); retention periods are counted in days.
type Age time.Duration

// UnmarshalYAML parses "400d", "72h" or "0".
func (a *Age) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a duration like 400d or 72h", n.Line)
	}
	v, err := ParseAge(s)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*a = Age(v)
	return nil
}

// MarshalYAML writes whole days as "Nd".
func (a Age) MarshalYAML() (any, error) {
	d := time.Duration(a)
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d", nil
	}
	return d.String(), nil
}

// ParseAge parses "400d", a Go duration, or "0".
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q: want a duration like 400d or 72h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want a duration like 400d or 72h", s)
	}
	return v, nil
}
