//! The model and the compiler side by side: the compiler lowers the rules file's records on
//! a second thread while the model reads and checks them ([`build_and_compile`]), for the
//! command line's `compile`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use crate::model::{self, Environment, Model, Site, Vfs};

use super::lower::{compile, compile_fed, Compiled, Failure};

/// The model of the directory `dir` and, when the model has no errors, its compilation: what
/// [`model::build`] and then [`compile`] give, but with the compiler on a second thread while
/// the model reads and checks the rules ([`model::build_beside`]).
///
/// The compiler gets the model as it stands before the rules file is read, and the file's
/// records as they are read. Reading and checking the rules only add to the model (files,
/// the macros looked up, diagnostics), and of what they add the compiler reads only three
/// things: the records, which it gets; the files of the macros it expands, which it reads
/// again for itself; and whether a name in the ACTION column is a macro, which it also finds
/// among [`model::Catalog::macro_names`].
/// So the compilation is the one [`compile`] gives on the finished model unless a record, a
/// warning or the failure is in a file the model did not have yet (an INCLUDEd file, a
/// macro), or a macro was found that `macro_names` lacks: then it is compiled again, on the
/// finished model.
/// On a machine with one processor, it is [`model::build`] then [`compile`].
pub fn build_and_compile(
    dir: &Path,
    vfs: &(dyn Vfs + Sync),
    library_dirs: Vec<PathBuf>,
    names: Arc<model::NameTables>,
) -> (Model, Option<Result<Compiled, Failure>>) {
    // On one processor a second thread would only add the copies it needs.
    if std::thread::available_parallelism().is_ok_and(|it| it.get() < 2) {
        let env = Environment {
            vfs,
            library_dirs,
            names,
            parse_cache: None,
        };
        let model = model::build(dir, &env);
        if has_errors(&model) {
            return (model, None);
        }
        let compiled = compile(&model, &env);
        return (model, Some(compiled));
    }
    let (model, compiled, _) = build_and_compile_counted(dir, vfs, library_dirs, names);
    (model, compiled)
}

/// [`build_and_compile`] on two threads whatever the number of processors, and whether the
/// compilation beside the model was dropped for one on the finished model.
fn build_and_compile_counted(
    dir: &Path,
    vfs: &(dyn Vfs + Sync),
    library_dirs: Vec<PathBuf>,
    names: Arc<model::NameTables>,
) -> (Model, Option<Result<Compiled, Failure>>, bool) {
    let env = Environment {
        vfs,
        library_dirs,
        names,
        parse_cache: None,
    };
    let (library_dirs, names) = (env.library_dirs.clone(), env.names.clone());
    let (model, beside) = model::build_beside(dir, &env, move |snapshot, feed| {
        let env = Environment {
            vfs,
            library_dirs,
            names,
            parse_cache: None,
        };
        (compile_fed(snapshot, &env, feed), snapshot.files.len())
    });
    if has_errors(&model) {
        return (model, None, false);
    }
    match beside {
        Some((compiled, files)) if holds_for(&model, files, &compiled) => {
            (model, Some(compiled), false)
        }
        _ => {
            let compiled = compile(&model, &env);
            (model, Some(compiled), true)
        }
    }
}

/// Whether a second thread would likely have a processor to itself: the load average of the
/// last minute (`/proc/loadavg`) leaves more than one and a half processors idle (true where
/// it cannot be read).
/// The command line compiles beside the model only then: where other work keeps a
/// processor busy, the two threads share the time one would get, and each runs slower beside
/// the other (on the development machine's two vCPUs the model's checks took a fifth
/// longer), so the compilation takes longer than on one thread (docs/compile.md, "Speed").
/// The count of tasks running at the moment would say it more directly, but it counts the
/// process that has just started this one, and it said two on an idle machine a quarter of
/// the time.
pub fn processor_free() -> bool {
    let Ok(processors) = std::thread::available_parallelism() else {
        return true;
    };
    let Ok(load) = std::fs::read_to_string("/proc/loadavg") else {
        return true;
    };
    let minute = load
        .split_whitespace()
        .next()
        .and_then(|it| it.parse::<f64>().ok());
    minute.is_none_or(|load| load + 1.5 < processors.get() as f64)
}

fn has_errors(model: &Model) -> bool {
    model
        .diagnostics
        .iter()
        .any(|it| it.severity == model::Severity::Error)
}

/// Whether `compiled`, compiled on the model before its rules file was read, when it had
/// `files` files, is what [`compile`] gives on `model`, the finished model.
fn holds_for(model: &Model, files: usize, compiled: &Result<Compiled, Failure>) -> bool {
    let known = |site: &Option<Site>| site.is_none_or(|it| (it.file.0 as usize) < files);
    let sites_known = match compiled {
        Ok(it) => it.warnings.iter().all(|it| known(&it.site)),
        Err(it) => known(&it.site),
    };
    let records_known = model.rules_files.rules.iter().all(|it| match it {
        model::RulesItem::Record(record) => known(&Some(record.site)),
        model::RulesItem::Section(_) => true,
    });
    let catalog = &model.catalog;
    sites_known
        && records_known
        && catalog
            .macros
            .iter()
            .all(|it| catalog.macro_names.contains(&it.name))
}

#[cfg(test)]
mod tests {
    use std::{
        path::{Path, PathBuf},
        sync::Arc,
    };

    use shorewall_syntax::{TextRange, TextSize};

    use crate::{
        compile::{
            emit::{self, EmitOptions},
            lower::{self, Compiled, Failure, Warning},
            FatalKind,
        },
        disk::{self, DiskVfs},
        model::{self, Environment, FileId, MemoryVfs, Model, Severity, Site, Vfs},
    };

