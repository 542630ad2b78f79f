package sqlite

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/policykb/policykb/internal/policy"
)

// Ingest makes doc the current version of its document whatever it loses,
// unless it holds exactly what the current version holds (IngestVersion
// with Replace and Rebuilt).
func (db *DB) Ingest(ctx context.Context, doc *policy.Document) error {
	_, err := db.IngestVersion(ctx, doc, policy.IngestOptions{Replace: true, Rebuilt: true})
	return err
}

// IngestVersion makes doc the current version of its document, in one
// transaction: the rows of the current version are replaced and a version
// is added, unless the current version has the same text (see SameText),
// in which case nothing changes. Unless opt.Replace, a doc that lacks provisions of
// the current version is refused with a *policy.LossError. On error the
// store is left as it was.
func (db *DB) IngestVersion(ctx context.Context, doc *policy.Document, opt policy.IngestOptions) (*policy.IngestResult, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res, err := storeVersion(ctx, tx, doc, opt)
	if err != nil || res.Unchanged && len(opt.References) == 0 {
		return res, writeError(db.path, err)
	}
	if err := nameReferences(ctx, tx, doc.ID, opt.References, res.Unchanged); err != nil {
		return nil, writeError(db.path, err)
	}
	return res, writeError(db.path, tx.Commit())
}

// nameReferences records that the document id is each of refs, inside the
// ingest transaction tx; where the ingest stored no new version, it bumps
// the generation itself, as what is served changes.
func nameReferences(ctx context.Context, tx *sql.Tx, id string, refs []string, bump bool) error {
	for _, ref := range refs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reference_documents (reference_id, document_id) VALUES (?, ?)
			ON CONFLICT (reference_id) DO UPDATE SET document_id = excluded.document_id`, ref, id); err != nil {
			return err
		}
	}
	if bump && len(refs) > 0 {
		_, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`)
		return err
	}
	return nil
}

