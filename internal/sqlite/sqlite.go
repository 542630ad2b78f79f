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
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"github.com/policykb/policykb/internal/policy"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open store.
type DB struct {
	path string
	rw   *sql.DB // one connection: migrations and ingests; nil when read-only
	ro   *sql.DB // read-only pool: every query

	// readOnly says why the store is open read-only, "" if it is not.
	readOnly string
	roQuery  url.Values // the parameters of the read-only connections

	// Statements of the hottest queries, prepared once.
	generationStmt, provisionStmt *sql.Stmt

	gen generationCache
}

// Open opens the store at path, creating it and its directory if need be,
// and brings its schema up to date. A file that exists but is not a sound
// policykb store — empty, damaged, not a database, another program's
// database, or written by a newer policykb — is refused with an *Error and
// left as it is. A store that cannot be written (a full disk, a read-only
// data directory) is refused with an *AccessError.
func Open(path string) (db *DB, err error) {
	defer func() { err = policy.QuotePaths(err) }()
	db, err = open(path, false)
	var aerr *AccessError
	if errors.As(err, &aerr) {
		aerr.Write = true
	}
	return db, err
}

// OpenForReading is Open for a command that only reads: where the store
// cannot be written (a full disk, a read-only data directory or store file)
// but SQLite can read it, it opens it read-only, and ReadOnly says why.
// Writes then fail with ErrReadOnly. A store that needs migrating cannot be
// opened read-only.
func OpenForReading(path string) (db *DB, err error) {
	defer func() { err = policy.QuotePaths(err) }()
	return open(path, true)
}

// ReadOnly says why the store is open read-only, or "" when it may be
// written.
func (db *DB) ReadOnly() string { return db.readOnly }

func open(path string, readOnlyOK bool) (*DB, error) {
	existed, err := checkFile(path)
	if err != nil {
		return nil, accessError(path, err)
	}
	if !existed {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			if p := writeProblem(path, err); p != "" {
				return nil, &AccessError{Path: path, Problem: p, Err: err}
			}
			return nil, fmt.Errorf("create data directory: %w", err) // names quoted by Open
		}
	}
	db := &DB{path: path}
	roQuery := url.Values{"mode": {"ro"}, "_busy_timeout": {"10000"}, "_query_only": {"on"}}
	var why string // why SQLite could not read the store but as immutable
	if existed {
		// Look before writing anything: the rw connection turns WAL on.
		if roQuery, why, err = inspect(context.Background(), path); err != nil {
			return nil, err
		}
	}
	if roQuery.Get("immutable") == "" {
		err = db.openWriter()
	} else {
		// SQLite could not create the -shm file even to read.
		err = &AccessError{Path: path, Problem: why, Err: ErrReadOnly}
	}
	if err != nil {
		var aerr *AccessError
		if !readOnlyOK || !existed || !errors.As(err, &aerr) {
			return nil, err
		}
		// Reads need no writer; a store that needs migrating cannot be read.
		db.readOnly = aerr.Problem
		if err := checkSchemaCurrent(path, roQuery); err != nil {
			return nil, err
		}
	}
	db.roQuery = roQuery
	db.ro, err = sql.Open("sqlite3", dsn(path, roQuery))
	if err != nil {
		db.Close()
		return nil, err
	}
	n := 2 * runtime.GOMAXPROCS(0)
	db.ro.SetMaxOpenConns(n)
	db.ro.SetMaxIdleConns(n)
	if err := db.ro.Ping(); err != nil {
		db.Close()
		return nil, accessError(path, err)
	}
	if db.generationStmt, err = db.ro.Prepare(`SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'`); err != nil {
		db.Close()
		return nil, accessError(path, err)
	}
	if db.provisionStmt, err = db.ro.Prepare(`SELECT ` + provisionColumns + ` FROM provisions WHERE id = ?`); err != nil {
		db.Close()
		return nil, accessError(path, err)
	}
	return db, nil
}

