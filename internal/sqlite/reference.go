package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// ingestReferences stores what doc cites, inside the ingest transaction tx,
// after the document's earlier citations were deleted with it.
func ingestReferences(ctx context.Context, tx *sql.Tx, doc *policy.Document) error {
	for _, r := range doc.References {
		revised := make([]string, len(r.RevisedOn))
		for i, d := range r.RevisedOn {
			revised[i] = d.String()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO refs (id, title, title_en, kind, issued_on, revised_on, issuer,
			law_number, egov_law_id, aliases, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, title_en = excluded.title_en, kind = excluded.kind,
			issued_on = excluded.issued_on, revised_on = excluded.revised_on, issuer = excluded.issuer,
			law_number = excluded.law_number, egov_law_id = excluded.egov_law_id, aliases = excluded.aliases,
			resolved = excluded.resolved`,
			r.ID, r.Title, r.TitleEn, string(r.Kind), r.IssuedOn.String(), mustJSON(revised), r.Issuer,
			r.LawNumber, r.EGovLawID, mustJSON(orEmpty(r.Aliases)), r.Resolved); err != nil {
			return fmt.Errorf("reference %s: %w", r.ID, err)
		}
	}
	for _, c := range doc.Citations {
		if _, err := tx.ExecContext(ctx, `INSERT INTO citations (id, document_id, source_id, target_id, seq, text,
			start_offset, end_offset, pinpoint, form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, doc.ID, c.SourceID, c.TargetID, c.Seq, c.Text, c.Start, c.End, c.Pinpoint, string(c.Form)); err != nil {
			return fmt.Errorf("citation %s: %w", c.ID, err)
		}
	}
	for i, t := range doc.Terms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO terms (document_id, seq, term, meaning, reference_id, defined_in,
			start_offset, end_offset, uses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.ID, i, t.Term, t.Meaning, nullString(t.ReferenceID), t.DefinedIn, t.Start, t.End, mustJSON(orEmpty(t.Uses))); err != nil {
			return fmt.Errorf("term %s: %w", t.Term, err)
		}
	}
	for i, x := range doc.CrossReferences {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cross_references (document_id, seq, source_id, target_id, text,
			start_offset, end_offset) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			doc.ID, i, x.SourceID, x.TargetID, x.Text, x.Start, x.End); err != nil {
			return fmt.Errorf("cross-reference %d: %w", i, err)
		}
	}
	// References no document cites any more go.
	_, err := tx.ExecContext(ctx, `DELETE FROM refs WHERE id NOT IN (SELECT target_id FROM citations)
		AND id NOT IN (SELECT reference_id FROM terms WHERE reference_id IS NOT NULL)`)
	return err
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

const refColumns = `id, title, title_en, kind, issued_on, revised_on, issuer, law_number, egov_law_id, aliases, resolved`

// References returns the references that pass f, by ID.
func (db *DB) References(ctx context.Context, f policy.ReferenceFilter) ([]*policy.Reference, error) {
	q, args := `SELECT `+refColumns+` FROM refs WHERE 1`, []any{}
	if f.Kind != "" {
		q, args = q+` AND kind = ?`, append(args, string(f.Kind))
	}
	if f.DocumentID != "" {
		q, args = q+` AND id IN (SELECT target_id FROM citations WHERE document_id = ?)`, append(args, f.DocumentID)
	}
	return db.references(ctx, q+` ORDER BY id`, args...)
}

// ReferencesByID returns the references with the given IDs, by ID.
func (db *DB) ReferencesByID(ctx context.Context, ids []string) ([]*policy.Reference, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.references(ctx, `SELECT `+refColumns+` FROM refs WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`, anys(ids)...)
}

// references reads references, with the terms documents define for them
// added to their aliases.
func (db *DB) references(ctx context.Context, query string, args ...any) ([]*policy.Reference, error) {
	out, err := queryRows(ctx, db.ro, scanReference, query, args...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, 0, len(out))
	byID := make(map[string]*policy.Reference, len(out))
	for _, r := range out {
		ids = append(ids, r.ID)
		byID[r.ID] = r
	}
	trows, err := db.ro.QueryContext(ctx, `SELECT DISTINCT reference_id, term FROM terms WHERE reference_id IN (`+
		placeholders(len(ids))+`) ORDER BY reference_id, document_id, seq`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer trows.Close()
	for trows.Next() {
		var id, term string
		if err := trows.Scan(&id, &term); err != nil {
			return nil, err
		}
		r := byID[id]
		if !slices.Contains(r.Aliases, term) {
			r.Aliases = append(r.Aliases, term)
		}
	}
	return out, trows.Err()
}

func scanReference(rows *sql.Rows) (*policy.Reference, error) {
	r := &policy.Reference{}
	var kind, issued, revised, aliases string
	if err := rows.Scan(&r.ID, &r.Title, &r.TitleEn, &kind, &issued, &revised, &r.Issuer, &r.LawNumber,
		&r.EGovLawID, &aliases, &r.Resolved); err != nil {
		return nil, err
	}
	r.Kind = policy.ReferenceKind(kind)
	var err error
	if r.IssuedOn, err = policy.ParseDate(issued); err != nil {
		return nil, fmt.Errorf("reference %s: %w", r.ID, err)
	}
	var dates []string
	if err := json.Unmarshal([]byte(revised), &dates); err != nil {
		return nil, err
	}
	r.RevisedOn = []policy.Date{}
	for _, s := range dates {
		d, err := policy.ParseDate(s)
		if err != nil {
			return nil, err
		}
		r.RevisedOn = append(r.RevisedOn, d)
	}
	if err := json.Unmarshal([]byte(aliases), &r.Aliases); err != nil {
		return nil, err
	}
	return r, nil
}

// citationWhere builds the WHERE clause of a citation filter.
func citationWhere(f policy.CitationFilter) (string, []any, bool) {
	var where []string
	var args []any
	if f.DocumentID != "" {
		where, args = append(where, "document_id = ?"), append(args, f.DocumentID)
	}
	for _, c := range []struct {
		col string
		ids []string
	}{{"id", f.IDs}, {"source_id", f.SourceIDs}, {"target_id", f.TargetIDs}} {
		if c.ids == nil {
			continue
		}
		if len(c.ids) == 0 {
			return "", nil, false
		}
		where, args = append(where, c.col+" IN ("+placeholders(len(c.ids))+")"), append(args, anys(c.ids)...)
	}
	if len(where) == 0 {
		return "", nil, true
	}
	return " WHERE " + strings.Join(where, " AND "), args, true
}

// Citations returns the citations that pass f, in document order.
func (db *DB) Citations(ctx context.Context, f policy.CitationFilter) ([]*policy.Citation, error) {
	return filtered(ctx, db.ro, f, queryCitations)
}

// filtered runs query on q with the WHERE clause of f, or returns nothing
// where f passes nothing.
func filtered[T any](ctx context.Context, q querier, f policy.CitationFilter,
	query func(ctx context.Context, q querier, where string, args ...any) ([]T, error)) ([]T, error) {
	where, args, ok := citationWhere(f)
	if !ok {
		return nil, nil
	}
	return query(ctx, q, where, args...)
}

func queryCitations(ctx context.Context, q querier, where string, args ...any) ([]*policy.Citation, error) {
	return queryRows(ctx, q, scanCitation, `SELECT id, document_id, source_id, target_id, seq, text, start_offset,
		end_offset, pinpoint, form FROM citations`+where+` ORDER BY document_id, seq`, args...)
}

func scanCitation(rows *sql.Rows) (*policy.Citation, error) {
	c := &policy.Citation{}
	var form string
	if err := rows.Scan(&c.ID, &c.DocumentID, &c.SourceID, &c.TargetID, &c.Seq, &c.Text, &c.Start, &c.End,
		&c.Pinpoint, &form); err != nil {
		return nil, err
	}
	c.Form = policy.CitationForm(form)
	return c, nil
}

// CrossReferences returns the cross-references that pass f, in document order.
func (db *DB) CrossReferences(ctx context.Context, f policy.CitationFilter) ([]*policy.CrossReference, error) {
	return filtered(ctx, db.ro, f, queryCrossReferences)
}

func queryCrossReferences(ctx context.Context, q querier, where string, args ...any) ([]*policy.CrossReference, error) {
	return queryRows(ctx, q, scanCrossReference, `SELECT document_id, source_id, target_id, text, start_offset, end_offset
		FROM cross_references`+where+` ORDER BY document_id, seq`, args...)
}

func scanCrossReference(rows *sql.Rows) (*policy.CrossReference, error) {
	x := &policy.CrossReference{}
	if err := rows.Scan(&x.DocumentID, &x.SourceID, &x.TargetID, &x.Text, &x.Start, &x.End); err != nil {
		return nil, err
	}
	return x, nil
}

// Terms returns the terms defined in a document, or in all for "", in
// document order.
func (db *DB) Terms(ctx context.Context, documentID string) ([]*policy.DefinedTerm, error) {
	q, args := `SELECT document_id, term, meaning, reference_id, defined_in, start_offset, end_offset, uses FROM terms`, []any{}
	if documentID != "" {
		q, args = q+` WHERE document_id = ?`, append(args, documentID)
	}
	return queryTerms(ctx, db.ro, q, args...)
}

func queryTerms(ctx context.Context, db querier, q string, args ...any) ([]*policy.DefinedTerm, error) {
	return queryRows(ctx, db, scanTerm, q+` ORDER BY document_id, seq`, args...)
}

func scanTerm(rows *sql.Rows) (*policy.DefinedTerm, error) {
	t := &policy.DefinedTerm{}
	var ref sql.NullString
	var uses string
	if err := rows.Scan(&t.DocumentID, &t.Term, &t.Meaning, &ref, &t.DefinedIn, &t.Start, &t.End, &uses); err != nil {
		return nil, err
	}
	t.ReferenceID = ref.String
	if err := json.Unmarshal([]byte(uses), &t.Uses); err != nil {
		return nil, err
	}
	return t, nil
}
