// Package sqlite stores policy documents in SQLite: the documents, their
// provisions and their source texts. It implements the services of package
// policy. Writes go through one read-write connection, each ingest in one
// transaction; reads go through a pool of read-only connections, so a server
// keeps answering while a document is being ingested (the database is in WAL
// mode).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open store.
type DB struct {
	path string
	rw   *sql.DB // one connection: migrations and ingests
	ro   *sql.DB // read-only pool: every query

	// Statements of the hottest queries, prepared once.
	generationStmt, provisionStmt *sql.Stmt
}

// Open opens the store at path, creating it and its directory if need be,
// and brings its schema up to date.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db := &DB{path: path}
	var err error
	db.rw, err = sql.Open("sqlite3", dsn(path, url.Values{
		"_journal_mode": {"WAL"}, "_synchronous": {"NORMAL"}, "_foreign_keys": {"on"},
		"_busy_timeout": {"10000"}, "_txlock": {"immediate"},
	}))
	if err != nil {
		return nil, err
	}
	db.rw.SetMaxOpenConns(1)
	if err := db.migrate(context.Background()); err != nil {
		db.rw.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	db.ro, err = sql.Open("sqlite3", dsn(path, url.Values{"mode": {"ro"}, "_busy_timeout": {"10000"}, "_query_only": {"on"}}))
	if err != nil {
		db.rw.Close()
		return nil, err
	}
	n := 2 * runtime.GOMAXPROCS(0)
	db.ro.SetMaxOpenConns(n)
	db.ro.SetMaxIdleConns(n)
	if err := db.ro.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	if db.generationStmt, err = db.ro.Prepare(`SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'`); err != nil {
		db.Close()
		return nil, err
	}
	if db.provisionStmt, err = db.ro.Prepare(`SELECT ` + provisionColumns + ` FROM provisions WHERE id = ?`); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func dsn(path string, q url.Values) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path returns the file of the store.
func (db *DB) Path() string { return db.path }

// Close closes the store.
func (db *DB) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{db.generationStmt, db.provisionStmt} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if db.ro != nil {
		errs = append(errs, db.ro.Close())
	}
	if db.rw != nil {
		errs = append(errs, db.rw.Close())
	}
	return errors.Join(errs...)
}

// migrate applies the embedded migrations the store has not seen, each in
// its own transaction, in the order of their numbers.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.rw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY) STRICT`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: no version number", name)
		}
		if err := db.apply(ctx, v, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, version int, name string) error {
	tx, err := db.rw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
		return err
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version); err != nil {
		return err
	}
	return tx.Commit()
}

// Generation returns a number that changes whenever the stored data changes.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	var g int64
	err := db.generationStmt.QueryRowContext(ctx).Scan(&g)
	return g, err
}

// IntegrityCheck runs SQLite's integrity check and returns its complaint, if
// any.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.ro.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