// errProbe stands for a failure to write whose cause writeProblem finds by
// probing the data directory.
var errProbe = &fs.PathError{Op: "write", Err: fs.ErrPermission}

// openWriter opens the read-write connection and migrates the store.
func (db *DB) openWriter() (err error) {
	db.rw, err = sql.Open("sqlite3", dsn(db.path, url.Values{
		"_journal_mode": {"WAL"}, "_synchronous": {"NORMAL"}, "_foreign_keys": {"on"},
		"_busy_timeout": {"10000"}, "_txlock": {"immediate"},
	}))
	if err != nil {
		db.rw = nil
		return err
	}
	db.rw.SetMaxOpenConns(1)
	if err := db.migrate(context.Background()); err != nil {
		db.rw.Close()
		db.rw = nil
		var serr *Error
		if errors.As(err, &serr) {
			return err
		}
		if damage(err) {
			return &Error{db.path, "is damaged: " + err.Error()}
		}
		if p := writeProblem(db.path, err); p != "" {
			return &AccessError{Path: db.path, Problem: p, Err: err}
		}
		return fmt.Errorf("migrate %s: %w", policy.Name(db.path), err)
	}
	return nil
}

// writer returns the read-write connection, or ErrReadOnly, with the
// reason, when the store is open read-only.
func (db *DB) writer() (*sql.DB, error) {
	db.gen.forget()
	if db.rw == nil {
		return nil, &AccessError{Path: db.path, Problem: db.readOnly, Err: ErrReadOnly, Write: true}
	}
	return db.rw, nil
}

