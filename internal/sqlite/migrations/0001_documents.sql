-- Documents and their numbered provisions.
CREATE TABLE documents (
	id                 TEXT PRIMARY KEY,
	title              TEXT NOT NULL,
	fiscal_year        INTEGER,
	decided_on         TEXT NOT NULL DEFAULT '', -- partial ISO 8601
	decided_by         TEXT NOT NULL DEFAULT '',
	title_line         TEXT NOT NULL,
	title_line_no      INTEGER NOT NULL,
	date_line          TEXT NOT NULL DEFAULT '',
	date_line_no       INTEGER NOT NULL DEFAULT 0,
	decided_by_line    TEXT NOT NULL DEFAULT '',
	decided_by_line_no INTEGER NOT NULL DEFAULT 0,
	page_count         INTEGER NOT NULL,
	encoding           TEXT NOT NULL,
	source             TEXT NOT NULL, -- the decoded source text, as ingested
	sha256             TEXT NOT NULL  -- of the source bytes
) STRICT;

CREATE TABLE provisions (
	id              TEXT PRIMARY KEY,
	document_id     TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	parent_id       TEXT REFERENCES provisions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	seq             INTEGER NOT NULL, -- document order
	kind            TEXT NOT NULL CHECK (kind IN ('PREAMBLE', 'SECTION', 'AREA', 'ITEM', 'SUBITEM')),
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
	UNIQUE (document_id, seq)
) STRICT;

CREATE INDEX provisions_parent ON provisions (parent_id, seq);
CREATE INDEX provisions_label_key ON provisions (label_key);
CREATE INDEX provisions_short_key ON provisions (short_key);

-- Store-wide values, such as the generation, bumped by every ingest.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('generation', '0');
