//! The inputs of the analysis and what is computed from them, cached.
//!
//! Inputs: the open documents (text and version) laid over a base file system, and a revision
//! number per configuration directory that moves whenever something in the directory changes.
//! Computed: parses (kept per path and reused while the text is the same) and one [`Model`] per
//! directory and revision, built on first use by whichever snapshot asks first; concurrent
//! askers of the same revision wait for that one build. The base file system's answers are kept
//! too ([`DiskCache`]) until the editor says files changed on disk.

use std::{
    collections::{HashMap, VecDeque},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, OnceLock},
};

use shorewall_syntax::{parse, Family, FileKind, FileType, LineCol, Parse};

use crate::{
    compile::{
        checkpoint::Checkpoint,
        lower::{self, Compiled, Failure},
        rejection::{self, CompileStage},
    },
    ide::big_work,
    ide::diagnostics::{incremental::Outline, DirDiagnostics},
    model::{
        self, ActionBody, ActionBodyKey, Environment, Model, NameTables, ParseCache, ReadError,
        Severity, Vfs,
    },
};

/// What the analysis reads besides the open documents: the file system under them and the
/// machine's Shorewall library and name tables.
pub struct HostConfig {
    pub vfs: Arc<dyn Vfs + Send + Sync>,
    /// Shorewall's library directories for IPv4 and IPv6 (empty: the built-in copy).
    pub library_dirs_v4: Vec<PathBuf>,
    pub library_dirs_v6: Vec<PathBuf>,
    pub names: Arc<NameTables>,
}

impl HostConfig {
    /// A configuration with the built-in library and name tables over `vfs`.
    pub fn builtin(vfs: Arc<dyn Vfs + Send + Sync>) -> HostConfig {
        HostConfig {
            vfs,
            library_dirs_v4: Vec::new(),
            library_dirs_v6: Vec::new(),
            names: Arc::new(NameTables::builtin()),
        }
    }

    fn library_dirs(&self, family: Family) -> Vec<PathBuf> {
        match family {
            Family::Ipv4 => self.library_dirs_v4.clone(),
            Family::Ipv6 => self.library_dirs_v6.clone(),
        }
    }
}

/// An open document.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub(crate) text: Arc<str>,
    pub(crate) version: i32,
}

/// The state shared by the host and its snapshots: caches only, never inputs.
#[derive(Default)]
pub(crate) struct Caches {
    pub(crate) parses: ParseStore,
    disk: DiskCache,
    models: Mutex<HashMap<PathBuf, ModelSlot>>,
    /// The diagnostics of each directory's open documents, as last computed: the base that
    /// the next one-line edit is checked against (see `diagnostics::incremental`).
    pub(crate) diagnostics: Mutex<HashMap<PathBuf, Arc<DirDiagnostics>>>,
    /// The outlines of the last rules texts checked or hovered a line at a time.
    pub(crate) outlines: Mutex<Vec<(Arc<str>, Arc<Outline>)>>,
    /// What the stand-in directories of one file share.
    stand_ins: Mutex<StandIns>,
}

/// What stand-in directories (a few lines of a rules file in place of the whole, for hover and
/// the incremental check) share, kept while the inputs other than that file stay the same:
/// the stand-ins of one file differ in that file only. The action bodies read compiling them
/// (an action body never reads the rules file, and their policies read the same default
/// actions every time); and the directory read up to its rules files and compiled up to the
/// rules ([`StandInBase`]).
#[derive(Default)]
struct StandIns {
    /// The inputs the bodies are of: the disk generation and every open document but the
    /// one the stand-ins replace (held, so that a new text at the old one's address cannot
    /// pass for it).
    inputs: Option<StandInInputs>,
    /// Moves whenever the inputs change: a compilation of other inputs that runs meanwhile
    /// neither reads nor fills the bodies.
    generation: u64,
    bodies: HashMap<ActionBodyKey, Arc<ActionBody>>,
    /// For a rules file: the other inputs read and compiled, once.
    base: Option<Arc<StandInBase>>,
    /// The last few stand-ins compiled and what they gave: hovering one line again (the
    /// pointer moving along it) costs a lookup instead of a compilation.
    compiled: VecDeque<(Arc<str>, Arc<CompileOutcome>)>,
}

/// How many stand-in compilations [`StandIns`] keeps.
const KEPT_STAND_IN_COMPILATIONS: usize = 8;