// NamedReferences returns the references named at ingest as documents of
// the store, and the document each is.
func (db *DB) NamedReferences(ctx context.Context) (map[string]string, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT reference_id, document_id FROM reference_documents`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ref, doc string
		if err := rows.Scan(&ref, &doc); err != nil {
			return nil, err
		}
		out[ref] = doc
	}
	return out, rows.Err()
}

// begin starts a write transaction.
func (db *DB) begin(ctx context.Context) (*sql.Tx, error) {
	rw, err := db.writer()
	if err != nil {
		return nil, err
	}
	tx, err := rw.BeginTx(ctx, nil)
	if err != nil {
		return nil, writeError(db.path, err)
	}
	return tx, nil
}

// Revert makes version number of a document current again, as a new
// version equal to it. Reverting to the current version changes nothing.
func (db *DB) Revert(ctx context.Context, documentID string, number int) (*policy.IngestResult, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	doc, _, err := loadSnapshot(ctx, tx, documentID, number)
	if err != nil {
		return nil, err
	}
	res, err := storeVersion(ctx, tx, doc, policy.IngestOptions{Replace: true, Note: fmt.Sprintf("revert to %d", number)})
	if err != nil || res.Unchanged {
		return res, writeError(db.path, err)
	}
	return res, writeError(db.path, tx.Commit())
}

func storeVersion(ctx context.Context, tx *sql.Tx, doc *policy.Document, opt policy.IngestOptions) (*policy.IngestResult, error) {
	res := &policy.IngestResult{}
	var sha string
	err := tx.QueryRowContext(ctx, `SELECT version, sha256 FROM documents WHERE id = ?`, doc.ID).Scan(&res.Previous, &sha)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return nil, err
	case sha == doc.SHA256 && !opt.Rebuilt:
		res.Version, res.Unchanged = res.Previous, true
		return res, nil
	case sha == doc.SHA256 && sameSnapshot(ctx, tx, doc, res.Previous):
		res.Version, res.Unchanged = res.Previous, true
		return res, nil
	}
	if err == nil && !opt.Rebuilt {
		// Other bytes may hold the same text: another encoding, other
		// line breaks, a byte-order mark.
		var source, enc string
		if err := tx.QueryRowContext(ctx, `SELECT source, encoding FROM documents WHERE id = ?`, doc.ID).Scan(&source, &enc); err != nil {
			return nil, err
		}
		if policy.SameText(source, doc.Source) {
			res.Version, res.Unchanged = res.Previous, true
			res.Unlike = unlike(enc, doc.Encoding, source, doc.Source)
			return res, nil
		}
	}
	if err == nil {
		current, err := queryProvisions(ctx, tx, `SELECT `+provisionColumns+` FROM provisions WHERE document_id = ? ORDER BY seq`, doc.ID)
		if err != nil {
			return nil, err
		}
		res.Lost = policy.Lost(current, doc.Provisions)
		if len(res.Lost) > 0 && !opt.Replace {
			return nil, &policy.LossError{DocumentID: doc.ID, Current: res.Previous, Lost: res.Lost}
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM document_versions WHERE document_id = ?`,
		doc.ID).Scan(&res.Version); err != nil {
		return nil, err
	}
	if err := writeCurrent(ctx, tx, doc, res.Version); err != nil {
		return nil, err
	}
	note := opt.Note
	if note == "" {
		note = "ingest"
	}
	if err := addVersion(ctx, tx, doc, res.Version, time.Now(), note); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`); err != nil {
		return nil, err
	}
	// The search index follows the store by this log (see Changes).
	if _, err := tx.ExecContext(ctx, `INSERT INTO document_changes (generation, document_id)
		SELECT CAST(value AS INTEGER), ? FROM meta WHERE key = 'generation'`, doc.ID); err != nil {
		return nil, err
	}
	return res, nil
}

// sameSnapshot reports whether version number of doc's document holds
// exactly doc. Both are compared as they read back, so that a snapshot
// written before levels were kept equals the same document with levels.
func sameSnapshot(ctx context.Context, tx *sql.Tx, doc *policy.Document, number int) bool {
	snap, err := encodeSnapshot(doc)
	if err != nil {
		return false
	}
	var stored []byte
	err = tx.QueryRowContext(ctx, `SELECT snapshot FROM document_versions WHERE document_id = ? AND number = ?`, doc.ID, number).Scan(&stored)
	if err != nil {
		return false
	}
	if bytes.Equal(snap, stored) {
		return true
	}
	a, err := decodeSnapshot(snap)
	if err != nil {
		return false
	}
	b, err := decodeSnapshot(stored)
	if err != nil {
		return false
	}
	ja, erra := json.Marshal(a)
	jb, errb := json.Marshal(b)
	return erra == nil && errb == nil && bytes.Equal(ja, jb)
}

// addVersion records doc as version number of its document.
func addVersion(ctx context.Context, tx *sql.Tx, doc *policy.Document, number int, at time.Time, note string) error {
	snap, err := encodeSnapshot(doc)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO document_versions (document_id, number, sha256, ingested_at,
		provision_count, note, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		doc.ID, number, doc.SHA256, at.UTC().Format(time.RFC3339), len(doc.Provisions), note, snap)
	if err != nil {
		return fmt.Errorf("version %d of %s: %w", number, doc.ID, err)
	}
	return nil
}

func encodeSnapshot(doc *policy.Document) ([]byte, error) {
	d := *doc
	d.Version, d.Historic = 0, false
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(&d); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeSnapshot(b []byte) (*policy.Document, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	d := &policy.Document{}
	if err := json.Unmarshal(raw, d); err != nil {
		return nil, err
	}
	// Snapshots written before levels were kept have none.
	for _, p := range d.Provisions {
		fillLevel(p)
	}
	return d, nil
}

// loadSnapshot reads version number of a document and the number of its
// current version.
func loadSnapshot(ctx context.Context, q querier, documentID string, number int) (*policy.Document, int, error) {
	var snap []byte
	var current int
	err := q.QueryRowContext(ctx, `SELECT v.snapshot, coalesce(d.version, 0) FROM document_versions v
		LEFT JOIN documents d ON d.id = v.document_id WHERE v.document_id = ? AND v.number = ?`,
		documentID, number).Scan(&snap, &current)
	if err == sql.ErrNoRows {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM document_versions WHERE document_id = ?`, documentID).Scan(&n); err != nil {
			return nil, 0, err
		}
		if n == 0 {
			return nil, 0, policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(documentID))
		}
		if n == 1 {
			return nil, 0, policy.Errorf(policy.ENOTFOUND, "document %s has no version %d (it has only version 1)", policy.Clip(documentID), number)
		}
		return nil, 0, policy.Errorf(policy.ENOTFOUND, "document %s has no version %d (it has versions 1 to %d)", policy.Clip(documentID), number, n)
	}
	if err != nil {
		return nil, 0, err
	}
	d, err := decodeSnapshot(snap)
	if err != nil {
		return nil, 0, fmt.Errorf("version %d of %s: %w", number, documentID, err)
	}
	return d, current, nil
}

// DocumentVersion returns a document as it was in version number, with
// everything it held then. The provisions of a version older than the
// current one carry its number.
func (db *DB) DocumentVersion(ctx context.Context, documentID string, number int) (*policy.Document, error) {
	d, current, err := loadSnapshot(ctx, db.ro, documentID, number)
	if err != nil {
		return nil, err
	}
	d.Version, d.Historic = number, number != current
	if d.Historic {
		for _, p := range d.Provisions {
			p.Version = number
		}
	}
	for _, p := range d.Provisions {
		p.DocumentID = d.ID
	}
	for _, c := range d.Citations {
		c.DocumentID = d.ID
	}
	for _, t := range d.Terms {
		t.DocumentID = d.ID
	}
	for _, x := range d.CrossReferences {
		x.DocumentID = d.ID
	}
	return d, nil
}

