//! The `tradeoff` command-line tool. All the work happens in [`cli::run`].

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    tradeoff::problems::configure_process();
    cli::main()
}