/// A directory read up to its rules files ([`model::Prelude`]) and compiled up to the rules
/// ([`Checkpoint`]): what every stand-in of its rules file starts from, so that a stand-in
/// costs its own lines and the stages after the rules only.
struct StandInBase {
    prelude: model::Prelude,
    /// Taken at the first compilation, from the prelude with an empty rules file (the stages
    /// before the rules read none).
    checkpoint: OnceLock<Result<Checkpoint, Failure>>,
}

/// The disk generation, the file the stand-ins replace, and every other open document.
type StandInInputs = (u64, PathBuf, Vec<(PathBuf, Arc<str>)>);

/// At most this many bodies are kept; then they are all dropped and read again.
const MAX_STAND_IN_BODIES: usize = 256;

/// The model of one directory: the cell for the current revision (and its compilation), and
/// the last model built (of any revision) for features that can live with one that is a
/// keystroke old.
struct ModelSlot {
    revision: u64,
    cell: ModelCell,
    compiled: CompileCell,
    last_built: Option<Arc<Model>>,
}

impl ModelSlot {
    fn new(revision: u64) -> ModelSlot {
        ModelSlot {
            revision,
            cell: Arc::default(),
            compiled: Arc::default(),
            last_built: None,
        }
    }
}

type ModelCell = Arc<OnceLock<Arc<Model>>>;
type CompileCell = Arc<OnceLock<Arc<CompileOutcome>>>;

/// What compiling a directory gives: the ruleset, or why there is none (one message a line).
pub(crate) type CompileOutcome = Result<Compiled, Vec<String>>;

/// Parses by path: the last one of each file, reused while its text is unchanged, and the
/// base the next one is made from after an edit ([`shorewall_syntax::reparse`]): a keystroke
/// in a 10,000-line file then costs a parse of its line, not of the file, and the new tree
/// shares every other record with the old.
#[derive(Default)]
pub(crate) struct ParseStore {
    map: Mutex<HashMap<PathBuf, (Arc<str>, Parse)>>,
}

impl ParseStore {
    /// The parse kept for `path` if it is of `text`.
    fn kept(&self, path: &Path, text: &Arc<str>) -> Option<Parse> {
        let map = self.map.lock().ok()?;
        let (kept_text, kept) = map.get(path)?;
        (Arc::ptr_eq(kept_text, text) || **kept_text == **text).then(|| kept.clone())
    }
}

impl ParseCache for ParseStore {
    fn get(&self, path: &Path, text: &Arc<str>) -> Option<Parse> {
        let (kept_text, kept) = {
            let map = self.map.lock().ok()?;
            let (kept_text, kept) = map.get(path)?;
            (kept_text.clone(), kept.clone())
        };
        if Arc::ptr_eq(&kept_text, text) || *kept_text == **text {
            return Some(kept);
        }
        let parse = shorewall_syntax::reparse(&kept, &kept_text, text)?;
        self.put(path, text, &parse);
        Some(parse)
    }

    fn put(&self, path: &Path, text: &Arc<str>, parse: &Parse) {
        let replaced = match self.map.lock() {
            Ok(mut map) => map.insert(path.to_path_buf(), (text.clone(), parse.clone())),
            Err(_) => None,
        };
        // The old tree's own parts (those a reparse did not share) are freed on the big-work
        // thread, a batch at a time, not here.
        if let Some((_, old)) = replaced {
            big_work::drop_tree_later(old);
        }
    }
}

/// What the base file system answered (texts, whether files exist, directory listings), kept
/// until files change on disk. Every model build asks for the library's directory listings and
/// looks for the same files: hundreds of system calls, a millisecond, each keystroke. The
/// editor says when files change (`didSave`, watched files, `didClose`); then
/// [`AnalysisHost::files_changed`](crate::ide::AnalysisHost::files_changed) moves the disk
/// generation and the next snapshot of that generation empties the cache.
#[derive(Default)]
pub(crate) struct DiskCache {
    state: Mutex<DiskState>,
}

#[derive(Default)]
struct DiskState {
    /// The disk generation the answers are of.
    generation: u64,
    reads: HashMap<PathBuf, Result<Arc<str>, ReadError>>,
    exists: HashMap<PathBuf, bool>,
    listings: HashMap<PathBuf, Vec<String>>,
}

