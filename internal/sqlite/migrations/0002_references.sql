-- What documents cite: references, citations, defined terms and
-- cross-references between provisions.
CREATE TABLE refs (
	id          TEXT PRIMARY KEY, -- ref:<slug>
	title       TEXT NOT NULL,
	title_en    TEXT NOT NULL,
	kind        TEXT NOT NULL,
	issued_on   TEXT NOT NULL, -- partial ISO 8601, '' if unknown
	revised_on  TEXT NOT NULL, -- JSON array of dates
	issuer      TEXT NOT NULL,
	law_number  TEXT NOT NULL,
	egov_law_id TEXT NOT NULL,
	aliases     TEXT NOT NULL, -- JSON array of strings (registry aliases)
	resolved    INTEGER NOT NULL
) STRICT;

CREATE TABLE citations (
	id           TEXT PRIMARY KEY, -- <provision id>~c<n>
	document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	source_id    TEXT NOT NULL REFERENCES provisions (id) ON DELETE CASCADE,
	target_id    TEXT NOT NULL REFERENCES refs (id),
	seq          INTEGER NOT NULL, -- order in the document
	text         TEXT NOT NULL,
	start_offset INTEGER NOT NULL, -- code points into the source's text
	end_offset   INTEGER NOT NULL,
	pinpoint     TEXT NOT NULL,
	form         TEXT NOT NULL
) STRICT;
CREATE INDEX citations_source ON citations (source_id, start_offset);
CREATE INDEX citations_target ON citations (target_id, document_id, seq);
CREATE INDEX citations_document ON citations (document_id, seq);

CREATE TABLE terms (
	document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	term         TEXT NOT NULL,
	meaning      TEXT NOT NULL,
	reference_id TEXT REFERENCES refs (id),
	defined_in   TEXT NOT NULL REFERENCES provisions (id) ON DELETE CASCADE,
	start_offset INTEGER NOT NULL,
	end_offset   INTEGER NOT NULL,
	uses         TEXT NOT NULL, -- JSON array of provision IDs
	PRIMARY KEY (document_id, seq)
) STRICT;
CREATE INDEX terms_reference ON terms (reference_id);

CREATE TABLE cross_references (
	document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	source_id    TEXT NOT NULL REFERENCES provisions (id) ON DELETE CASCADE,
	target_id    TEXT NOT NULL REFERENCES provisions (id) ON DELETE CASCADE,
	text         TEXT NOT NULL,
	start_offset INTEGER NOT NULL,
	end_offset   INTEGER NOT NULL,
	PRIMARY KEY (document_id, seq)
) STRICT;
CREATE INDEX cross_references_source ON cross_references (source_id);
CREATE INDEX cross_references_target ON cross_references (target_id);
