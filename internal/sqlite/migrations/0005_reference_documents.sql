-- References named at ingest as documents of the store (policykb ingest
-- --reference ref:…): a citation of such a reference leads to the document.
-- A reference is one document at a time; naming it for another moves it.
-- Other references are matched to documents when read (by title, aliases
-- and date), so nothing else is stored. No foreign keys: a reference is in
-- refs only while some document cites it, and a document's row is replaced
-- at every version. Stores made before this migration get the table empty.
CREATE TABLE reference_documents (
	reference_id TEXT PRIMARY KEY, -- ref:<slug>
	document_id  TEXT NOT NULL
) STRICT;
CREATE INDEX reference_documents_document ON reference_documents (document_id);