impl DiskCache {
    /// The kept answer for `path` at `generation`, else `compute`'s (kept if the cache is still
    /// of that generation; a snapshot older than the cache neither reads nor fills it).
    fn get<T: Clone>(
        &self,
        generation: u64,
        answers: fn(&mut DiskState) -> &mut HashMap<PathBuf, T>,
        path: &Path,
        compute: impl FnOnce() -> T,
    ) -> T {
        let lock = || match self.state.lock() {
            Ok(it) => it,
            Err(poisoned) => poisoned.into_inner(),
        };
        {
            let mut state = lock();
            if state.generation < generation {
                *state = DiskState {
                    generation,
                    ..DiskState::default()
                };
            }
            if state.generation > generation {
                drop(state);
                return compute();
            }
            if let Some(it) = answers(&mut state).get(path) {
                return it.clone();
            }
        }
        let res = compute();
        let mut state = lock();
        if state.generation == generation {
            answers(&mut state).insert(path.to_path_buf(), res.clone());
        }
        res
    }
}

/// The base file system through the [`DiskCache`], at one disk generation.
#[derive(Clone, Copy)]
pub(crate) struct CachedVfs<'a> {
    base: &'a dyn Vfs,
    cache: &'a DiskCache,
    generation: u64,
}

impl Vfs for CachedVfs<'_> {
    fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
        self.cache.get(
            self.generation,
            |it| &mut it.reads,
            path,
            || self.base.read(path),
        )
    }

    fn exists(&self, path: &Path) -> bool {
        self.cache.get(
            self.generation,
            |it| &mut it.exists,
            path,
            || self.base.exists(path),
        )
    }

    fn list_dir(&self, dir: &Path) -> Vec<String> {
        self.cache.get(
            self.generation,
            |it| &mut it.listings,
            dir,
            || self.base.list_dir(dir),
        )
    }
}

/// The parse store, but with nothing kept for one path (whose text is a stand-in).
struct ReadOnlyFor<'a> {
    store: &'a ParseStore,
    path: &'a Path,
}

impl ParseCache for ReadOnlyFor<'_> {
    fn get(&self, path: &Path, text: &Arc<str>) -> Option<Parse> {
        if path == self.path {
            // Not a base for the stand-in: the document's own parse must stay the base.
            return self.store.kept(path, text);
        }
        self.store.get(path, text)
    }

    fn put(&self, path: &Path, text: &Arc<str>, parse: &Parse) {
        if path != self.path {
            self.store.put(path, text, parse);
        }
    }
}

/// The parse store, with the action bodies of stand-in compilations, and nothing kept for the
/// path whose text is a stand-in.
struct StandInCache<'a> {
    store: &'a ParseStore,
    stand_ins: &'a Mutex<StandIns>,
    /// The generation of the bodies this compilation may use.
    generation: u64,
    path: &'a Path,
}

fn lock_stand_ins(stand_ins: &Mutex<StandIns>) -> std::sync::MutexGuard<'_, StandIns> {
    match stand_ins.lock() {
        Ok(it) => it,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl StandInCache<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, StandIns> {
        lock_stand_ins(self.stand_ins)
    }
}

impl ParseCache for StandInCache<'_> {
    fn get(&self, path: &Path, text: &Arc<str>) -> Option<Parse> {
        if path == self.path {
            return self.store.kept(path, text);
        }
        self.store.get(path, text)
    }

    fn put(&self, path: &Path, text: &Arc<str>, parse: &Parse) {
        if path != self.path {
            self.store.put(path, text, parse);
        }
    }

    fn action_body(&self, key: &ActionBodyKey) -> Option<Arc<ActionBody>> {
        let kept = self.lock();
        if kept.generation != self.generation {
            return None;
        }
        kept.bodies.get(key).cloned()
    }

    fn put_action_body(&self, key: ActionBodyKey, body: Arc<ActionBody>) {
        let mut kept = self.lock();
        if kept.generation != self.generation {
            return;
        }
        if kept.bodies.len() >= MAX_STAND_IN_BODIES {
            kept.bodies.clear();
        }
        kept.bodies.insert(key, body);
    }
}

/// The inputs, owned by the host and copied (cheaply) into each snapshot.
#[derive(Clone)]
pub(crate) struct Inputs {
    pub(crate) config: Arc<HostConfig>,
    pub(crate) documents: Arc<HashMap<PathBuf, Document>>,
    /// The revision of each directory that has changed since start (absent: 0).
    pub(crate) revisions: Arc<HashMap<PathBuf, u64>>,
    /// The revision at which files of each directory last changed on disk (absent: 0).
    pub(crate) disk_revisions: Arc<HashMap<PathBuf, u64>>,
    /// Moves whenever any file may have changed on disk: the [`DiskCache`] is of one generation.
    pub(crate) disk_generation: u64,
    pub(crate) caches: Arc<Caches>,
}

