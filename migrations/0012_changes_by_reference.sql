-- Text changes refer to their sentences instead of copying them.
--
-- Before: `changes.diff` held the whole diff as JSON (see compare::TextDiff),
-- with the text of every inserted, deleted and edited sentence and the word
-- spans of each edited one: the sentences again, in pieces. New rows hold
-- the same diff by reference (rows stored before are kept as they are; a
-- diff the store cannot express so is stored whole, as before):
--
--   {"e": [edit, ...], "s": [sentences_added, sentences_removed,
--    sentences_edited, words_added, words_removed],
--    "t": [old title id, new title id, spans]   (only when the headline changed),
--    "a": 1                                     (only when approximate)}
--
-- where an edit is [0, new_index, paragraph, sentence id] (insert),
-- [1, old_index, paragraph, sentence id] (delete) or [2, old_index,
-- new_index, paragraph, old sentence id, new sentence id, spans] (replace);
-- the ids are `sentences` ids, and spans is the word diff, each span
-- [3 × its length in characters + its kind (0 equal, 1 insert, 2 delete),
-- where it starts in characters]: its text is that part of the old
-- sentence (equal, delete) or of the new one (insert).
--
-- The view `change_diffs` gives every change's diff in the documented form
-- (docs/CLI.md, "The diff object"), whichever way it is stored;
-- `change_feed.diff` and the CLI read it from there.
CREATE VIEW change_diffs AS
SELECT c.id AS change_id,
       CASE WHEN json_type(c.diff, '$.e') IS NULL THEN c.diff ELSE (
           SELECT CASE WHEN t.title IS NULL
                       THEN json_object('edits', json(x.edits), 'stats', json(x.stats),
                                        'approximate', json(x.approximate))
                       ELSE json_object('title', json(t.title), 'edits', json(x.edits),
                                        'stats', json(x.stats), 'approximate', json(x.approximate))
                  END
           FROM (SELECT
                   (SELECT json_group_array(json(
                        CASE json_extract(e.value, '$[0]')
                        WHEN 0 THEN json_object(
                            'op', 'insert',
                            'new_index', json_extract(e.value, '$[1]'),
                            'paragraph', json_extract(e.value, '$[2]'),
                            'text', (SELECT text FROM sentences WHERE id = json_extract(e.value, '$[3]')))
                        WHEN 1 THEN json_object(
                            'op', 'delete',
                            'old_index', json_extract(e.value, '$[1]'),
                            'paragraph', json_extract(e.value, '$[2]'),
                            'text', (SELECT text FROM sentences WHERE id = json_extract(e.value, '$[3]')))
                        ELSE (SELECT json_object(
                            'op', 'replace',
                            'old_index', json_extract(e.value, '$[1]'),
                            'new_index', json_extract(e.value, '$[2]'),
                            'paragraph', json_extract(e.value, '$[3]'),
                            'old', o.text, 'new', n.text,
                            'words', json((
                                SELECT json_group_array(json_object(
                                    'kind', CASE k WHEN 0 THEN 'equal' WHEN 1 THEN 'insert' ELSE 'delete' END,
                                    'text', CASE k WHEN 1 THEN substr(n.text, at + 1, len)
                                                   ELSE substr(o.text, at + 1, len) END))
                                FROM (SELECT json_extract(w.value, '$[0]') % 3 AS k,
                                             json_extract(w.value, '$[0]') / 3 AS len,
                                             json_extract(w.value, '$[1]') AS at
                                      FROM json_each(e.value, '$[6]') w ORDER BY w.key))))
                            FROM sentences o, sentences n
                            WHERE o.id = json_extract(e.value, '$[4]')
                              AND n.id = json_extract(e.value, '$[5]'))
                        END))
                    FROM (SELECT value FROM json_each(c.diff, '$.e') ORDER BY key) e) AS edits,
                   json_object(
                       'sentences_added', json_extract(c.diff, '$.s[0]'),
                       'sentences_removed', json_extract(c.diff, '$.s[1]'),
                       'sentences_edited', json_extract(c.diff, '$.s[2]'),
                       'words_added', json_extract(c.diff, '$.s[3]'),
                       'words_removed', json_extract(c.diff, '$.s[4]')) AS stats,
                   CASE WHEN json_extract(c.diff, '$.a') THEN 'true' ELSE 'false' END AS approximate
                ) x,
                (SELECT CASE WHEN json_type(c.diff, '$.t') IS NULL THEN NULL ELSE json_object(
                    'old', (SELECT text FROM sentences WHERE id = json_extract(c.diff, '$.t[0]')),
                    'new', (SELECT text FROM sentences WHERE id = json_extract(c.diff, '$.t[1]')),
                    'words', json((
                        SELECT json_group_array(json_object(
                            'kind', CASE k WHEN 0 THEN 'equal' WHEN 1 THEN 'insert' ELSE 'delete' END,
                            'text', CASE k WHEN 1 THEN substr(nt, at + 1, len)
                                           ELSE substr(ot, at + 1, len) END))
                        FROM (SELECT json_extract(w.value, '$[0]') % 3 AS k,
                                     json_extract(w.value, '$[0]') / 3 AS len,
                                     json_extract(w.value, '$[1]') AS at,
                                     (SELECT text FROM sentences WHERE id = json_extract(c.diff, '$.t[0]')) AS ot,
                                     (SELECT text FROM sentences WHERE id = json_extract(c.diff, '$.t[1]')) AS nt
                              FROM json_each(c.diff, '$.t[2]') w ORDER BY w.key)))) END AS title) t)
       END AS diff
