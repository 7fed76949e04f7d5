//! Differential testing of `check` against the real Shorewall 5.2.8: variants of a few base
//! configurations (one line added or changed, or a few related ones), the real compiler's
//! verdict on each (cached in `tests/diagnostics/oracle-verdicts.tsv`), and the comparison with
//! what `check` reports.
//!
//! A variant agrees when the compiler accepts it and `check` reports no error, or when the
//! compiler rejects it at `FILE (line N)` and `check` reports an error on that line and on no
//! other (for an `(EOF)` error: an error in that file). The generator is in [`variants`].

pub mod variants;

use std::{
    collections::{BTreeMap, HashMap},
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Mutex},
};

use shorewall_ls::{
    cli::check::{self, Reported},
    model::{self, Environment, MemoryVfs, ParseCache, Severity},
};
use shorewall_syntax::Parse;

use crate::workspace_root;

/// A base configuration the variants start from (`tests/diagnostics/bases/<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Base {
    /// The oracle's `samples/basic` (IPv6, Debian's shorewall6.conf).
    Basic6,
    /// The oracle's `samples/defaults` (IPv6, an almost empty shorewall6.conf).
    Defaults6,
    /// Debian's three-interface IPv4 sample.
    Three4,
}

impl Base {
    pub const ALL: [Base; 3] = [Base::Basic6, Base::Defaults6, Base::Three4];

    pub fn name(self) -> &'static str {
        match self {
            Base::Basic6 => "basic6",
            Base::Defaults6 => "defaults6",
            Base::Three4 => "three4",
        }
    }

    pub fn from_name(name: &str) -> Option<Base> {
        Base::ALL.into_iter().find(|it| it.name() == name)
    }

    pub fn is_ipv4(self) -> bool {
        self == Base::Three4
    }

    /// The name of the configuration directory (it decides the family).
    pub fn dir_name(self) -> &'static str {
        if self.is_ipv4() {
            "shorewall"
        } else {
            "shorewall6"
        }
    }

    pub fn conf(self) -> &'static str {
        if self.is_ipv4() {
            "shorewall.conf"
        } else {
            "shorewall6.conf"
        }
    }

    /// The oracle script that compiles it.
    pub fn tool(self) -> &'static str {
        if self.is_ipv4() {
            "compile4"
        } else {
            "compile6"
        }
    }

    /// The base's files, by name.
    pub fn files(self) -> BTreeMap<String, String> {
        let dir = workspace_root()
            .join("tests/diagnostics/bases")
            .join(self.name());
        let mut res = BTreeMap::new();
        if let Ok(entries) = fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Ok(text) = fs::read_to_string(entry.path()) {
                    res.insert(name, text);
                }
            }
        }
        res
    }
}

/// How an edit changes a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// Adds the text as the last lines (creating the file if needed).
    Append,
    /// Inserts the text after the first line that starts with the pattern.
    After(String),
    /// Inserts the text before the first line that starts with the pattern.
    Before(String),
    /// Sets a shorewall.conf option: replaces the line `NAME=...` (or appends).
    Set,
    /// Replaces the whole file (or creates it).
    Create,
}

impl Op {
    fn encode(&self) -> String {
        match self {
            Op::Append => "append".to_owned(),
            Op::After(it) => format!("after={}", escape(it)),
            Op::Before(it) => format!("before={}", escape(it)),
            Op::Set => "set".to_owned(),
            Op::Create => "create".to_owned(),
        }
    }

    fn decode(text: &str) -> Option<Op> {
        Some(match text {
            "append" => Op::Append,
            "set" => Op::Set,
            "create" => Op::Create,
            _ => {
                if let Some(it) = text.strip_prefix("after=") {
                    Op::After(unescape(it))
                } else if let Some(it) = text.strip_prefix("before=") {
                    Op::Before(unescape(it))
                } else {
                    return None;
                }
            }
        })
    }
}

/// One change to one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub file: String,
    pub op: Op,
    /// The text, lines separated by `\n`, without a final newline.
    pub text: String,
}

impl Edit {
    pub fn new(file: &str, op: Op, text: impl Into<String>) -> Edit {
        Edit {
            file: file.to_owned(),
            op,
            text: text.into(),
        }
    }
}

/// A base with edits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Variant {
    pub base: Base,
    pub edits: Vec<Edit>,
}

/// `\` → `\\`, TAB → `\t`, newline → `\n`: one TSV field.
pub fn escape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => res.push_str("\\\\"),
            '\t' => res.push_str("\\t"),
            '\n' => res.push_str("\\n"),
            _ => res.push(ch),
        }
    }
    res
}