impl Inputs {
    pub(crate) fn new(config: HostConfig) -> Inputs {
        Inputs {
            config: Arc::new(config),
            documents: Arc::default(),
            revisions: Arc::default(),
            disk_revisions: Arc::default(),
            disk_generation: 0,
            caches: Arc::default(),
        }
    }

    pub(crate) fn revision(&self, dir: &Path) -> u64 {
        self.revisions.get(dir).copied().unwrap_or(0)
    }

    pub(crate) fn bump(&mut self, dir: &Path, revision: u64) {
        Arc::make_mut(&mut self.revisions).insert(dir.to_path_buf(), revision);
    }

    pub(crate) fn disk_revision(&self, dir: &Path) -> u64 {
        self.disk_revisions.get(dir).copied().unwrap_or(0)
    }

    /// Files of `dir` changed on disk at `revision`.
    pub(crate) fn bump_disk(&mut self, dir: &Path, revision: u64) {
        Arc::make_mut(&mut self.disk_revisions).insert(dir.to_path_buf(), revision);
        self.forget_disk(revision);
    }

    /// Files may have changed on disk: what the [`DiskCache`] holds is read again, from the
    /// snapshots taken after this.
    pub(crate) fn forget_disk(&mut self, revision: u64) {
        self.disk_generation = self.disk_generation.max(revision);
    }

