-- Documents of any numbering scheme: provisions at any depth, with their
-- level (0 for the preamble, 1 for the outermost numbered level …) and the
-- new kind POINT (level 5 and deeper), their footnotes, and documents that
-- are excerpts.
--
-- The CHECK constraint on provisions.kind can only change by rebuilding the
-- table, as SQLite documents it (https://sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): create the new table, copy
-- the rows, drop the old one, rename the new one and create its indexes
-- again. The program runs this migration with foreign keys off, so that
-- dropping the old table neither cascades into citations, terms and
-- cross_references nor fails, and checks them (PRAGMA foreign_key_check)
-- before it commits. The other tables name provisions by name: once the new
-- table has that name, their foreign keys refer to it.
ALTER TABLE documents ADD COLUMN partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1));

CREATE TABLE new_provisions (
	id              TEXT PRIMARY KEY,
	document_id     TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	parent_id       TEXT REFERENCES provisions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	seq             INTEGER NOT NULL, -- document order
	kind            TEXT NOT NULL CHECK (kind IN ('PREAMBLE', 'SECTION', 'AREA', 'ITEM', 'SUBITEM', 'POINT')),
	level           INTEGER NOT NULL CHECK (level >= 0), -- 0 preamble, 1 outermost numbered level, …
	number          INTEGER NOT NULL,
	label           TEXT NOT NULL,
	label_key       TEXT NOT NULL, -- label.Key(label)
	short_key       TEXT NOT NULL, -- label.Short(label_key)
	marker          TEXT NOT NULL,
	heading         TEXT NOT NULL,
	paragraphs      TEXT NOT NULL, -- JSON array of strings
	pages           TEXT NOT NULL, -- JSON array of page numbers
	line            INTEGER NOT NULL,
	heading_line    INTEGER NOT NULL,
	paragraph_lines TEXT NOT NULL, -- JSON array of line numbers
	notes           TEXT NOT NULL DEFAULT '[]', -- JSON array of footnotes {Marker, Text, Line, Ref}
	UNIQUE (document_id, seq)
) STRICT;

-- The level of a stored provision follows from its ID, <document>:<n1>.<n2>…:
-- the number of parts after the document ID and its colon; 0 for
-- <document>:preamble.
INSERT INTO new_provisions (id, document_id, parent_id, seq, kind, level, number, label, label_key, short_key,
	marker, heading, paragraphs, pages, line, heading_line, paragraph_lines, notes)
SELECT id, document_id, parent_id, seq, kind,
	CASE WHEN substr(id, length(document_id) + 2) = 'preamble' THEN 0
	ELSE length(id) - length(replace(id, '.', '')) - (length(document_id) - length(replace(document_id, '.', ''))) + 1 END,
	number, label, label_key, short_key, marker, heading, paragraphs, pages, line, heading_line, paragraph_lines, '[]'
FROM provisions;

DROP TABLE provisions;
ALTER TABLE new_provisions RENAME TO provisions;

CREATE INDEX provisions_parent ON provisions (parent_id, seq);
CREATE INDEX provisions_label_key ON provisions (label_key);
CREATE INDEX provisions_short_key ON provisions (short_key);