pub fn unescape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            res.push(ch);
            continue;
        }
        match chars.next() {
            Some('t') => res.push('\t'),
            Some('n') => res.push('\n'),
            Some(other) => res.push(other),
            None => res.push('\\'),
        }
    }
    res
}

impl Variant {
    pub fn new(base: Base, edits: Vec<Edit>) -> Variant {
        Variant { base, edits }
    }

    /// The variant as TSV fields: the base, then file, op and text of each edit.
    pub fn key(&self) -> String {
        let mut res = self.base.name().to_owned();
        for edit in &self.edits {
            let _ = write!(
                res,
                "\t{}\t{}\t{}",
                edit.file,
                edit.op.encode(),
                escape(&edit.text)
            );
        }
        res
    }

    pub fn from_key(key: &str) -> Option<Variant> {
        let mut fields = key.split('\t');
        let base = Base::from_name(fields.next()?)?;
        let mut edits = Vec::new();
        while let Some(file) = fields.next() {
            let op = Op::decode(fields.next()?)?;
            let text = unescape(fields.next()?);
            edits.push(Edit {
                file: file.to_owned(),
                op,
                text,
            });
        }
        Some(Variant { base, edits })
    }

    /// The files of the variant: the base's, edited.
    pub fn files(&self, base_files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut files = base_files.clone();
        for edit in &self.edits {
            let text = files.entry(edit.file.clone()).or_default();
            *text = apply(text, edit);
        }
        files
    }
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let new: Vec<String> = edit.text.split('\n').map(str::to_owned).collect();
    match &edit.op {
        Op::Append => lines.extend(new),
        Op::Create => lines = new,
        Op::After(pattern) | Op::Before(pattern) => {
            let at = lines.iter().position(|it| it.starts_with(pattern.as_str()));
            match at {
                Some(idx) => {
                    let idx = if matches!(edit.op, Op::After(_)) {
                        idx + 1
                    } else {
                        idx
                    };
                    lines.splice(idx..idx, new);
                }
                None => lines.extend(new),
            }
        }
        Op::Set => {
            let name = edit.text.split('=').next().unwrap_or("").to_owned() + "=";
            match lines.iter().position(|it| it.starts_with(&name)) {
                Some(idx) => lines[idx] = edit.text.clone(),
                None => lines.extend(new),
            }
        }
    }
    let mut res = lines.join("\n");
    res.push('\n');
    res
}

/// What the real compiler said about a variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub accepted: bool,
    /// Where it stopped: the first `FILE (line N)` or `FILE (EOF)` (line `None`) that names a
    /// file of the configuration directory.
    pub file: Option<String>,
    pub line: Option<u32>,
    /// The ERROR and WARNING lines, joined with ` | `, paths relative to the directory.
    pub message: String,
}

impl Verdict {
    /// Reads the compiler's stderr (paths of the directory `dir` shown as `<dir>/`).
    pub fn from_output(accepted: bool, stderr: &str) -> Verdict {
        let mut messages = Vec::new();
        for line in stderr.lines() {
            let line = line.trim();
            if line.starts_with("ERROR:")
                || line.starts_with("WARNING:")
                || line.starts_with("from ")
            {
                messages.push(line.to_owned());
            }
        }
        let mut file = None;
        let mut line = None;
        if !accepted {
            // The error and its "from" lines, in order: the first place in the directory.
            let error_at = messages.iter().position(|it| it.starts_with("ERROR:"));
            if let Some(start) = error_at {
                for message in &messages[start..] {
                    if let Some((name, position)) = place(message) {
                        file = Some(name);
                        line = position;
                        break;
                    }
                }
            }
        }
        Verdict {
            accepted,
            file,
            line,
            message: messages.join(" | "),
        }
    }

    /// Every place of the configuration directory the error names: where it is, then the
    /// lines of the files that included or invoked it.
    pub fn places(&self) -> Vec<(String, Option<u32>)> {
        if self.accepted {
            return Vec::new();
        }
        let messages: Vec<&str> = self.message.split(" | ").collect();
        let start = messages
            .iter()
            .position(|it| it.starts_with("ERROR:"))
            .unwrap_or(0);
        messages[start..]
            .iter()
            .take_while(|it| !it.starts_with("WARNING:") || it.starts_with("from "))
            .filter_map(|it| place(it))
            .collect()
    }

