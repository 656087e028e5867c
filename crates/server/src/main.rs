//! `ratusz`: the digital municipal office in one binary.

mod bench;
mod cli;
mod config;
mod intake_cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ratusz: {e:#}");
            ExitCode::from(2)
        }
    }
}
