//! The claimwatch binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    claimwatch::cli::main()
}