    use super::{build_and_compile_counted, holds_for};

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

    /// What of a model the command line shows or the compiler reads, as text.
    fn shown(model: &Model) -> String {
        let files: Vec<String> = model
            .files
            .iter()
            .map(|(id, it)| format!("{id:?} {:?} {:?}", it.path, it.kind))
            .collect();
        format!(
            "{files:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}",
            model.diagnostics,
            model.rules_files,
            model.catalog.macros,
            model.definitions,
            model.references,
        )
    }

    /// The directory `dir` built and compiled side by side, and one after the other: the
    /// two must agree. Returns whether the compilation beside the model was dropped.
    fn agree(dir: &Path, vfs: &(dyn Vfs + Sync), library_dirs: Vec<PathBuf>) -> bool {
        let names = Arc::new(disk::name_tables());
        let env = Environment {
            vfs,
            library_dirs: library_dirs.clone(),
            names: names.clone(),
            parse_cache: None,
        };
        let built = model::build(dir, &env);
        let errors = built
            .diagnostics
            .iter()
            .any(|it| it.severity == Severity::Error);
        let expected = (!errors).then(|| outcome(lower::compile(&built, &env)));
        let (model, compiled, recompiled) =
            build_and_compile_counted(dir, vfs, library_dirs, names);
        assert_eq!(shown(&built), shown(&model), "{}", dir.display());
        assert_eq!(expected, compiled.map(outcome), "{}", dir.display());
        recompiled
    }

    /// Every golden case of `tests/compile` gives the same model and the same compilation.
    #[test]
    fn every_golden_case_compiles_beside_the_model_as_after_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/compile");
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
            .map(|it| it.flatten().map(|it| it.path().join("config")).collect())
            .unwrap_or_default();
        cases.retain(|it| it.is_dir());
        cases.sort();
        assert!(cases.len() >= 200, "tests/compile lost its cases");
        for dir in &cases {
            let family = model::family_of(dir, &DiskVfs);
            agree(dir, &DiskVfs, disk::library_dirs(family));
        }
    }

    /// A small directory with `extra` files.
    fn directory(extra: &[(&str, &str)]) -> (PathBuf, MemoryVfs) {
        let dir = PathBuf::from("/cfg/shorewall6");
        let mut vfs = MemoryVfs::default();
        let base = [
            ("shorewall6.conf", ""),
            ("zones", "fw firewall\nnet ipv6\nloc ipv6\n"),
            ("interfaces", "net eth0\nloc eth1\n"),
            ("policy", "$FW all ACCEPT\nall all REJECT\n"),
        ];
        for (name, text) in base.iter().chain(extra) {
            vfs.insert(dir.join(name), Arc::<str>::from(*text));
        }
        (dir, vfs)
    }

    #[test]
    fn a_plain_rules_file_is_compiled_beside_the_model() {
        let (dir, vfs) = directory(&[("rules", "ACCEPT net $FW tcp 22\nSSH(ACCEPT) loc $FW\n")]);
        assert!(!agree(&dir, &vfs, Vec::new()));
    }

    /// The compiler beside the model does not have the files the model loads while it reads
    /// the rules file: their records are compiled again on the finished model.
    #[test]
    fn records_of_an_included_file_are_compiled_again() {
        let (dir, vfs) = directory(&[
            ("rules", "ACCEPT net $FW tcp 22\nINCLUDE more\n"),
            ("more", "ACCEPT loc $FW tcp 80\n"),
        ]);
        assert!(agree(&dir, &vfs, Vec::new()));
    }

    /// Nor the macro files the model looks up, which the compiler reads for itself.
    #[test]
    fn a_macro_of_the_directory_is_compiled_beside_the_model() {
        let (dir, vfs) = directory(&[
            ("rules", "Mine(ACCEPT) net $FW\n"),
            ("macro.Mine", "PARAM - -\nPARAM - - tcp 22\n"),
        ]);
        assert!(!agree(&dir, &vfs, Vec::new()));
    }

    /// A warning or a failure placed in a file the compiler read for itself (a macro's) would
    /// name another file of the finished model: such a compilation is dropped.
    #[test]
    fn a_place_in_a_file_the_compiler_read_for_itself_is_not_kept() {
        let (dir, vfs) = directory(&[("rules", "ACCEPT net $FW tcp 22\n")]);
        let env = Environment::builtin(&vfs);
        let model = model::build(&dir, &env);
        let files = model.files.len();
        let Ok(compiled) = lower::compile(&model, &env) else {
            panic!("the directory compiles");
        };
        assert!(holds_for(&model, files, &Ok(compiled.clone())));
        let late = Some(Site {
            file: FileId(files as u32),
            range: TextRange::empty(TextSize::from(0)),
        });
        let mut warned = compiled;
        warned.warnings.push(Warning {
            message: "late".to_owned(),
            site: late,
            place: None,
        });
        assert!(!holds_for(&model, files, &Ok(warned)));
        let failure = Failure {
            kind: FatalKind::Error,
            message: "late".to_owned(),
            site: late,
            place: None,
        };
        assert!(!holds_for(&model, files, &Err(failure)));
    }

    /// A model with errors is not compiled.
    #[test]
    fn a_model_with_errors_is_not_compiled() {
        let (dir, vfs) = directory(&[("rules", "ACCEPT nowhere $FW tcp 22\n")]);
        assert!(!agree(&dir, &vfs, Vec::new()));
        let names = Arc::new(disk::name_tables());
        let (_, compiled, _) = build_and_compile_counted(&dir, &vfs, Vec::new(), names);
        assert!(compiled.is_none());
    }
}
