-- Versions of documents: every ingest that changes a document's text adds
-- one, and none is ever removed. The tables of migrations 1 and 2 hold the
-- current version of each document; document_versions holds every version,
-- the current one included, as a snapshot of the whole parsed document
-- (gzip-compressed JSON), so that older ones read exactly as they were.
-- The snapshots of documents stored before this migration are written by
-- the program right after it, in the same transaction.
ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE document_versions (
	document_id     TEXT NOT NULL, -- no foreign key: versions outlive the current row
	number          INTEGER NOT NULL CHECK (number > 0),
	sha256          TEXT NOT NULL, -- of the source bytes
	ingested_at     TEXT NOT NULL, -- RFC 3339, UTC
	provision_count INTEGER NOT NULL,
	note            TEXT NOT NULL DEFAULT '',
	snapshot        BLOB NOT NULL,
	PRIMARY KEY (document_id, number)
) STRICT;
