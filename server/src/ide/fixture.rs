//! Test fixtures: a configuration directory written as one string.
//!
//! ```text
//! #- zones
//! fw firewall
//! net ipv6
//! #- rules
//! ACCEPT $0net $FW
//! ```
//!
//! `#- PATH` starts a file (relative to `/etc/shorewall6`; without any header the text is
//! `rules`). `$0` marks the cursor, `$0...$0` a selection; the file holding it is the one the
//! test is about (else the last file). Header lines are comments, so a fixture stays a valid
//! configuration. Every file is on the in-memory disk; the cursor's file is also open in the
//! editor, as version 1.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use shorewall_syntax::{TextRange, TextSize};

use crate::{
    ide::{db::HostConfig, Analysis, AnalysisHost, FilePosition, FileRange},
    model::MemoryVfs,
};

pub(crate) const DIR: &str = "/etc/shorewall6";

pub(crate) struct Fixture {
    files: Vec<(PathBuf, String)>,
    /// The file the test is about, and the `$0` marks in it.
    main: PathBuf,
    marks: Vec<TextSize>,
}

impl Fixture {
    pub(crate) fn parse(text: &str) -> Fixture {
        let text = text.strip_prefix('\n').unwrap_or(text);
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        let mut current: Option<(PathBuf, String)> = None;
        for line in text.split_inclusive('\n') {
            if let Some(header) = line.strip_prefix("#- ") {
                if let Some(done) = current.take() {
                    files.push(done);
                }
                current = Some((Path::new(DIR).join(header.trim()), String::new()));
                continue;
            }
            let (_, body) =
                current.get_or_insert_with(|| (Path::new(DIR).join("rules"), String::new()));
            body.push_str(line);
        }
        files.extend(current);
        let mut main = files.last().map(|it| it.0.clone()).unwrap_or_default();
        let mut marks = Vec::new();
        for (path, body) in &mut files {
            if !body.contains("$0") {
                continue;
            }
            main = path.clone();
            let mut clean = String::new();
            let mut rest = body.as_str();
            while let Some(idx) = rest.find("$0") {
                clean.push_str(&rest[..idx]);
                marks.push(TextSize::of(clean.as_str()));
                rest = &rest[idx + 2..];
            }
            clean.push_str(rest);
            *body = clean;
        }
        Fixture { files, main, marks }
    }

    pub(crate) fn host(&self) -> AnalysisHost {
        let mut vfs = MemoryVfs::default();
        for (path, text) in &self.files {
            vfs.insert(path.clone(), text.as_str());
        }
        let mut host = AnalysisHost::new(HostConfig::builtin(Arc::new(vfs)));
        host.set_document(self.main.clone(), Arc::from(self.text(&self.main)), 1);
        host
    }

    pub(crate) fn analysis(&self) -> Analysis {
        self.host().analysis()
    }

    pub(crate) fn cursor_file(&self) -> PathBuf {
        self.main.clone()
    }

    pub(crate) fn position(&self) -> FilePosition {
        FilePosition {
            path: self.main.clone(),
            offset: self.marks.first().copied().unwrap_or_default(),
        }
    }

    pub(crate) fn range(&self) -> FileRange {
        let start = self.marks.first().copied().unwrap_or_default();
        let end = self.marks.get(1).copied().unwrap_or(start);
        FileRange {
            path: self.main.clone(),
            range: TextRange::new(start, end),
        }
    }

    pub(crate) fn text(&self, path: &Path) -> String {
        self.files
            .iter()
            .find(|it| it.0 == path)
            .map(|it| it.1.clone())
            .unwrap_or_default()
    }

    /// A path as the fixture names it (relative to the directory).
    pub(crate) fn relative(&self, path: &Path) -> String {
        path.strip_prefix(DIR).unwrap_or(path).display().to_string()
    }

    /// `text` with the range shown as `[...]`, for snapshots of edits and ranges.
    pub(crate) fn show_range(&self, path: &Path, range: TextRange) -> String {
        let text = self.text(path);
        let line_start = text
            .get(..usize::from(range.start()))
            .and_then(|it| it.rfind('\n'))
            .map_or(0, |it| it + 1);
        let line_end = text
            .get(usize::from(range.end())..)
            .and_then(|it| it.find('\n'))
            .map_or(text.len(), |it| usize::from(range.end()) + it);
        let get = |from: usize, to: usize| text.get(from..to).unwrap_or("");
        format!(
            "{}[{}]{}",
            get(line_start, range.start().into()),
            get(range.start().into(), range.end().into()),
            get(range.end().into(), line_end)
        )
    }
}
