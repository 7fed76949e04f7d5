//! A compilation stopped right before the rules, to be resumed with other rules.
//!
//! The stages before the rules ([`Compiler::setup`]: the chain table's built-in chains, the
//! topology, the action catalog, the policies, the common rules, traffic shaping's devices,
//! the providers, SNAT, NAT, NETMAP, the MAC lists' first phase) read the directory but nothing
//! of the `blrules` and `rules` files. So their result, the compiler's state at that point, is
//! the same for every text of the rules files of one directory. The language server keeps one
//! ([`Checkpoint`]) per directory and compiles a few lines of a large rules file from it: the
//! rules and the stages after them only, a fraction of a whole compilation.
//!
//! A checkpoint is resumed with a model finished from the same [`Prelude`](crate::model::Prelude)
//! as the one it was taken with: the two models hold the same files at the same [`FileId`]s
//! (`crate::model::FileId`) up to the rules files, and the state refers to nothing past them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Environment, Model, Site};

use super::{
    chains::ChainTable,
    config::CompileConfig,
    lower::{ActParams, ActionInfo, Compiled, Compiler, Failure, MacroBody, MacroKey, Warning},
    providers::Providers,
    rules::Columns,
    tc_complex::ComplexTc,
    topology::Topology,
};

/// The compiler's own state (all of it but the model and the environment it reads) after the
/// stages before the rules.
#[derive(Clone)]
pub struct Checkpoint {
    config: CompileConfig,
    chains: ChainTable,
    topo: Topology,
    warnings: Vec<Warning>,
    site: Option<Site>,
    place: Option<(std::path::PathBuf, u32)>,
    policy_chains: Vec<usize>,
    policy_actions: BTreeMap<String, Vec<String>>,
    actions: BTreeMap<String, ActionInfo>,
    usedactions: BTreeMap<String, String>,
    actchain: BTreeMap<String, u32>,
    active: BTreeMap<String, u32>,
    actparams: Option<ActParams>,
    actionstack: Vec<String>,
    macro_nest: usize,
    hashlimitset: u32,
    statematch: String,
    actionresult: bool,
    inline_matches: String,
    inline_context: (String, String),
    columns: Option<Columns<'static>>,
    section: u32,
    next_section: u32,
    sections: BTreeMap<&'static str, bool>,
    macro_bodies: HashMap<MacroKey, Option<MacroBody>>,
    unreachable_warned: BTreeSet<String>,
    providers: Providers,
    complex_tc: ComplexTc,
}

impl Checkpoint {
    /// Runs the stages of `model`'s compilation before the rules; where one of them stops,
    /// the compilation of any rules of the directory stops there too.
    pub fn take(model: &Model, env: &Environment<'_>) -> Result<Checkpoint, Failure> {
        let mut compiler = Compiler::prepare(model, env)?;
        match compiler.setup() {
            Ok(()) => Ok(Checkpoint::of(compiler)),
            Err(fatal) => Err(compiler.failure(fatal)),
        }
    }

    /// The compilation of `model` from this checkpoint: what
    /// [`compile`](super::lower::compile) gives for it, when `model` is finished from the
    /// prelude the checkpoint's model was finished from.
    pub fn resume(&self, model: &Model, env: &Environment<'_>) -> Result<Compiled, Failure> {
        let mut compiler = self.clone().into_compiler(model, env);
        let result = compiler.rules_and_after(None);
        compiler.outcome(result)
    }

    fn of(compiler: Compiler<'_>) -> Checkpoint {
        // Every field named: a field added to the compiler is not forgotten here.
        let Compiler {
            model: _,
            env: _,
            config,
            chains,
            topo,
            warnings,
            site,
            place,
            policy_chains,
            policy_actions,
            actions,
            usedactions,
            actchain,
            active,
            actparams,
            actionstack,
            macro_nest,
            hashlimitset,
            statematch,
            actionresult,
            inline_matches,
            inline_context,
            columns,
            section,
            next_section,
            sections,
            macro_bodies,
            unreachable_warned,
            providers,
            complex_tc,
        } = compiler;
        Checkpoint {
            config,
            chains,
            topo,
            warnings,
            site,
            place,
            policy_chains,
            policy_actions,
            actions,
            usedactions,
            actchain,
            active,
            actparams,
            actionstack,
            macro_nest,
            hashlimitset,
            statematch,
            actionresult,
            inline_matches,
            inline_context,
            columns,
            section,
            next_section,
            sections,
            macro_bodies,
            unreachable_warned,
            providers,
            complex_tc,
        }
    }

