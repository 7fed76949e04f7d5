//! Hovers on the ACTION column of a 10,000-line rules file, in process and on one thread, while
//! the directory's full compilation is not ready (the stand-in path of `compiled_rules`): the
//! server's CPU per hover, without the protocol.
//!
//! `cargo run --release -p shorewall-ls --example hover_loop -- [LINES] [HOVERS] [--edit]
//! [--busy]`: with `--edit`, each hover follows an edit of the rules file (the last character
//! of its last line) and its diagnostics, as in an editor where the admin types; with
//! `--busy`, another thread builds the directory's model meanwhile, as the server's big-work
//! thread does after a keystroke. Needs `../shared/oracle/gen-synthetic` (or
//! `SHOREWALL_LS_SHARED`), as the `lsp` bench does.

use std::{path::PathBuf, process::Command, sync::Arc, time::Instant};

use shorewall_ls::{
    disk::DiskVfs,
    ide::{db::HostConfig, AnalysisHost, FilePosition},
};

fn main() {
    let edit = std::env::args().any(|it| it == "--edit");
    let busy = std::env::args().any(|it| it == "--busy");
    let mut args = std::env::args()
        .skip(1)
        .filter(|it| it != "--bench" && it != "--edit" && it != "--busy");
    let lines: usize = args.next().and_then(|it| it.parse().ok()).unwrap_or(10_000);
    let hovers: usize = args.next().and_then(|it| it.parse().ok()).unwrap_or(2_000);
    let shared = match std::env::var_os("SHOREWALL_LS_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let gen = shared.join("oracle/gen-synthetic");
    if !gen.is_file() {
        println!("hover_loop: {} is not here", gen.display());
        return;
    }
    let root = std::env::temp_dir().join(format!("shorewall-ls-hover-loop-{}", std::process::id()));
    let dir = root.join("shorewall6");
    let status = Command::new(&gen).arg(lines.to_string()).arg(&dir).status();
    if !status.is_ok_and(|it| it.success()) {
        println!("hover_loop: gen-synthetic failed");
        return;
    }
    let path = dir.join("rules");
    let text: Arc<str> = Arc::from(std::fs::read_to_string(&path).unwrap_or_default());
    let mut host = AnalysisHost::new(HostConfig::builtin(Arc::new(DiskVfs)));
    host.set_document(path.clone(), text.clone(), 1);
    // The ACTION column of every rule line whose action is ACCEPT (the bench's "action" place).
    let starts: Vec<usize> = text
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .filter(|at| text[*at..].starts_with("ACCEPT\t"))
        .collect();
    if starts.is_empty() {
        println!("hover_loop: no ACCEPT rule in {}", path.display());
        return;
    }
    let mut analysis = host.analysis();
    // With `--busy`, another thread builds the directory's model over and over meanwhile, as
    // the server's big-work thread does after each keystroke.
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let background = busy.then(|| {
        let (done, dir) = (done.clone(), dir.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let vfs = DiskVfs;
                let env = shorewall_ls::model::Environment::builtin(&vfs);
                std::hint::black_box(shorewall_ls::model::build(&dir, &env));
            }
        })
    });
    let mut times = Vec::with_capacity(hovers);
    let mut shown = 0;
    for i in 0..hovers {
        let start = starts[(i * 7919) % starts.len()];
        let position = FilePosition {
            path: path.clone(),
            offset: ((start + 3) as u32).into(),
        };
        if edit {
            let next = format!("{}{}\n", text.trim_end_matches('\n'), i % 10);
            host.set_document(path.clone(), Arc::from(next), i as i32 + 2);
            analysis = host.analysis();
            // As the editor asks after each keystroke (not timed).
            analysis.diagnostics(&path);
        }
        let started = Instant::now();
        let hover = analysis.hover(&position);
        times.push(started.elapsed());
        if hover.is_some_and(|it| it.markdown.contains("ip6tables:")) {
            shown += 1;
        }
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(it) = background {
        let _ = it.join();
    }
    let _ = std::fs::remove_dir_all(&root);
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    let mean = times.iter().map(|it| it.as_secs_f64()).sum::<f64>() / times.len() as f64 * 1e3;
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|it| {
            it.lines()
                .find(|line| line.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!("{rss}");
    println!(
        "hover_loop: {lines} lines, {hovers} hovers ({shown} with ip6tables rules): mean {mean:.3} ms, p50 {:.3}, p99 {:.3}, max {:.3}",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