    fn encode(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}",
            if self.accepted {
                "accepted"
            } else {
                "rejected"
            },
            self.file.as_deref().unwrap_or("-"),
            match (&self.file, self.line) {
                (Some(_), Some(line)) => line.to_string(),
                (Some(_), None) => "EOF".to_owned(),
                _ => "-".to_owned(),
            },
            escape(&self.message)
        )
    }

    fn decode(fields: &[&str]) -> Option<Verdict> {
        let accepted = match *fields.first()? {
            "accepted" => true,
            "rejected" => false,
            _ => return None,
        };
        let file = fields
            .get(1)
            .filter(|it| **it != "-")
            .map(|it| (*it).to_owned());
        let line = fields.get(2).and_then(|it| it.parse().ok());
        Some(Verdict {
            accepted,
            file,
            line,
            message: unescape(fields.get(3).copied().unwrap_or("")),
        })
    }
}

/// `... <dir>/FILE (line N)` or `... <dir>/FILE (EOF)` at the end of a message.
fn place(message: &str) -> Option<(String, Option<u32>)> {
    let (before, position) = message.rsplit_once(" (")?;
    let path = before.rsplit(' ').next()?;
    let name = path.strip_prefix("<dir>/")?;
    let line = match position.trim_end_matches(')') {
        "EOF" => None,
        other => Some(other.strip_prefix("line ")?.parse().ok()?),
    };
    Some((name.to_owned(), line))
}

/// The cache of verdicts: `verdict, file, line, message, variant key...` per line.
pub fn verdicts_path() -> PathBuf {
    workspace_root().join("tests/diagnostics/oracle-verdicts.tsv")
}

/// The cached verdicts, in file order.
pub fn read_verdicts(path: &Path) -> Vec<(Variant, Verdict)> {
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|it| !it.starts_with('#') && !it.is_empty())
        .filter_map(|line| {
            let fields: Vec<&str> = line.splitn(5, '\t').collect();
            let verdict = Verdict::decode(&fields[..fields.len().min(4)])?;
            let variant = Variant::from_key(fields.get(4)?)?;
            Some((variant, verdict))
        })
        .collect()
}

pub fn write_verdicts(path: &Path, verdicts: &[(Variant, Verdict)]) -> std::io::Result<()> {
    let mut text = String::from(
        "# The real Shorewall 5.2.8's verdict on each variant of tests/diagnostics/bases (compile6 or\n\
         # compile4 of ../shared/oracle): verdict, file and line where it stopped, its messages, then\n\
         # the variant (base, then file, operation, text of each edit). Written by\n\
         # `cargo run -p shorewall-tests --bin oracle-diff -- ask`; replayed by tests/differential.rs.\n",
    );
    for (variant, verdict) in verdicts {
        let _ = writeln!(text, "{}\t{}", verdict.encode(), variant.key());
    }
    let tmp = path.with_extension("tsv.tmp");
    fs::write(&tmp, text)?;
    fs::rename(tmp, path)
}

/// Asks the real compiler (`oracle/compile6` or `compile4`) about a variant, in a scratch
/// directory under `scratch`.
pub fn ask_oracle(
    oracle: &Path,
    variant: &Variant,
    base_files: &BTreeMap<String, String>,
    scratch: &Path,
) -> std::io::Result<Verdict> {
    let dir = scratch.join(variant.base.dir_name());
    let _ = fs::remove_dir_all(scratch);
    fs::create_dir_all(&dir)?;
    for (name, text) in variant.files(base_files) {
        fs::write(dir.join(name), text)?;
    }
    let output = Command::new(oracle.join(variant.base.tool()))
        .arg(&dir)
        .env_remove("SHOREWALL_LS_SHARED")
        .output()?;
    let code = output.status.code().unwrap_or(2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if code == 2 {
        return Err(std::io::Error::other(format!(
            "{} failed to run: {stderr}",
            variant.base.tool()
        )));
    }
    let shown = format!("{}/", dir.display());
    let stderr = stderr.replace(&shown, "<dir>/");
    let _ = fs::remove_dir_all(scratch);
    Ok(Verdict::from_output(code == 0, &stderr))
}

/// Parses kept between the variants' builds (the library's macros and actions are the same
/// every time), as the language server keeps them between keystrokes.
#[derive(Default)]
pub struct Parses {
    map: Mutex<HashMap<(PathBuf, Arc<str>), Parse>>,
}

impl ParseCache for Parses {
    fn get(&self, path: &Path, text: &Arc<str>) -> Option<Parse> {
        let map = self.map.lock().ok()?;
        map.get(&(path.to_path_buf(), text.clone())).cloned()
    }

    fn put(&self, path: &Path, text: &Arc<str>, parse: &Parse) {
        if let Ok(mut map) = self.map.lock() {
            map.insert((path.to_path_buf(), text.clone()), parse.clone());
        }
    }
}

/// What `check` reports for a variant (built-in library and name tables, from memory).
pub fn check_variant(
    variant: &Variant,
    base_files: &BTreeMap<String, String>,
    parses: &Parses,
) -> Vec<Reported> {
    let dir = PathBuf::from("/variant").join(variant.base.dir_name());
    let mut vfs = MemoryVfs::default();
    for (name, text) in variant.files(base_files) {
        vfs.insert(dir.join(name), Arc::<str>::from(text));
    }
    let mut env = Environment::builtin(&vfs);
    env.parse_cache = Some(parses);
    let model = model::build(&dir, &env);
    check::report_all(&model, &env, &dir)
}

/// How `check` disagrees with the compiler on a variant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Disagreement {
    /// The compiler accepts it; we report errors.
    FalseError,
    /// The compiler rejects it; we report no error where it stops.
    Missed,
    /// We report the compiler's error, and others elsewhere.
    Extra,
}

