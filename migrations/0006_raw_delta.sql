-- Raw pages as deltas. Per-request noise (timestamps, ad ids) makes every
-- fetched body distinct, so deduplication by hash alone stores a whole
-- compressed page (~17 KB) for every version. A raw page may now be stored
-- as a zstd frame compressed with an earlier raw page of the same document
-- (`base_id`) as its dictionary: a new version then costs only what changed.
-- `depth` is the length of the chain of bases down to a page stored whole
-- (depth 0, base_id NULL); the store keeps it bounded so that reading a page
-- back decompresses a bounded number of frames. A base cannot be deleted
-- while a delta refers to it (foreign key).
ALTER TABLE raw_pages ADD COLUMN base_id INTEGER REFERENCES raw_pages(id);
ALTER TABLE raw_pages ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
CREATE INDEX raw_pages_base ON raw_pages(base_id) WHERE base_id IS NOT NULL;