    /// The base file system, through the cache.
    fn disk(&self) -> CachedVfs<'_> {
        CachedVfs {
            base: &*self.config.vfs,
            cache: &self.caches.disk,
            generation: self.disk_generation,
        }
    }

    /// The open documents of `dir`, sorted by path.
    pub(crate) fn documents_in(&self, dir: &Path) -> Vec<(PathBuf, Arc<str>)> {
        let mut res: Vec<(PathBuf, Arc<str>)> = self
            .documents
            .iter()
            .filter(|(path, _)| dir_of(path) == dir)
            .map(|(path, it)| (path.clone(), it.text.clone()))
            .collect();
        res.sort_by(|a, b| a.0.cmp(&b.0));
        res
    }

    /// The text of a file: the open document's, else the base file system's.
    pub(crate) fn text(&self, path: &Path) -> Option<Arc<str>> {
        match self.documents.get(path) {
            Some(document) => Some(document.text.clone()),
            None => self.disk().read(path).ok(),
        }
    }

    /// The type of a file: its kind from its name, its family from its directory as the model
    /// decides it.
    pub(crate) fn file_type(&self, path: &Path) -> FileType {
        let name = path.file_name().and_then(|it| it.to_str()).unwrap_or("");
        let dir = dir_of(path);
        FileType::new(
            FileKind::from_file_name(name),
            model::family_of(dir, &self.vfs()),
        )
    }

    /// The parse of a file's current text, from the cache when the text is unchanged.
    pub(crate) fn parse(&self, path: &Path) -> Option<Parse> {
        let text = self.text(path)?;
        let file_type = self.file_type(path);
        let store = &self.caches.parses;
        if let Some(parse) = store.get(path, &text) {
            if parse.file_type() == file_type {
                return Some(parse);
            }
        }
        let res = if text.len() >= big_work::BIG {
            let text = text.clone();
            big_work::run(move || parse(&text, file_type))
        } else {
            parse(&text, file_type)
        };
        store.put(path, &text, &res);
        Some(res)
    }

    pub(crate) fn vfs(&self) -> OverlayVfs<'_> {
        OverlayVfs {
            documents: &self.documents,
            base: self.disk(),
        }
    }

    /// The model of `dir` at this snapshot's revision, built if nobody has built it yet (for
    /// a large file, on the big-work thread).
    pub(crate) fn model(&self, dir: &Path) -> Arc<Model> {
        self.model_built(dir)
    }

    /// [`Inputs::model`] if someone has built it, else a model built on this thread and not
    /// kept: for the compile stage, which must not hold up the big-work thread, where the next
    /// keystroke's parse waits (the model and lowering of a 10,000-line file take a core for
    /// 140 ms), nor keep a model in its own thread's memory, where it would pin the pages of
    /// everything the lowering freed around it (VmRSS 95 MB against 50 after twenty pauses).
    pub(crate) fn model_for_compile_stage(&self, dir: &Path) -> Arc<Model> {
        if let Some(model) = self.model_if_ready(dir) {
            return model;
        }
        let mut model = self.build_model(dir);
        if self.has_big_document(dir) {
            model.files.drop_large_trees(big_work::BIG);
        }
        Arc::new(model)
    }

    fn has_big_document(&self, dir: &Path) -> bool {
        self.documents
            .iter()
            .any(|(path, it)| dir_of(path) == dir && it.text.len() >= big_work::BIG)
    }

    fn model_built(&self, dir: &Path) -> Arc<Model> {
        let revision = self.revision(dir);
        let cell = {
            let mut models = match self.caches.models.lock() {
                Ok(it) => it,
                Err(poisoned) => poisoned.into_inner(),
            };
            self.slot(&mut models, dir, revision).0
        };
        cell.get_or_init(|| {
            let big = self.has_big_document(dir);
            let build = {
                let (inputs, dir) = (self.clone(), dir.to_path_buf());
                move || {
                    let mut model = inputs.build_model(&dir);
                    if big {
                        // The model outlives the text it was built from by many edits, and
                        // its tree of a 10,000-line file is megabytes nobody reads again:
                        // the requests that need a tree parse the current text.
                        model.files.drop_large_trees(big_work::BIG);
                    }
                    Arc::new(model)
                }
            };
            if big {
                big_work::run(build)
            } else {
                build()
            }
        })
        .clone()
    }

    /// The cells of `dir` at `revision`: the slot's when it is at that revision (moving it
    /// forward if it is behind), private ones for a snapshot older than the cache.
    fn slot(
        &self,
        models: &mut HashMap<PathBuf, ModelSlot>,
        dir: &Path,
        revision: u64,
    ) -> (ModelCell, CompileCell) {
        let slot = models
            .entry(dir.to_path_buf())
            .or_insert_with(|| ModelSlot::new(revision));
        if slot.revision < revision {
            let last_built = slot.cell.get().cloned().or(slot.last_built.take());
            *slot = ModelSlot::new(revision);
            slot.last_built = last_built;
        }
        if slot.revision == revision {
            (slot.cell.clone(), slot.compiled.clone())
        } else {
            (Arc::default(), Arc::default())
        }
    }

    /// The compilation of `dir` at this snapshot's revision, compiled if nobody has yet.
    pub(crate) fn compiled(&self, dir: &Path) -> Arc<CompileOutcome> {
        let model = self.model(dir);
        let cell = {
            let mut models = match self.caches.models.lock() {
                Ok(it) => it,
                Err(poisoned) => poisoned.into_inner(),
            };
            self.slot(&mut models, dir, self.revision(dir)).1
        };
        cell.get_or_init(|| Arc::new(self.compile(&model))).clone()
    }

    /// The model of `dir` at this snapshot's revision if someone has built it.
    pub(crate) fn model_if_ready(&self, dir: &Path) -> Option<Arc<Model>> {
        let models = self.caches.models.lock().ok()?;
        let slot = models.get(dir)?;
        if slot.revision != self.revision(dir) {
            return None;
        }
        slot.cell.get().cloned()
    }

    /// The compilation of `dir` at this snapshot's revision if someone has compiled it.
    pub(crate) fn compiled_if_ready(&self, dir: &Path) -> Option<Arc<CompileOutcome>> {
        let models = self.caches.models.lock().ok()?;
        let slot = models.get(dir)?;
        if slot.revision != self.revision(dir) {
            return None;
        }
        slot.compiled.get().cloned()
    }

    pub(crate) fn compile(&self, model: &Model) -> CompileOutcome {
        self.compile_with(model, &self.caches.parses)
    }

    /// The compilation of the directory of `path` with `text` in place of that file's (a few
    /// lines of a rules file): from the directory read and compiled up to the rules, kept
    /// while the other inputs are the same, else from the model of the stand-in directory;
    /// with the action bodies kept from the last such compilations.
    pub(crate) fn compile_stand_in(&self, path: &Path, text: Arc<str>) -> Arc<CompileOutcome> {
        let (generation, base) = self.stand_in_base(path);
        {
            let kept = lock_stand_ins(&self.caches.stand_ins);
            if kept.generation == generation {
                let found = kept.compiled.iter().find(|it| *it.0 == *text);
                if let Some((_, compiled)) = found {
                    return compiled.clone();
                }
            }
        }
        let compiled = Arc::new(self.compile_stand_in_anew(path, text.clone(), generation, base));
        let mut kept = lock_stand_ins(&self.caches.stand_ins);
        if kept.generation == generation {
            if kept.compiled.len() == KEPT_STAND_IN_COMPILATIONS {
                kept.compiled.pop_front();
            }
            kept.compiled.push_back((text, compiled.clone()));
        }
        compiled
    }

    fn compile_stand_in_anew(
        &self,
        path: &Path,
        text: Arc<str>,
        generation: u64,
        base: Option<Arc<StandInBase>>,
    ) -> CompileOutcome {
        let cache = StandInCache {
            store: &self.caches.parses,
            stand_ins: &self.caches.stand_ins,
            generation,
            path,
        };
        let Some(base) = base else {
            let model = self.model_with(dir_of(path), path, text);
            return self.compile_with(&model, &cache);
        };
        self.with_stand_in(path, text, &cache, |env| {
            let model = base.prelude.finish(env);
            let errors = errors_of(&model);
            if !errors.is_empty() {
                return Err(errors);
            }
            let checkpoint = base.checkpoint.get_or_init(|| {
                self.with_stand_in(path, Arc::from(""), &cache, |env| {
                    Checkpoint::take(&base.prelude.finish(env), env)
                })
            });
            match checkpoint {
                Ok(checkpoint) => checkpoint.resume(&model, env),
                Err(failure) => Err(failure.clone()),
            }
            .map_err(|failure| failure_lines(&model, &failure))
        })
    }

    /// The generation of the stand-ins of `path` with this snapshot's other inputs (a new one
    /// when they are not those of the last stand-ins), and for a rules file whose directory
    /// does not read it before the rules, the directory read and compiled up to the rules.
    fn stand_in_base(&self, path: &Path) -> (u64, Option<Arc<StandInBase>>) {
        let inputs = (
            self.disk_generation,
            path.to_path_buf(),
            self.documents_but(path),
        );
        let (generation, base) = {
            let mut kept = lock_stand_ins(&self.caches.stand_ins);
            let same = kept.inputs.as_ref().is_some_and(|it| {
                it.0 == inputs.0
                    && it.1 == inputs.1
                    && it.2.len() == inputs.2.len()
                    && it
                        .2
                        .iter()
                        .zip(&inputs.2)
                        .all(|(a, b)| a.0 == b.0 && Arc::ptr_eq(&a.1, &b.1))
            });
            if !same {
                *kept = StandIns {
                    inputs: Some(inputs),
                    generation: kept.generation + 1,
                    bodies: HashMap::new(),
                    base: None,
                    compiled: VecDeque::new(),
                };
            }
            (kept.generation, kept.base.clone())
        };
        if base.is_some() || path.file_name().and_then(|it| it.to_str()) != Some("rules") {
            return (generation, base);
        }
        let parses = ReadOnlyFor {
            store: &self.caches.parses,
            path,
        };
        let vfs = self.vfs();
        let dir = dir_of(path);
        let family = model::family_of(dir, &vfs);
        let env = Environment {
            vfs: &vfs,
            library_dirs: self.config.library_dirs(family),
            names: self.config.names.clone(),
            parse_cache: Some(&parses),
        };
        let prelude = model::Prelude::read(dir, &env);
        if prelude.reads_rules() {
            return (generation, None);
        }
        let base = Arc::new(StandInBase {
            prelude,
            checkpoint: OnceLock::new(),
        });
        let mut kept = lock_stand_ins(&self.caches.stand_ins);
        if kept.generation == generation {
            kept.base = Some(base.clone());
        }
        (generation, Some(base))
    }

    /// [`compile_stand_in`](Self::compile_stand_in) without the kept prelude and checkpoint:
    /// the stand-in directory read and compiled whole.
    #[cfg(test)]
    pub(crate) fn compile_stand_in_whole(&self, path: &Path, text: Arc<str>) -> CompileOutcome {
        let parses = ReadOnlyFor {
            store: &self.caches.parses,
            path,
        };
        let model = self.with_stand_in(path, text, &parses, |env| model::build(dir_of(path), env));
        self.compile(&model)
    }

    /// The address of the kept [`StandInBase`] and whether its checkpoint is taken.
    #[cfg(test)]
    pub(crate) fn kept_stand_in_base(&self) -> Option<(usize, bool)> {
        let kept = lock_stand_ins(&self.caches.stand_ins);
        let base = kept.base.as_ref()?;
        Some((
            Arc::as_ptr(base) as usize,
            base.checkpoint.get().is_some_and(Result::is_ok),
        ))
    }

    /// Calls `f` with the environment of the directory of `path` with `text` in place of that
    /// file's.
    fn with_stand_in<R>(
        &self,
        path: &Path,
        text: Arc<str>,
        parse_cache: &dyn ParseCache,
        f: impl FnOnce(&Environment<'_>) -> R,
    ) -> R {
        let mut documents = (*self.documents).clone();
        documents.insert(path.to_path_buf(), Document { text, version: 0 });
        let vfs = OverlayVfs {
            documents: &documents,
            base: self.disk(),
        };
        let family = model::family_of(dir_of(path), &vfs);
        let env = Environment {
            vfs: &vfs,
            library_dirs: self.config.library_dirs(family),
            names: self.config.names.clone(),
            parse_cache: Some(parse_cache),
        };
        f(&env)
    }

    /// Every open document but `path`, sorted by path.
    fn documents_but(&self, path: &Path) -> Vec<(PathBuf, Arc<str>)> {
        let mut res: Vec<(PathBuf, Arc<str>)> = self
            .documents
            .iter()
            .filter(|(it, _)| it.as_path() != path)
            .map(|(path, it)| (path.clone(), it.text.clone()))
            .collect();
        res.sort_by(|a, b| a.0.cmp(&b.0));
        res
    }

    fn compile_with(&self, model: &Model, parse_cache: &dyn ParseCache) -> CompileOutcome {
        let errors = errors_of(model);
        if !errors.is_empty() {
            return Err(errors);
        }
        let vfs = self.vfs();
        let env = Environment {
            vfs: &vfs,
            library_dirs: self.config.library_dirs(model.family),
            names: self.config.names.clone(),
            parse_cache: Some(parse_cache),
        };
        lower::compile(model, &env).map_err(|failure| failure_lines(model, &failure))
    }

    /// The compiler's error on `dir` at this snapshot's revision, or its warnings, as `check`
    /// reports them (see [`rejection::compile_stage`]), with the model they were found on. On
    /// the calling thread even for a large directory: on the big-work thread it made a
    /// keystroke typed during it wait for the whole compilation.
    pub(crate) fn compile_stage(&self, dir: &Path) -> Option<(CompileStage, Arc<Model>)> {
        // Nothing to compile or read (a lone file): no need for the model.
        let vfs = self.vfs();
        if !vfs.exists(&dir.join(model::family_of(dir, &vfs).conf_file_name())) {
            return None;
        }
        let model = self.model_for_compile_stage(dir);
        let env = Environment {
            vfs: &vfs,
            library_dirs: self.config.library_dirs(model.family),
            names: self.config.names.clone(),
            parse_cache: Some(&self.caches.parses),
        };
        let stage = rejection::compile_stage(&model, &env);
        Some((stage, model))
    }

    /// The model of `dir` at this revision if it is built, else the last one built for the
    /// directory, else a fresh build: for completion and hover, which need the directory's
    /// names but not the latest keystroke's diagnostics.
    pub(crate) fn recent_model(&self, dir: &Path) -> Arc<Model> {
        if let Ok(models) = self.caches.models.lock() {
            if let Some(slot) = models.get(dir) {
                if let Some(model) = slot.cell.get().or(slot.last_built.as_ref()) {
                    return model.clone();
                }
            }
        }
        self.model(dir)
    }

    fn build_model(&self, dir: &Path) -> Model {
        let vfs = self.vfs();
        let family = model::family_of(dir, &vfs);
        let env = Environment {
            vfs: &vfs,
            library_dirs: self.config.library_dirs(family),
            names: self.config.names.clone(),
            parse_cache: Some(&self.caches.parses),
        };
        model::build(dir, &env)
    }

    /// The model of `dir` with the text of one file replaced (a part of a rules file, to check
    /// a few lines): built apart (for a rules file, from the directory read up to its rules
    /// files, kept while the other inputs are the same), never cached, and leaving the cached
    /// parse of the real file alone.
    pub(crate) fn model_with(&self, dir: &Path, path: &Path, text: Arc<str>) -> Model {
        let rules = path.file_name().and_then(|it| it.to_str()) == Some("rules");
        if rules && dir == dir_of(path) {
            if let (generation, Some(base)) = self.stand_in_base(path) {
                let cache = StandInCache {
                    store: &self.caches.parses,
                    stand_ins: &self.caches.stand_ins,
                    generation,
                    path,
                };
                return self.with_stand_in(path, text, &cache, |env| base.prelude.finish(env));
            }
        }
        let parses = ReadOnlyFor {
            store: &self.caches.parses,
            path,
        };
        self.with_stand_in(path, text, &parses, |env| model::build(dir, env))
    }
}

