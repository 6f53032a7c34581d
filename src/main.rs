//! The `kizuna` binary: everything lives in the library; see `kizuna::cli`.

fn main() -> std::process::ExitCode {
    kizuna::cli::main()
}
