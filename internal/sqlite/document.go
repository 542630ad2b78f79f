package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/policykb/policykb/internal/label"
	"github.com/policykb/policykb/internal/policy"
)

// writeCurrent makes doc, numbered version, the current version of its
// document inside tx: it replaces the rows of any earlier version, with its
// provisions and what it cites.
func writeCurrent(ctx context.Context, tx *sql.Tx, doc *policy.Document, version int) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, doc.ID); err != nil {
		return fmt.Errorf("delete %s: %w", doc.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, title, fiscal_year, decided_on, decided_by,
		title_line, title_line_no, date_line, date_line_no, decided_by_line, decided_by_line_no,
		page_count, encoding, source, sha256, version, partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.ID, doc.Title, nullInt(doc.FiscalYear), doc.DecidedOn.String(), doc.DecidedBy,
		doc.TitleLine, doc.TitleLineNo, doc.DateLine, doc.DateLineNo, doc.DecidedByLine, doc.DecidedByLineNo,
		doc.PageCount, doc.Encoding, doc.Source, doc.SHA256, version, doc.Partial); err != nil {
		return fmt.Errorf("insert %s: %w", doc.ID, err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO provisions (id, document_id, parent_id, seq, kind, level, number,
		label, label_key, short_key, marker, heading, paragraphs, pages, line, heading_line, paragraph_lines, notes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, p := range doc.Provisions {
		key := label.Key(p.Label)
		if _, err := stmt.ExecContext(ctx, p.ID, doc.ID, nullString(p.ParentID), p.Seq, string(p.Kind), storedLevel(p), p.Number,
			p.Label, key, label.Short(key), p.Marker, p.Heading, mustJSON(p.Paragraphs), mustJSON(p.Pages),
			p.Line, p.HeadingLine, mustJSON(p.ParagraphLines), notesJSON(p.Notes)); err != nil {
			return fmt.Errorf("insert %s: %w", p.ID, err)
		}
	}
	return ingestReferences(ctx, tx, doc)
}

const documentColumns = `id, title, fiscal_year, decided_on, decided_by, title_line, title_line_no,
	date_line, date_line_no, decided_by_line, decided_by_line_no, page_count, encoding, sha256, version, partial`

// documentColumnsV3 reads the documents of a store of schema 3 (in the
// migration to it), which knows no excerpts, in the order of
// documentColumns.
const documentColumnsV3 = `id, title, fiscal_year, decided_on, decided_by, title_line, title_line_no,
	date_line, date_line_no, decided_by_line, decided_by_line_no, page_count, encoding, sha256, version, 0`

// Documents returns every document, ordered by ID, without its source text.
func (db *DB) Documents(ctx context.Context) ([]*policy.Document, error) {
	return db.documents(ctx, `SELECT `+documentColumns+` FROM documents ORDER BY id`)
}

// DocumentsByID returns the documents with the given IDs, without their
// source texts.
func (db *DB) DocumentsByID(ctx context.Context, ids []string) ([]*policy.Document, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.documents(ctx, `SELECT `+documentColumns+` FROM documents WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`, anys(ids)...)
}

// Source returns the source text of a document as it was ingested.
func (db *DB) Source(ctx context.Context, id string) (string, error) {
	var s string
	err := db.ro.QueryRowContext(ctx, `SELECT source FROM documents WHERE id = ?`, id).Scan(&s)
	if err == sql.ErrNoRows {
		return "", policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(id))
	}
	return s, err
}

func (db *DB) documents(ctx context.Context, query string, args ...any) ([]*policy.Document, error) {
	return queryDocuments(ctx, db.ro, query, args...)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queryRows runs query on q and returns its rows, each as scan reads it.
func queryRows[T any](ctx context.Context, q querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanRows(rows, scan)
}

// scanRows returns rows, each as scan reads it, and closes them.
func scanRows[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func queryDocuments(ctx context.Context, q querier, query string, args ...any) ([]*policy.Document, error) {
	return queryRows(ctx, q, scanDocument, query, args...)
}

func scanDocument(rows *sql.Rows) (*policy.Document, error) {
	d := &policy.Document{}
	var fy sql.NullInt64
	var decided string
	if err := rows.Scan(&d.ID, &d.Title, &fy, &decided, &d.DecidedBy, &d.TitleLine, &d.TitleLineNo,
		&d.DateLine, &d.DateLineNo, &d.DecidedByLine, &d.DecidedByLineNo, &d.PageCount, &d.Encoding, &d.SHA256, &d.Version, &d.Partial); err != nil {
		return nil, err
	}
	d.FiscalYear = int(fy.Int64)
	var err error
	if d.DecidedOn, err = policy.ParseDate(decided); err != nil {
		return nil, fmt.Errorf("document %s: %w", d.ID, err)
	}
	return d, nil
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only slices of strings, ints and notes are marshalled here
	}
	return string(b)
}
