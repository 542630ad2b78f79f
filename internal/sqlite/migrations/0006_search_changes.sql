-- The change log that lets the search index follow the store document by
-- document instead of being rebuilt whole: every ingest, revert or
-- replacement that changes a document's current version bumps the
-- generation (meta 'generation') and logs here the generation it made and
-- the document it changed. The log starts at the generation the store had
-- when it was migrated (meta 'changes_since'): what changed before is not
-- known, and an index older than that is rebuilt whole. meta 'store_id'
-- tells this store from another that reached the same generation (a store
-- made anew, a backup restored over it).
CREATE TABLE document_changes (
	generation  INTEGER PRIMARY KEY, -- the generation the change made
	document_id TEXT NOT NULL        -- no foreign key: the log outlives the document's rows
) STRICT;

INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
INSERT INTO meta (key, value) SELECT 'changes_since', value FROM meta WHERE key = 'generation';
