//! The `shorewall-ls` binary: hands its arguments to the CLI.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Not locked for the whole run: the language server writes to stdout from its own threads.
    let code = shorewall_ls::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