/// The errors of a model, one a line, as `check` reports them.
fn errors_of(model: &Model) -> Vec<String> {
    model
        .diagnostics
        .iter()
        .filter(|it| it.severity == Severity::Error)
        .filter_map(|it| {
            let file = model.file(it.site.file)?;
            let pos = file.line_index.line_col(it.site.range.start());
            let at = place(model, &file.path, pos);
            Some(format!("{at}: error: {} [{}]", it.message, it.code))
        })
        .collect()
}

/// Why a model does not compile, as `check` reports it.
fn failure_lines(model: &Model, failure: &Failure) -> Vec<String> {
    let site = failure.site.and_then(|site| {
        let file = model.file(site.file)?;
        Some((
            file.path.clone(),
            file.line_index.line_col(site.range.start()),
        ))
    });
    let at = match (&failure.place, site) {
        (Some((path, line)), _) => {
            let pos = LineCol {
                line: line.saturating_sub(1),
                col: 0,
            };
            place(model, path, pos)
        }
        (None, Some((path, pos))) => place(model, &path, pos),
        (None, None) => model.dir.display().to_string(),
    };
    vec![format!("{at}: error: {} [compile-error]", failure.message)]
}

/// `PATH:LINE:COL` (1-based, the column in bytes) with the path relative to the directory.
fn place(model: &Model, path: &Path, pos: LineCol) -> String {
    let path = path.strip_prefix(&model.dir).unwrap_or(path);
    format!("{}:{}:{}", path.display(), pos.line + 1, pos.col + 1)
}