// checkSchemaCurrent refuses a store opened read-only whose schema is
// older than this program's: it would need migrating, which writes.
func checkSchemaCurrent(path string, roQuery url.Values) error {
	ro, err := sql.Open("sqlite3", dsn(path, roQuery))
	if err != nil {
		return err
	}
	defer ro.Close()
	var newest int
	if err := ro.QueryRow(`SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return accessError(path, err)
	}
	if newest < SchemaVersion() {
		return &AccessError{Path: path, Problem: fmt.Sprintf("it was written by an earlier policykb and needs migrating (schema %d to %d), which needs writing, but %s",
			newest, SchemaVersion(), writeProblem(path, errProbe)), Err: ErrReadOnly}
	}
	return nil
}

// Error refuses a store file that is not a sound policykb store.
type Error struct {
	Path    string
	Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("store %s %s; it was left as it is: restore it from a backup (policykb backup) or move it away", policy.Name(e.Path), e.Problem)
}

// Unwrap makes an Error invalid input for policy.ErrorCode, with the same message.
func (e *Error) Unwrap() error { return &policy.Error{Code: policy.EINVALID, Message: e.Error()} }

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkFile looks at the store file before SQLite opens it: whether it
// exists, and if so, whether it is a regular file that starts like an SQLite
// database.
func checkFile(path string) (existed bool, err error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return true, &Error{path, fmt.Sprintf("is not a regular file (%s)", policy.FileKind(fi.Mode()))}
	}
	if fi.Size() == 0 {
		return true, &Error{path, "is empty (0 bytes): whatever it held is gone, and it is not refilled"}
	}
	f, err := os.Open(path)
	if err != nil {
		return true, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || string(head) != sqliteHeader {
		return true, &Error{path, "is not an SQLite database (damaged, or another kind of file)"}
	}
	return true, nil
}

// inspect checks an existing store through a read-only connection, before
// anything writes to it: SQLite can read it, it passes a quick integrity
// check, its tables are a policykb store's, and its schema is not newer
// than this program's. It returns the parameters of the read-only
// connection that could read it: mode=ro, or, where SQLite cannot create
// the -shm file (a read-only directory, a full disk) and there is no -wal
// file with transactions in it, immutable=1 too.
func inspect(ctx context.Context, path string) (q url.Values, why string, err error) {
	q = url.Values{"mode": {"ro"}, "_busy_timeout": {"10000"}, "_query_only": {"on"}}
	err = inspectWith(ctx, path, q)
	if err == nil || damage(err) {
		return q, "", err
	}
	var problem *Error
	if errors.As(err, &problem) {
		return q, "", err
	}
	why = writeProblem(path, err)
	if why == "" {
		return q, "", err
	}
	if fi, serr := os.Stat(path + "-wal"); serr == nil && fi.Size() > 0 {
		// Transactions in the -wal that immutable=1 would not see.
		return q, why, accessError(path, err)
	}
	q.Set("immutable", "1")
	if ierr := inspectWith(ctx, path, q); ierr != nil {
		if damage(ierr) || errors.As(ierr, &problem) {
			return q, why, ierr
		}
		return q, why, accessError(path, err)
	}
	return q, why, nil
}

// inspectWith is inspect with the connection parameters q. It returns an
// *Error for a damaged or foreign store, SQLite's error where it cannot
// read the store.
func inspectWith(ctx context.Context, path string, q url.Values) (err error) {
	// Reading a WAL-mode file makes SQLite create its -wal and -shm files;
	// those this refusal made, it removes.
	var made []string
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Lstat(path + suffix); errors.Is(err, fs.ErrNotExist) {
			made = append(made, path+suffix)
		}
	}
	defer func() {
		if err != nil {
			for _, name := range made {
				os.Remove(name)
			}
		}
	}()
	ro, err := sql.Open("sqlite3", dsn(path, q))
	if err != nil {
		return err
	}
	defer ro.Close() // before the removal above
	ro.SetMaxOpenConns(1)
	// Only SQLite's own verdict calls a store damaged; other failures (a
	// full disk, a read-only directory) are returned as they are.
	damaged := func(err error) error {
		if damage(err) {
			return &Error{path, "is damaged: " + err.Error()}
		}
		return err
	}
	rows, err := ro.QueryContext(ctx, `PRAGMA quick_check`)
	if err != nil {
		return damaged(err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return damaged(err)
		}
		if s != "ok" && len(problems) < 3 {
			problems = append(problems, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return damaged(err)
	}
	if len(problems) > 0 {
		return &Error{path, "is damaged: " + strings.Join(problems, "; ")}
	}
	var tables, ours int
	if err := ro.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &ours); err != nil {
		return damaged(err)
	}
	switch {
	case tables > 0 && ours == 0:
		return &Error{path, "is an SQLite database of another program, not a policykb store"}
	case ours == 0:
		return nil // an empty database: nothing to lose
	}
	var newest int
	if err := ro.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return damaged(err)
	}
	if known := SchemaVersion(); newest > known {
		return newerSchema(path, newest, known)
	}
	return nil
}

func newerSchema(path string, newest, known int) error {
	return &Error{path, fmt.Sprintf("was written by a newer policykb (schema %d; this one knows schemas up to %d): use that policykb or a newer one", newest, known)}
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

// afterMigration holds what runs in a migration's transaction after its
// SQL, by migration number.
var afterMigration = map[int]func(context.Context, *sql.Tx) error{
	3: snapshotStored,
}

// rebuildsTables holds the numbers of the migrations that rebuild a table
// other tables refer to (SQLite's procedure for schema changes ALTER TABLE
// cannot make): they run with foreign keys off, which SQLite only allows
// outside a transaction, and their transaction commits only if every
// foreign key still holds.
var rebuildsTables = map[int]bool{4: true}

// migrate applies the embedded migrations the store has not seen, each in
// its own transaction, in the order of their numbers. A store that has seen
// migrations this program does not know is refused.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.rw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY) STRICT`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	versions := make([]int, len(names))
	for i, name := range names {
		v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: no version number", name)
		}
		versions[i] = v
	}
	known := versions[len(versions)-1]
	var newest int
	if err := db.rw.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if newest > known {
		return newerSchema(db.path, newest, known)
	}
	for i, name := range names {
		if err := db.apply(ctx, versions[i], name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// SchemaVersion is the newest schema this program knows.
func SchemaVersion() int {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	v, _ := strconv.Atoi(strings.SplitN(filepath.Base(names[len(names)-1]), "_", 2)[0])
	return v
}

func (db *DB) apply(ctx context.Context, version int, name string) (err error) {
	// One connection for the whole migration: PRAGMA foreign_keys is a
	// setting of the connection.
	conn, err := db.rw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rebuild := rebuildsTables[version]
	if rebuild {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
		defer func() {
			// The connection is the store's only writer: it must not stay
			// without foreign keys.
			if _, ferr := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`); ferr != nil && err == nil {
				err = ferr
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Inside the transaction, which holds the write lock: another process
	// opening the store at the same time applies each migration once.
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
	if after := afterMigration[version]; after != nil {
		if err := after(ctx, tx); err != nil {
			return err
		}
	}
	if rebuild {
		if err := foreignKeyCheck(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version); err != nil {
		return err
	}
	return tx.Commit()
}

// foreignKeyCheck returns an error naming the first rows whose foreign
// keys do not hold, if any do not.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		if len(problems) < 3 {
			problems = append(problems, fmt.Sprintf("a row of %s refers to a missing row of %s", table, parent))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("foreign keys do not hold: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Generation returns a number that changes whenever the stored data
// changes. It is read from the store only when the store's files have
// changed since the last read (or that read is older than
// generationMaxAge): a server asks for it on every request, and a look at
// the files costs a few microseconds where a query costs a reader
// connection.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	if g, ok := db.gen.get(db.path); ok {
		return g, nil
	}
	stamp := stampOf(db.path)
	var g int64
	if err := db.generationStmt.QueryRowContext(ctx).Scan(&g); err != nil {
		return g, err
	}
	db.gen.set(g, stamp)
	return g, nil
}

// generationMaxAge is how long a generation read from the store is used
// while the store's files look unchanged. Every commit writes the -wal
// file (or, without one, the store file), so a change shows at once in
// their size or time of modification but where a commit rewrites the -wal
// file from its start to the same size within the clock's granularity
// (a few milliseconds) of the last read: then the change shows after at
// most this long.
const generationMaxAge = 250 * time.Millisecond

// generationCache keeps the last generation read from the store, with the
// state of the store's files at the time of the read.
type generationCache struct {
	mu    sync.Mutex
	ok    bool
	gen   int64
	stamp fileStamp
	at    time.Time
}

// fileStamp is what changes in the store's files when a commit writes
// them.
type fileStamp struct {
	dbSize, walSize   int64
	dbMtime, walMtime int64
}

func stampOf(path string) fileStamp {
	var s fileStamp
	if fi, err := os.Stat(path); err == nil {
		s.dbSize, s.dbMtime = fi.Size(), fi.ModTime().UnixNano()
	}
	if fi, err := os.Stat(path + "-wal"); err == nil {
		s.walSize, s.walMtime = fi.Size(), fi.ModTime().UnixNano()
	} else {
		s.walSize = -1
	}
	return s
}

func (c *generationCache) get(path string) (int64, bool) {
	c.mu.Lock()
	ok, gen, stamp, at := c.ok, c.gen, c.stamp, c.at
	c.mu.Unlock()
	if !ok || time.Since(at) > generationMaxAge || stampOf(path) != stamp {
		return 0, false
	}
	return gen, true
}

// set keeps gen, read after the files were as stamp says.
func (c *generationCache) set(gen int64, stamp fileStamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ok, c.gen, c.stamp, c.at = true, gen, stamp, time.Now()
}

// forget drops the kept generation: the store is being written.
func (c *generationCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ok = false
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