    fn into_compiler<'a>(self, model: &'a Model, env: &'a Environment<'a>) -> Compiler<'a> {
        let Checkpoint {
            config,
            chains,
            topo,
            warnings,
            site,
            place,
            policy_chains,
            policy_actions,
            actions,
            usedactions,
            actchain,
            active,
            actparams,
            actionstack,
            macro_nest,
            hashlimitset,
            statematch,
            actionresult,
            inline_matches,
            inline_context,
            columns,
            section,
            next_section,
            sections,
            macro_bodies,
            unreachable_warned,
            providers,
            complex_tc,
        } = self;
        Compiler {
            model,
            env,
            config,
            chains,
            topo,
            warnings,
            site,
            place,
            policy_chains,
            policy_actions,
            actions,
            usedactions,
            actchain,
            active,
            actparams,
            actionstack,
            macro_nest,
            hashlimitset,
            statematch,
            actionresult,
            inline_matches,
            inline_context,
            columns,
            section,
            next_section,
            sections,
            macro_bodies,
            unreachable_warned,
            providers,
            complex_tc,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        path::{Path, PathBuf},
        sync::Arc,
    };

    use crate::{
        compile::{
            emit::{self, EmitOptions},
            lower::{self, Compiled, Failure, Warning},
        },
        disk::{self, DiskVfs},
        model::{self, Environment, Prelude, ReadError, Vfs},
    };

    use super::Checkpoint;

    /// The disk, with the text of one file replaced.
    struct Replaced {
        path: PathBuf,
        text: Arc<str>,
    }

    impl Vfs for Replaced {
        fn read(&self, path: &Path) -> Result<Arc<str>, ReadError> {
            if path == self.path {
                return Ok(self.text.clone());
            }
            DiskVfs.read(path)
        }

        fn exists(&self, path: &Path) -> bool {
            path == self.path || DiskVfs.exists(path)
        }

        fn list_dir(&self, dir: &Path) -> Vec<String> {
            let mut res = DiskVfs.list_dir(dir);
            if self.path.parent() == Some(dir) {
                if let Some(name) = self.path.file_name().and_then(|it| it.to_str()) {
                    if !res.iter().any(|it| it == name) {
                        res.push(name.to_owned());
                        res.sort();
                    }
                }
            }
            res
        }
    }

    /// What a compilation gives, comparable: the annotated ruleset and the warnings, or the
    /// failure.
    fn outcome(result: Result<Compiled, Failure>) -> Result<(String, Vec<Warning>), Failure> {
        result.map(|it| {
            (
                emit::emit(&it.ruleset, EmitOptions { annotate: true }),
                it.warnings,
            )
        })
    }

    /// A model as text: its files, diagnostics, rules records, definitions and references in
    /// order, and the lines of the rest sorted (the debug output of a hash map has no order).
    fn comparable(model: &model::Model) -> String {
        let files: Vec<String> = model
            .files
            .iter()
            .map(|(id, it)| {
                let tree = format!("{:?}", it.parse.syntax());
                format!("{id:?} {:?} {:?} {:?} {tree}", it.path, it.kind, it.text)
            })
            .collect();
        let mut rest = model.clone();
        rest.files = Default::default();
        let rest = format!("{rest:#?}");
        let mut lines: Vec<&str> = rest.lines().collect();
        lines.sort_unstable();
        format!(
            "{files:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{}",
            model.diagnostics,
            model.rules_files,
            model.definitions,
            model.references,
            lines.join("\n")
        )
    }

    /// Every golden case of `tests/compile` compiles the same through a prelude and a
    /// checkpoint taken with an empty rules file as in one go: the same model, the same
    /// ruleset, warnings and failure.
    #[test]
    fn resuming_compiles_every_golden_case_as_compile_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/compile");
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
            .map(|it| it.flatten().map(|it| it.path().join("config")).collect())
            .unwrap_or_default();
        cases.retain(|it| it.is_dir());
        cases.sort();
        assert!(cases.len() >= 200, "tests/compile lost its cases");
        let (mut compiled, mut with_rules, mut differing) = (0, 0, Vec::new());
        for dir in &cases {
            let family = model::family_of(dir, &DiskVfs);
            let env = Environment {
                vfs: &DiskVfs,
                library_dirs: disk::library_dirs(family),
                names: Arc::new(disk::name_tables()),
                parse_cache: None,
            };
            let built = model::build(dir, &env);
            let expected = outcome(lower::compile(&built, &env));
            let prelude = Prelude::read(dir, &env);
            assert!(!prelude.reads_rules(), "{}", dir.display());
            let finished = prelude.finish(&env);
            let empty = Replaced {
                path: dir.join("rules"),
                text: Arc::from(""),
            };
            let empty_env = Environment {
                vfs: &empty,
                library_dirs: env.library_dirs.clone(),
                names: env.names.clone(),
                parse_cache: None,
            };
            let stand_in = prelude.finish(&empty_env);
            let checkpoint = Checkpoint::take(&stand_in, &empty_env);
            let resumed = outcome(checkpoint.and_then(|it| it.resume(&finished, &env)));
            let same_model = comparable(&built) == comparable(&finished);
            if !same_model || resumed != expected {
                differing.push(format!(
                    "{}: same model {same_model}, compiled {:?}, resumed {:?}",
                    dir.display(),
                    expected.as_ref().map(|it| it.0.len()),
                    resumed.as_ref().map(|it| it.0.len()),
                ));
            }
            compiled += usize::from(expected.is_ok());
            with_rules += usize::from(built.rules_files.rules.len() > 1);
        }
        assert!(differing.is_empty(), "{}", differing.join("\n"));
        // The cases compile, and have rules to resume with.
        assert!(compiled >= 200, "{compiled} compiled");
        assert!(with_rules >= 200, "{with_rules} have rules");
    }
}