/// The directory a file belongs to (its parent; `.` for a bare name).
pub(crate) fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// The open documents laid over the base file system: an open document wins over the file on
/// disk, and a new, unsaved one is listed in its directory.
pub(crate) struct OverlayVfs<'a> {
    documents: &'a HashMap<PathBuf, Document>,
    base: CachedVfs<'a>,
}

impl Vfs for OverlayVfs<'_> {
    fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
        match self.documents.get(path) {
            Some(document) => Ok(document.text.clone()),
            None => self.base.read(path),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        self.documents.contains_key(path) || self.base.exists(path)
    }

    fn list_dir(&self, dir: &Path) -> Vec<String> {
        let mut res = self.base.list_dir(dir);
        for path in self.documents.keys() {
            if path.parent() != Some(dir) {
                continue;
            }
            if let Some(name) = path.file_name().and_then(|it| it.to_str()) {
                if !res.iter().any(|it| it == name) {
                    res.push(name.to_owned());
                }
            }
        }
        res.sort();
        res
    }
}

#[cfg(test)]
mod tests {
    use std::{path::Path, sync::Arc};

    use shorewall_syntax::{parse, Family, FileKind, FileType, Parse};

    use super::{ParseStore, ReadOnlyFor};
    use crate::model::ParseCache;

