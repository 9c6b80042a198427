//! `guild`: the command line of the Guild work platform.

/// `println!` that ends the program quietly when standard output is closed (`guild … | head`)
/// instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            return Err(e.into());
        }
    }};
}

// The extraction hot path allocates many small vectors per request; mimalloc's thread-local
// free lists make that measurably cheaper than glibc malloc (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod assign;
mod audit;
mod backup;
mod bench;
mod bench_assign;
mod bench_credentials;
mod bench_decisions;
mod bench_ledger;
mod bench_load;
mod bench_match;
mod bench_path;
mod bench_semantic;
mod bench_transitions;
mod cli;
mod credential;
mod eval;
mod keys;
mod learning;
mod meaning;
mod operate;
mod progress;
mod read;
mod reskill;
mod settings;
mod work;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
