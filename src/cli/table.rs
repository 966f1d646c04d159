//! Plain-text tables for the terminal: aligned columns, long cells cut with
//! an ellipsis so one row stays one line.

/// A table being built.
pub(crate) struct Table {
    headers: Vec<&'static str>,
    /// The widest a column may be, by index; `None` for no limit.
    max: Vec<Option<usize>>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers; every column may be any width.
    pub(crate) fn new(headers: &[&'static str]) -> Table {
        Table {
            headers: headers.to_vec(),
            max: vec![None; headers.len()],
            rows: Vec::new(),
        }
    }

    /// Limits a column to `width` characters.
    pub(crate) fn limit(mut self, column: usize, width: usize) -> Table {
        self.max[column] = Some(width);
        self
    }

    /// Adds a row (cells beyond the headers are ignored).
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders the table, one line per row, with a trailing newline.
    pub(crate) fn render(&self) -> String {
        let cut: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&self.max)
                    .map(|(c, m)| truncate(&one_line(c), *m))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &cut {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
            let mut s = String::new();
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                s.push_str(c);
                let pad = widths[i].saturating_sub(c.chars().count());
                s.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&mut self.headers.iter().copied(), &mut out);
        for r in &cut {
            line(&mut r.iter().map(String::as_str), &mut out);
        }
        out
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max: Option<usize>) -> String {
    match max {
        Some(m) if s.chars().count() > m => {
            let mut t: String = s.chars().take(m.saturating_sub(1)).collect();
            t.push('…');
            t
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_long_cells_are_cut() {
        let mut t = Table::new(&["name", "title"]).limit(1, 8);
        t.row(vec!["a".into(), "short".into()]);
        t.row(vec!["longer".into(), "a very long\nheadline".into()]);
        assert_eq!(
            t.render(),
            "name    title\na       short\nlonger  a very …\n"
        );
    }
}
