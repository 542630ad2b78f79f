package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/label"
	"github.com/policykb/policykb/internal/policy"
)

const provisionColumns = `id, document_id, parent_id, seq, kind, level, number, label, marker, heading,
	paragraphs, pages, line, heading_line, paragraph_lines, notes`

// provisionColumnsV3 reads the provisions of a store of schema 3 and
// before (in the migrations up to 3), which knows neither levels nor
// notes, in the order of provisionColumns.
const provisionColumnsV3 = `id, document_id, parent_id, seq, kind, 0, number, label, marker, heading,
	paragraphs, pages, line, heading_line, paragraph_lines, '[]'`

// ProvisionsByID returns the provisions with the given IDs, in document order.
func (db *DB) ProvisionsByID(ctx context.Context, ids []string) ([]*policy.Provision, error) {
	switch len(ids) {
	case 0:
		return nil, nil
	case 1:
		rows, err := db.provisionStmt.QueryContext(ctx, ids[0])
		if err != nil {
			return nil, err
		}
		return scanProvisions(rows)
	}
	return db.provisions(ctx, `SELECT `+provisionColumns+` FROM provisions WHERE id IN (`+placeholders(len(ids))+`)
		ORDER BY document_id, seq`, anys(ids)...)
}

// Provisions returns the provisions that pass f, in document order (by
// document ID, then position in the document).
func (db *DB) Provisions(ctx context.Context, f policy.ProvisionFilter) ([]*policy.Provision, error) {
	var where []string
	var args []any
	if f.DocumentID != "" {
		where, args = append(where, "document_id = ?"), append(args, f.DocumentID)
	}
	if f.DocumentIDs != nil {
		if len(f.DocumentIDs) == 0 {
			return nil, nil
		}
		where, args = append(where, "document_id IN ("+placeholders(len(f.DocumentIDs))+")"), append(args, anys(f.DocumentIDs)...)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Under != "" {
		// Descendants of doc:2.4 are exactly the IDs doc:2.4.… ('/' follows '.').
		where, args = append(where, "id > ? AND id < ?"), append(args, f.Under+".", f.Under+"/")
	}
	if f.ParentIDs != nil {
		if len(f.ParentIDs) == 0 {
			return nil, nil
		}
		where, args = append(where, "parent_id IN ("+placeholders(len(f.ParentIDs))+")"), append(args, anys(f.ParentIDs)...)
	}
	q := `SELECT ` + provisionColumns + ` FROM provisions`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	return db.provisions(ctx, q+` ORDER BY document_id, seq`, args...)
}

// ProvisionsByLabel returns the provisions whose label matches lbl in any
// NFKC-equivalent form, with or without the section number; documentID ""
// searches every document.
func (db *DB) ProvisionsByLabel(ctx context.Context, documentID, lbl string) ([]*policy.Provision, error) {
	key := label.Key(lbl)
	if key == "" {
		return nil, nil
	}
	q := `SELECT ` + provisionColumns + ` FROM provisions WHERE (label_key = ? OR short_key = ?)`
	args := []any{key, key}
	if documentID != "" {
		q, args = q+` AND document_id = ?`, append(args, documentID)
	}
	return db.provisions(ctx, q+` ORDER BY document_id, seq`, args...)
}

func (db *DB) provisions(ctx context.Context, query string, args ...any) ([]*policy.Provision, error) {
	return queryProvisions(ctx, db.ro, query, args...)
}

func queryProvisions(ctx context.Context, q querier, query string, args ...any) ([]*policy.Provision, error) {
	return queryRows(ctx, q, scanProvision, query, args...)
}

func scanProvisions(rows *sql.Rows) ([]*policy.Provision, error) {
	return scanRows(rows, scanProvision)
}

func scanProvision(rows *sql.Rows) (*policy.Provision, error) {
	p := &policy.Provision{}
	var parent sql.NullString
	var kind, paras, pages, paraLines, notes string
	if err := rows.Scan(&p.ID, &p.DocumentID, &parent, &p.Seq, &kind, &p.Level, &p.Number, &p.Label, &p.Marker, &p.Heading,
		&paras, &pages, &p.Line, &p.HeadingLine, &paraLines, &notes); err != nil {
		return nil, err
	}
	p.ParentID, p.Kind = parent.String, policy.Kind(kind)
	var err error
	if p.Paragraphs, err = decodeStrings(paras); err == nil {
		if p.Pages, err = decodeInts(pages); err == nil {
			if p.ParagraphLines, err = decodeInts(paraLines); err == nil && notes != "[]" {
				err = json.Unmarshal([]byte(notes), &p.Notes)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("provision %s: %w", p.ID, err)
	}
	if len(p.Notes) == 0 {
		p.Notes = nil // as a parsed provision without notes has them
	}
	fillLevel(p)
	return p, nil
}

// fillLevel sets the level of a provision read from a store or a snapshot
// written before levels were kept: 0 for a numbered provision, which
// cannot be, is the level its ID gives.
func fillLevel(p *policy.Provision) {
	if p.Level == 0 && p.Kind != policy.KindPreamble {
		p.Level = policy.LevelOf(p.ID)
	}
}

// storedLevel is the level written for p: its own, or where that is
// missing (0 for a numbered provision), the one its ID gives.
func storedLevel(p *policy.Provision) int {
	if p.Level == 0 && p.Kind != policy.KindPreamble {
		return policy.LevelOf(p.ID)
	}
	return p.Level
}

// notesJSON is the JSON of a provision's notes: "[]" for none.
func notesJSON(notes []policy.Note) string {
	if len(notes) == 0 {
		return "[]"
	}
	return mustJSON(notes)
}

// decodeStrings decodes a JSON array of strings as json.Unmarshal would
// into a nil []string. The arrays that json.Marshal writes of plain text
// (no escapes) it reads without reflection; any other it hands to
// json.Unmarshal.
func decodeStrings(s string) ([]string, error) {
	if s == "null" {
		return nil, nil
	}
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || strings.IndexByte(s, '\\') >= 0 || !utf8.ValidString(s) {
		return unmarshal[[]string](s)
	}
	body := s[1 : len(s)-1]
	out := make([]string, 0, strings.Count(body, `","`)+1)
	if body == "" {
		return out, nil
	}
	for {
		if len(body) < 2 || body[0] != '"' {
			return unmarshal[[]string](s)
		}
		end := strings.IndexByte(body[1:], '"') + 1
		if end == 0 {
			return unmarshal[[]string](s)
		}
		v := body[1:end]
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 { // not valid JSON: let json say so
				return unmarshal[[]string](s)
			}
		}
		out = append(out, v)
		body = body[end+1:]
		if body == "" {
			return out, nil
		}
		if body[0] != ',' {
			return unmarshal[[]string](s)
		}
		body = body[1:]
	}
}

// decodeInts decodes a JSON array of integers as json.Unmarshal would into
// a nil []int, without reflection where the array is as json.Marshal
// writes it.
func decodeInts(s string) ([]int, error) {
	if s == "null" {
		return nil, nil
	}
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return unmarshal[[]int](s)
	}
	body := s[1 : len(s)-1]
	out := make([]int, 0, strings.Count(body, ",")+1)
	if body == "" {
		return out, nil
	}
	for _, f := range strings.Split(body, ",") {
		d := strings.TrimPrefix(f, "-")
		if d == "" || (d[0] == '0' && len(d) > 1) || d[0] < '0' || d[0] > '9' || len(d) > 18 {
			return unmarshal[[]int](s)
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return unmarshal[[]int](s)
		}
		out = append(out, n)
	}
	return out, nil
}

func unmarshal[T any](s string) (T, error) {
	var v T
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}
