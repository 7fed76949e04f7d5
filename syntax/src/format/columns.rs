//! Column alignment: one grid of column starts for the whole file, and the arithmetic of
//! padding to it with tabs or spaces.
//!
//! The block that shares a grid is the whole file. Shorewall's own samples put one header
//! comment at the top and line every record of the file up under it, across comments, blank
//! lines and `?SECTION`s; a grid per block would make the columns jump from block to block and
//! leave the header aligned with at most one of them. `max_column_width` bounds what one long
//! value can do to the grid: a value wider than that pushes the rest of its own line to the
//! right, and the next column returns to the grid as soon as it can.
//!
//! Column `k + 1` starts at least [`GAP`] display columns after the widest column `k` (as far
//! as the cap allows), rounded up to a tab stop. Two columns of gap keep a header comment's
//! cells apart even when a cell has a single space inside (`DEST PORT(S)`), and make the tab and
//! space renderings of a file look the same.

/// The least distance, in display columns, between the end of a column and the next one.
pub(super) const GAP: u32 = 2;

/// How positions are measured and padding is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    tab_width: u32,
    use_tabs: bool,
}

impl Layout {
    pub(super) fn new(options: &super::FormatOptions) -> Layout {
        Layout {
            tab_width: options.tab_width.clamp(1, 64),
            use_tabs: options.use_tabs,
        }
    }

    /// The first tab stop at or after `pos`.
    pub(super) fn round_up(self, pos: u32) -> u32 {
        pos.div_ceil(self.tab_width).saturating_mul(self.tab_width)
    }

    fn next_stop(self, pos: u32) -> u32 {
        (pos / self.tab_width + 1).saturating_mul(self.tab_width)
    }

    /// The display column after writing `text` at `pos` (a newline starts over at 0).
    pub(super) fn advance(self, mut pos: u32, text: &str) -> u32 {
        for ch in text.chars() {
            pos = match ch {
                '\t' => self.next_stop(pos),
                '\n' => 0,
                _ => pos.saturating_add(1),
            };
        }
        pos
    }

    /// Writes the padding that takes the line from display column `from` to `to`.
    pub(super) fn pad(self, out: &mut String, from: u32, to: u32) {
        let mut pos = from;
        if self.use_tabs {
            while self.next_stop(pos) <= to {
                out.push('\t');
                pos = self.next_stop(pos);
            }
        }
        while pos < to {
            out.push(' ');
            pos += 1;
        }
    }

    /// Where the next column goes when the previous one ended at `pos`: its grid start, or the
    /// first tab stop [`GAP`] columns on if the line has run past it.
    pub(super) fn next_start(self, grid_start: u32, pos: u32) -> u32 {
        grid_start.max(self.round_up(pos.saturating_add(GAP)))
    }
}

/// The width of a column's text as the grid counts it.
pub(super) fn width(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

/// Collects the widest value of each column, capped.
#[derive(Debug)]
pub(super) struct GridBuilder {
    widths: Vec<u32>,
    cap: u32,
}

impl GridBuilder {
    pub(super) fn new(cap: u32) -> GridBuilder {
        GridBuilder {
            widths: Vec::new(),
            cap,
        }
    }

    /// Column `column` of some line is `width` wide and something follows it on its line.
    pub(super) fn observe(&mut self, column: usize, width: u32) {
        if self.widths.len() <= column {
            self.widths.resize(column + 1, 0);
        }
        if let Some(slot) = self.widths.get_mut(column) {
            *slot = (*slot).max(width.min(self.cap));
        }
    }

    pub(super) fn finish(self, layout: Layout) -> Grid {
        let mut starts = Vec::with_capacity(self.widths.len() + 1);
        let mut start = 0u32;
        starts.push(start);
        for width in self.widths {
            start = layout.round_up(start.saturating_add(width).saturating_add(GAP));
            starts.push(start);
        }
        Grid { starts, layout }
    }
}

/// The start of every column.
#[derive(Debug)]
pub(super) struct Grid {
    starts: Vec<u32>,
    layout: Layout,
}

impl Grid {
    /// The start of column `column`; columns nobody measured follow the last one at the least
    /// distance.
    pub(super) fn start(&self, column: usize) -> u32 {
        match self.starts.get(column) {
            Some(&start) => start,
            None => {
                let last = self.starts.len().saturating_sub(1);
                let mut start = self.starts.last().copied().unwrap_or(0);
                for _ in last..column {
                    start = self.layout.round_up(start.saturating_add(GAP));
                }
                start
            }
        }
    }

    pub(super) fn layout(&self) -> Layout {
        self.layout
    }
}
