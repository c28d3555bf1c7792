package store

import (
	"net/url"
	"strings"
)

// dialect holds everything that differs between SQL databases, so the rest
// of the package writes one portable SQL: "?" placeholders, INSERT … ON
// CONFLICT, RETURNING and BIGINT millisecond times work in both SQLite and
// PostgreSQL.
type dialect interface {
	// dsn is the driver's data source name for a database file or URL.
	dsn(path string) string
	// ddl rewrites a migration's portable markers into this dialect:
	// {{ID}} is an auto-increment 64-bit primary key column type.
	ddl(stmt string) string
	// q rewrites "?" placeholders, where the database wants others.
	q(query string) string
}

// sqliteDialect is SQLite through modernc.org/sqlite. WAL lets readers run
// beside the one writer; synchronous=FULL makes every commit durable
// before the API answers 2xx, even across a power cut (a killed process
// alone would lose nothing with NORMAL either); busy_timeout covers the
// CLI writing (user add) while the server runs.
type sqliteDialect struct{}

func (sqliteDialect) dsn(path string) string {
	v := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(ON)"} {
		v.Add("_pragma", p)
	}
	v.Add("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

func (sqliteDialect) ddl(stmt string) string {
	return strings.ReplaceAll(stmt, "{{ID}}", "INTEGER PRIMARY KEY AUTOINCREMENT")
}

func (sqliteDialect) q(query string) string { return query }
