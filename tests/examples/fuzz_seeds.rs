//! Writes the seed inputs of the fuzz targets from the project's `examples/` and
//! `tests/compile/`, `../shared/corpus` and `../shared/oracle/samples`: every file for `parse` and `fmt`, every configuration
//! directory for `check` and `compile`, a session over every example file for `lsp`, in the
//! encodings of `shorewall_tests::fuzzing`.
//!
//! Run: `cargo run -p shorewall-tests --example fuzz_seeds -- fuzz/corpus`; then
//! `cargo +nightly fuzz run parse fuzz/corpus/parse` (from the workspace root).

use std::{fs, path::PathBuf};

use shorewall_tests::fuzzing::{corpus_dir_inputs, corpus_file_inputs, example_sessions};

fn main() {
    let Some(out) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: fuzz_seeds OUTDIR");
        std::process::exit(2);
    };
    // The golden compile cases reach the compiler's less common paths (NAT, mangle, accounting).
    let mut roots = vec![
        shorewall_tests::workspace_root().join("examples"),
        shorewall_tests::workspace_root().join("tests/compile"),
    ];
    roots.extend(shorewall_tests::shared_or_skip(
        "corpus",
        "fuzz_seeds from the corpus",
    ));
    roots.extend(shorewall_tests::shared_or_skip(
        "oracle/samples",
        "fuzz_seeds from the oracle's samples",
    ));
    let files: Vec<Vec<u8>> = roots.iter().flat_map(|it| corpus_file_inputs(it)).collect();
    let dirs: Vec<Vec<u8>> = roots.iter().flat_map(|it| corpus_dir_inputs(it)).collect();
    let sessions = example_sessions();
    let sets: [(&str, &Vec<Vec<u8>>); 5] = [
        ("parse", &files),
        ("fmt", &files),
        ("check", &dirs),
        ("compile", &dirs),
        ("lsp", &sessions),
    ];
    for (target, inputs) in sets {
        let dir = out.join(target);
        if let Err(err) = fs::create_dir_all(&dir) {
            eprintln!("{}: {err}", dir.display());
            std::process::exit(2);
        }
        for (idx, input) in inputs.iter().enumerate() {
            if let Err(err) = fs::write(dir.join(format!("seed-{idx:04}")), input) {
                eprintln!("{}: {err}", dir.display());
                std::process::exit(2);
            }
        }
        println!("{}: {} seeds", dir.display(), inputs.len());
    }
}
