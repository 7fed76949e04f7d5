//! The `shorewall-ls` binary: hands its arguments to the CLI.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = shorewall_ls::cli::run(&args, &mut stdout.lock(), &mut stderr.lock());
    std::process::exit(code);
}