impl Disagreement {
    pub fn name(&self) -> &'static str {
        match self {
            Disagreement::FalseError => "false error",
            Disagreement::Missed => "missed error",
            Disagreement::Extra => "extra error",
        }
    }
}

/// Compares `check`'s report with the compiler's verdict.
pub fn compare(
    variant: &Variant,
    files: &BTreeMap<String, String>,
    verdict: &Verdict,
    reported: &[Reported],
) -> Option<Disagreement> {
    let errors: Vec<&Reported> = reported
        .iter()
        .filter(|it| it.severity == Severity::Error)
        .collect();
    if verdict.accepted {
        return (!errors.is_empty()).then_some(Disagreement::FalseError);
    }
    // Where the mistake is: any place of the directory the compiler names (the macro line or
    // the rules line that invokes it), else (an error in a library file) the edited file.
    let mut places = verdict.places();
    if places.is_empty() {
        places = variant
            .edits
            .first()
            .map(|it| (it.file.clone(), None))
            .into_iter()
            .collect();
    }
    // A place is a logical line: the compiler names the first line of a record continued
    // with backslashes, we the line of the offending column.
    let places: Vec<(String, Option<(u32, u32)>)> = places
        .into_iter()
        .map(|(file, line)| {
            let span = line.map(|line| (line, record_end(files.get(&file), line)));
            (file, span)
        })
        .collect();
    let at = |it: &&Reported| {
        places.is_empty()
            || places.iter().any(|(file, span)| {
                &it.path == file
                    && span.is_none_or(|(first, last)| (first..=last).contains(&it.line))
            })
    };
    if !errors.iter().any(at) {
        return Some(Disagreement::Missed);
    }
    // The compiler stops at its first error: what we report after it in the same file, it
    // never read.
    let unread = |it: &&Reported| {
        places
            .iter()
            .any(|(file, span)| &it.path == file && span.is_some_and(|(_, last)| it.line > last))
    };
    if errors.iter().any(|it| !at(it) && !unread(it)) {
        return Some(Disagreement::Extra);
    }
    None
}

/// The last physical line of the record that starts on line `line` (1-based).
fn record_end(text: Option<&String>, line: u32) -> u32 {
    let Some(text) = text else {
        return line;
    };
    let mut last = line;
    for (idx, it) in text
        .lines()
        .enumerate()
        .skip(line.saturating_sub(1) as usize)
    {
        last = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        if !it.trim_end().ends_with('\\') {
            break;
        }
    }
    last.max(line)
}

/// A report line for a disagreement.
pub fn describe(
    variant: &Variant,
    verdict: &Verdict,
    reported: &[Reported],
    disagreement: &Disagreement,
) -> String {
    let mut res = format!("{}: {}\n", disagreement.name(), variant.key());
    let _ = writeln!(
        res,
        "  shorewall: {} {}:{} {}",
        if verdict.accepted {
            "accepted"
        } else {
            "rejected"
        },
        verdict.file.as_deref().unwrap_or("-"),
        verdict.line.map_or("EOF".to_owned(), |it| it.to_string()),
        verdict.message
    );
    for it in reported {
        let _ = writeln!(
            res,
            "  check: {}:{}:{}: {}: {} [{}]",
            it.path,
            it.line,
            it.column,
            it.severity.as_str(),
            it.message,
            it.code
        );
    }
    res
}

/// The oracle directory, when Shorewall and the oracle scripts are both here.
pub fn oracle_dir() -> Option<PathBuf> {
    let oracle = crate::shared_dir()?.join("oracle");
    let installed = Path::new("/usr/share/shorewall/compiler.pl").exists()
        && Path::new("/usr/share/shorewall6/version").exists();
    (oracle.join("compile6").exists() && installed).then_some(oracle)
}