// Versions returns the versions of a document, oldest first.
func (db *DB) Versions(ctx context.Context, documentID string) ([]*policy.Version, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT v.number, v.sha256, v.ingested_at, v.provision_count, v.note,
		coalesce(d.version, 0) FROM document_versions v LEFT JOIN documents d ON d.id = v.document_id
		WHERE v.document_id = ? ORDER BY v.number`, documentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*policy.Version
	for rows.Next() {
		v := &policy.Version{DocumentID: documentID}
		var at string
		var current int
		if err := rows.Scan(&v.Number, &v.SHA256, &at, &v.ProvisionCount, &v.Note, &current); err != nil {
			return nil, err
		}
		if v.IngestedAt, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, fmt.Errorf("version %d of %s: %w", v.Number, documentID, err)
		}
		v.Current = v.Number == current
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(documentID))
	}
	return out, nil
}

// HeldDocuments reports whether the store has ever held a document.
func (db *DB) HeldDocuments(ctx context.Context) (bool, error) {
	var n int
	err := db.ro.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM document_versions LIMIT 1)`).Scan(&n)
	return n > 0, err
}

// snapshotStored writes version 1 of every document stored before versions
// were kept, from its rows, inside the migration's transaction tx.
func snapshotStored(ctx context.Context, tx *sql.Tx) error {
	// The tables as migration 3 leaves them: the columns of later
	// migrations are not there yet.
	docs, err := queryDocuments(ctx, tx, `SELECT `+documentColumnsV3+` FROM documents ORDER BY id`)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, d := range docs {
		if err := tx.QueryRowContext(ctx, `SELECT source FROM documents WHERE id = ?`, d.ID).Scan(&d.Source); err != nil {
			return err
		}
		if d.Provisions, err = queryProvisions(ctx, tx, `SELECT `+provisionColumnsV3+` FROM provisions WHERE document_id = ? ORDER BY seq`, d.ID); err != nil {
			return err
		}
		if d.Citations, err = queryCitations(ctx, tx, ` WHERE document_id = ?`, d.ID); err != nil {
			return err
		}
		if d.CrossReferences, err = queryCrossReferences(ctx, tx, ` WHERE document_id = ?`, d.ID); err != nil {
			return err
		}
		if d.Terms, err = queryTerms(ctx, tx, `SELECT document_id, term, meaning, reference_id, defined_in, start_offset,
			end_offset, uses FROM terms WHERE document_id = ?`, d.ID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+refColumns+` FROM refs WHERE id IN
			(SELECT target_id FROM citations WHERE document_id = ?
			 UNION SELECT reference_id FROM terms WHERE document_id = ?) ORDER BY id`, d.ID, d.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			r, err := scanReference(rows)
			if err != nil {
				rows.Close()
				return err
			}
			d.References = append(d.References, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := addVersion(ctx, tx, d, 1, now, "stored before versions were kept"); err != nil {
			return err
		}
	}
	return nil
}

// unlike says how two sources of the same text differ: their encodings
// and line breaks ("in Shift_JIS, not UTF-8; with CRLF line breaks, not
// LF"), or, where neither does, a byte-order mark.
func unlike(oldEnc, newEnc, oldSource, newSource string) string {
	var parts []string
	if oldEnc != newEnc {
		parts = append(parts, fmt.Sprintf("in %s, not %s", newEnc, oldEnc))
	}
	if o, n := policy.LineBreaks(oldSource), policy.LineBreaks(newSource); o != n {
		parts = append(parts, fmt.Sprintf("with %s line breaks, not %s", n, o))
	} else if oldSource != newSource {
		parts = append(parts, "with other line breaks")
	}
	if len(parts) == 0 {
		parts = append(parts, "with or without a byte-order mark")
	}
	return strings.Join(parts, "; ")
}

// Changes returns what changed after generation since: the documents whose
// current version changed, from the log that every ingest, revert and
// replacement writes (migration 6). It is incomplete when since is older
// than the log (a store migrated from an earlier schema) or newer than the
// store's generation (a store made anew or restored from a backup).
func (db *DB) Changes(ctx context.Context, since int64) (*policy.StoreChanges, error) {
	// One read transaction: the generation and the log agree.
	tx, err := db.ro.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := &policy.StoreChanges{}
	var from int64
	err = tx.QueryRowContext(ctx, `SELECT
		(SELECT value FROM meta WHERE key = 'store_id'),
		(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'),
		(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'changes_since')`).Scan(&out.Store, &out.Generation, &from)
	if err != nil {
		return nil, err
	}
	out.Complete = since >= from && since <= out.Generation
	if !out.Complete || since == out.Generation {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT document_id FROM document_changes WHERE generation > ? ORDER BY document_id`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out.Documents = append(out.Documents, id)
	}
	return out, rows.Err()
}