FROM changes c;

-- The documented view keeps its columns: the counts from either form, the
-- diff in the documented form.
DROP VIEW change_feed;
CREATE VIEW change_feed AS
SELECT
    c.id                AS change_id,
    c.detected_at       AS detected_at,
    s.name              AS source,
    d.id                AS document_id,
    d.url               AS url,
    fv.number           AS from_version,
    tv.number           AS to_version,
    fv.id               AS from_version_id,
    tv.id               AS to_version_id,
    fv.title            AS old_title,
    tv.title            AS new_title,
    fv.title IS NOT tv.title AS headline_changed,
    c.summary           AS summary,
    c.approximate       AS approximate,
    coalesce(json_extract(c.diff, '$.stats.sentences_added'), json_extract(c.diff, '$.s[0]'))   AS sentences_added,
    coalesce(json_extract(c.diff, '$.stats.sentences_removed'), json_extract(c.diff, '$.s[1]')) AS sentences_removed,
    coalesce(json_extract(c.diff, '$.stats.sentences_edited'), json_extract(c.diff, '$.s[2]'))  AS sentences_edited,
    coalesce(json_extract(c.diff, '$.stats.words_added'), json_extract(c.diff, '$.s[3]'))       AS words_added,
    coalesce(json_extract(c.diff, '$.stats.words_removed'), json_extract(c.diff, '$.s[4]'))     AS words_removed,
    (SELECT diff FROM change_diffs WHERE change_id = c.id) AS diff,
    c.disclosure        AS disclosure,
    c.notice            AS notice
FROM changes c
JOIN documents d ON d.id = c.document_id
JOIN sources s ON s.id = d.source_id
JOIN versions fv ON fv.id = c.from_version_id
JOIN versions tv ON tv.id = c.to_version_id;

-- Claim changes keep less of what can be derived.
--
-- claim_changes.summary_tail: 1 when the summary line's closing sentence
-- (after ": ") is the claim change's own side (the new sentence, else the
-- old one), which is then not copied: `summary` holds the line before it,
-- and `claim_change_feed` puts it back. NULL for rows stored before, and
-- for a line that does not end with its sentence: `summary` is whole.
-- The JSON `detail` leaves out what is empty (no facets changed, no
-- sentence position); reads put it back.
ALTER TABLE claim_changes ADD COLUMN summary_tail INTEGER;

DROP VIEW claim_change_feed;
CREATE VIEW claim_change_feed AS
SELECT cc.id AS claim_change_id, cc.change_id, s.name AS source, d.url,
       fv.number AS from_version, tv.number AS to_version, ch.detected_at,
       cc.change_kind, cc.kind,
       CASE WHEN cc.kind IN ('claim', 'reworded') THEN coalesce(cc.old, os.text)
            ELSE cc.old END AS old,
       CASE WHEN cc.kind IN ('claim', 'reworded', 'moved') THEN coalesce(cc.new, ns.text)
            ELSE cc.new END AS new,
       CASE WHEN cc.summary_tail THEN cc.summary || ': ' ||
            coalesce(cc.new_text, ns.text, cc.old_text, os.text, '')
            ELSE cc.summary END AS summary,
       cc.significance,
       ch.disclosure, ch.notice
FROM claim_changes cc
JOIN changes ch ON ch.id = cc.change_id
JOIN versions fv ON fv.id = ch.from_version_id
JOIN versions tv ON tv.id = ch.to_version_id
JOIN documents d ON d.id = cc.document_id
JOIN sources s ON s.id = d.source_id
LEFT JOIN sentences os ON os.id = cc.old_sentence_id
LEFT JOIN sentences ns ON ns.id = cc.new_sentence_id;

-- A raw page's hash (the key that shares one row between identical
-- bodies) is the first 16 bytes of its BLAKE3 as a blob, as for
-- `sentences.hash`, instead of 64 hex digits: half the row's overhead and
-- of its unique index.
UPDATE raw_pages SET sha = unhex(substr(sha, 1, 32)) WHERE typeof(sha) = 'text';