    fn record_address(parse: &Parse, index: usize) -> Option<usize> {
        let child = parse.green().children().nth(index)?;
        Some(std::ptr::from_ref(child.into_node()?) as usize)
    }

    #[test]
    fn an_edit_parses_its_line_again_and_shares_the_others() {
        let store = ParseStore::default();
        let path = Path::new("/etc/shorewall6/rules");
        let rules = FileType::new(FileKind::Rules, Family::Ipv6);
        let old: Arc<str> = Arc::from("ACCEPT\tnet\t$FW\ttcp\t22\nDROP\tnet\tall\n");
        let old_parse = parse(&old, rules);
        store.put(path, &old, &old_parse);

        let new: Arc<str> = Arc::from("ACCEPT\tnet\t$FW\ttcp\t2222\nDROP\tnet\tall\n");
        let Some(reparsed) = store.get(path, &new) else {
            panic!("no parse from the kept one");
        };
        assert_eq!(reparsed, parse(&new, rules));
        // Children: RECORD, NEWLINE, RECORD, NEWLINE. The edited record is new, the other
        // the old tree's own.
        assert_ne!(record_address(&reparsed, 0), record_address(&old_parse, 0));
        assert_eq!(record_address(&reparsed, 2), record_address(&old_parse, 2));
        // The new parse is the base of the next edit.
        assert!(store.kept(path, &new).is_some());
    }

    #[test]
    fn a_stand_in_text_does_not_replace_the_documents_parse() {
        let store = ParseStore::default();
        let path = Path::new("/etc/shorewall6/rules");
        let rules = FileType::new(FileKind::Rules, Family::Ipv6);
        let text: Arc<str> = Arc::from("ACCEPT\tnet\t$FW\ttcp\t22\nDROP\tnet\tall\n");
        store.put(path, &text, &parse(&text, rules));

        let stand_in: Arc<str> = Arc::from("DROP\tnet\tall\n");
        let read_only = ReadOnlyFor {
            store: &store,
            path,
        };
        assert!(read_only.get(path, &stand_in).is_none());
        read_only.put(path, &stand_in, &parse(&stand_in, rules));
        assert!(store.kept(path, &text).is_some());
    }
}
