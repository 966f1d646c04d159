//! Raw HTML as zstd deltas (migration 0006): a page is compressed with the
//! document's previous raw page as its prefix, in chains shorter than
//! [`MAX_DELTA_DEPTH`], and read back by decompressing its chain from the
//! page stored whole up.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// zstd level of raw pages. Level 1 costs a seventh of level 9's CPU for a
/// page stored whole ~15% larger (24 KB instead of 21 KB for 88 KB of HTML),
/// and a delta against the previous version is a few hundred bytes at any
/// level.
const RAW_LEVEL: i32 = 1;

/// A raw page is stored whole at least every this many versions of a
/// document, so reading one back decompresses at most this many frames.
const MAX_DELTA_DEPTH: i64 = 16;

/// A delta larger than 1/N of the page means the page was redesigned: it is
/// stored whole instead, starting a new chain.
const DELTA_MAX_SHARE: usize = 8;

/// Stores a raw page once per distinct body (by hash), compressed. When the
/// document's latest version has a raw page, the new body is compressed
/// with that page as the zstd dictionary, so a page that differs by an edit
/// and some per-request noise costs a few hundred bytes instead of a whole
/// compressed page. Chains stay shorter than [`MAX_DELTA_DEPTH`].
pub(crate) fn store_raw(tx: &Connection, document_id: i64, body: &[u8]) -> Result<i64, StoreError> {
    // The first 16 bytes of its BLAKE3, as a blob (migration 0012).
    let full = blake3::hash(body);
    let sha = &full.as_bytes()[..16];
    if let Some(id) = tx
        .prepare_cached("SELECT id FROM raw_pages WHERE sha = ?1")?
        .query_row([sha], |r| r.get(0))
        .optional()?
    {
        return Ok(id);
    }
    let base: Option<(i64, i64)> = tx
        .prepare_cached(
            "SELECT r.id, r.depth FROM versions v JOIN raw_pages r ON r.id = v.raw_page_id
             WHERE v.document_id = ?1 ORDER BY v.number DESC LIMIT 1",
        )?
        .query_row([document_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let delta = match base {
        // A base that no longer reads back starts a new chain.
        Some((base_id, depth)) if depth + 1 < MAX_DELTA_DEPTH => readable(load_raw(tx, base_id))?
            .and_then(|dict| compress_raw(body, &dict).ok())
            .filter(|d| d.len() <= body.len() / DELTA_MAX_SHARE)
            .map(|d| (d, base_id, depth + 1)),
        _ => None,
    };
    let (blob, base_id, depth) = match delta {
        Some((d, base_id, depth)) => (d, Some(base_id), depth),
        None => (compress_raw(body, &[])?, None, 0),
    };
    tx.prepare_cached(
        "INSERT INTO raw_pages (sha, size, zstd, base_id, depth) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![sha, body.len() as i64, blob, base_id, depth])?;
    Ok(tx.last_insert_rowid())
}

/// A page, or `None` when it is damaged; other errors stay errors.
fn readable(page: Result<Vec<u8>, StoreError>) -> Result<Option<Vec<u8>>, StoreError> {
    match page {
        Ok(page) => Ok(Some(page)),
        Err(StoreError::Damaged(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Compresses `body`, with `prefix` (an earlier page, or nothing) as the
/// content it may refer back to: zstd's "patch-from" mode. Referencing a
/// prefix costs a fraction of loading it as a dictionary.
fn compress_raw(body: &[u8], prefix: &[u8]) -> Result<Vec<u8>, StoreError> {
    use zstd::zstd_safe::{CCtx, CParameter};
    let mut cx = CCtx::create();
    cx.set_parameter(CParameter::CompressionLevel(RAW_LEVEL))
        .map_err(zstd_error)?;
    if !prefix.is_empty() {
        // The window must reach from the end of the page back to the start
        // of the prefix, or the matches in the prefix are not found.
        cx.set_parameter(CParameter::WindowLog(window_log(prefix.len() + body.len())))
            .map_err(zstd_error)?;
        cx.ref_prefix(prefix).map_err(zstd_error)?;
    }
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(body.len()));
    cx.compress2(&mut out, body).map_err(zstd_error)?;
    Ok(out)
}

/// Decompresses one frame of `size` bytes written by [`compress_raw`];
/// what is wrong with it if it does not give back `size` bytes. The stored
/// size is checked against the frame before any memory is set aside for it.
fn decompress_raw(blob: &[u8], size: i64, prefix: &[u8]) -> Result<Vec<u8>, String> {
    use zstd::zstd_safe::{DCtx, DParameter, get_frame_content_size};
    let in_frame = get_frame_content_size(blob)
        .map_err(|_| "its zstd frame is corrupt".to_string())?
        .ok_or("its zstd frame does not say its size")?;
    if u64::try_from(size).ok() != Some(in_frame) || in_frame > MAX_PAGE {
        return Err(format!(
            "its size column says {size} bytes, its zstd frame {in_frame}"
        ));
    }
    let name = |code| zstd::zstd_safe::get_error_name(code).to_string();
    let mut dx = DCtx::create();
    dx.set_parameter(DParameter::WindowLogMax(WINDOW_LOG_MAX))
        .map_err(name)?;
    if !prefix.is_empty() {
        dx.ref_prefix(prefix).map_err(name)?;
    }
    let mut out = Vec::with_capacity(in_frame as usize);
    dx.decompress(&mut out, blob).map_err(name)?;
    if out.len() as u64 != in_frame {
        return Err(format!("it gives {} bytes instead of {size}", out.len()));
    }
    Ok(out)
}

/// The largest page the store reads back: one zstd window.
const MAX_PAGE: u64 = 1 << WINDOW_LOG_MAX;

/// The largest zstd window the store writes or reads (128 MiB).
const WINDOW_LOG_MAX: u32 = 27;

/// The window log that covers `n` bytes.
fn window_log(n: usize) -> u32 {
    (usize::BITS - n.leading_zeros()).clamp(10, WINDOW_LOG_MAX)
}

fn zstd_error(code: usize) -> StoreError {
    StoreError::Raw(zstd::zstd_safe::get_error_name(code).to_string())
}

/// Reads a raw page back: its chain of deltas down to a page stored whole,
/// decompressed from the bottom up. [`StoreError::Damaged`], naming the
/// row, if a frame of the chain is missing or does not decompress.
pub fn load_raw(conn: &Connection, raw_id: i64) -> Result<Vec<u8>, StoreError> {
    let damaged = |id: i64, why: String| {
        let of = if id == raw_id {
            String::new()
        } else {
            format!(" (in the chain of raw page {raw_id})")
        };
        StoreError::Damaged(format!("raw_pages row {id}{of}: {why}"))
    };
    let mut chain: Vec<(i64, Vec<u8>, i64)> = Vec::new();
    let mut next = Some(raw_id);
    let mut stmt =
        conn.prepare_cached("SELECT zstd, size, base_id FROM raw_pages WHERE id = ?1")?;
    while let Some(id) = next {
        if chain.len() as i64 > MAX_DELTA_DEPTH {
            return Err(damaged(
                raw_id,
                format!("its chain of deltas is longer than {MAX_DELTA_DEPTH} (a cycle?)"),
            ));
        }
        let Some((blob, size, base)) = stmt
            .query_row([id], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?, r.get(2)?))
            })
            .optional()?
        else {
            return Err(damaged(id, "the row is missing".into()));
        };
        chain.push((id, blob, size));
        next = base;
    }
    let mut page: Vec<u8> = Vec::new();
    for (id, blob, size) in chain.iter().rev() {
        page = decompress_raw(blob, *size, &page).map_err(|why| damaged(*id, why))?;
    }
    Ok(page)
}

/// Stores a raw page whole instead of as a delta, so the pages it was a delta
/// of may go (the retention policy). Its content is unchanged, so deltas of
/// it stay valid. False if its chain could not be read.
pub(crate) fn reencode_whole(conn: &Connection, raw_id: i64) -> Result<bool, StoreError> {
    let page = match load_raw(conn, raw_id) {
        Ok(page) => page,
        Err(StoreError::Damaged(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    let blob = compress_raw(&page, &[])?;
    conn.prepare_cached("UPDATE raw_pages SET zstd = ?2, base_id = NULL, depth = 0 WHERE id = ?1")?
        .execute(params![raw_id, blob])?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::store::write::tests::changed;
    use crate::store::{CheckRecord, CheckResult, Store, Stored};

    /// A page of realistic size whose bytes differ in `noise` (as ad ids and
    /// timestamps do) and in the article, which changes with `edit`.
    fn page(edit: usize, noise: usize) -> Vec<u8> {
        let mut p = format!("<html><head><script>var ad = {noise:08x};</script></head><body>");
        for i in 0..2000 {
            p.push_str(&format!(
                "<li><a href=\"/s/{i}\">section {}</a></li>",
                i * 7 % 13
            ));
        }
        p.push_str(&format!(
            "<article><p>Amazon will invest ${edit} billion.</p></article>"
        ));
        p.push_str(&format!(
            "<footer>rendered at {noise}</footer></body></html>"
        ));
        p.into_bytes()
    }

    fn version_with_raw(doc: i64, n: usize, from: Option<i64>, raw: Vec<u8>) -> CheckRecord {
        let mut rec = changed(doc, &format!("h{n}"), &format!("text {n}"), from);
        if let CheckResult::Changed { version, .. } = &mut rec.result {
            version.raw_html = raw;
        }
        rec
    }

    #[test]
    fn raw_pages_are_deltas_in_bounded_chains_and_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let n = 2 * MAX_DELTA_DEPTH as usize + 3;
        let mut ids = Vec::new();
        let mut from = None;
        for k in 0..n {
            let stored = s
                .record(&version_with_raw(doc, k, from, page(k, k * 31)))
                .unwrap();
            let id = match stored {
                Stored::New { version_id, .. } | Stored::Changed { version_id, .. } => version_id,
                other => panic!("{other:?}"),
            };
            ids.push(id);
            from = Some(id);
        }
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(
                s.raw_html(*id).unwrap().unwrap(),
                page(k, k * 31),
                "version {k}"
            );
        }
        let (whole, max_depth, delta_bytes, whole_bytes): (i64, i64, i64, i64) = s
            .conn()
            .query_row(
                "SELECT sum(base_id IS NULL), max(depth),
                        sum(CASE WHEN base_id IS NULL THEN 0 ELSE length(zstd) END),
                        sum(CASE WHEN base_id IS NULL THEN length(zstd) ELSE 0 END)
                 FROM raw_pages",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(max_depth, MAX_DELTA_DEPTH - 1);
        assert_eq!(
            whole, 3,
            "a page stored whole every {MAX_DELTA_DEPTH} versions"
        );
        let deltas = n as i64 - whole;
        assert!(
            delta_bytes / deltas < whole_bytes / whole / 10,
            "deltas ({} B each) should be far smaller than whole pages ({} B)",
            delta_bytes / deltas,
            whole_bytes / whole
        );
    }

    #[test]
    fn a_redesigned_page_starts_a_new_chain() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.db")).unwrap();
        let doc = s
            .ensure_source("a", "http://127.0.0.1/a", Utc::now())
            .unwrap();
        let Stored::New { version_id: v1, .. } = s
            .record(&version_with_raw(doc, 1, None, page(1, 1)))
            .unwrap()
        else {
            panic!()
        };
        let other: Vec<u8> = (0..60_000u32)
            .flat_map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes())
            .collect();
        let Stored::Changed { version_id: v2, .. } = s
            .record(&version_with_raw(doc, 2, Some(v1), other.clone()))
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(s.raw_html(v2).unwrap().unwrap(), other);
        let base: Option<i64> = s
            .conn()
            .query_row(
                "SELECT r.base_id FROM versions v JOIN raw_pages r ON r.id = v.raw_page_id WHERE v.id = ?1",
                [v2],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(base, None);
    }
}
