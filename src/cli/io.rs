//! Reading point files (JSON or CSV), printing JSON, and writing files atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use tradeoff::input::{PointFormat, parse_json_vector, parse_points};
use tradeoff_pareto::Matrix;

/// Reads a matrix from a JSON array of arrays (`.json`) or a CSV file (`.csv`, optional header).
///
/// Every row must have the same width, and every value must be finite
/// ([`tradeoff::input::parse_points`]).
pub fn read_matrix(path: &Path) -> Result<Matrix> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(PointFormat::from_extension);
    let Some(format) = format else {
        bail!(
            "{}: unknown file type (expected a .json or .csv extension)",
            path.display()
        );
    };
    parse_points(&text, format).with_context(|| format!("{}", path.display()))
}

/// Parses `1.1,1.1` into numbers ([`tradeoff::input::parse_vector`]).
pub fn parse_vector(text: &str, what: &str) -> Result<Vec<f64>> {
    Ok(tradeoff::input::parse_vector(text, what)?)
}

/// Prints a JSON value on stdout, followed by a newline.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec(value)?;
    bytes.push(b'\n');
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

pub use tradeoff::records::json_matrix;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a half-written file and an old file survives a failed write.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let tmp: PathBuf = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot move the result into {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The `--out` directories this process writes into, whose temporary files an interruption
/// removes ([`install_interrupt_cleanup`]).
static OUT_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether `name` is a temporary file of [`write_atomic`] (or of the model writer, which
/// names its temporaries the same way): `.NAME.PID.tmp`.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Removes this process's temporary files (`.NAME.<this pid>.tmp`) from every `--out`
/// directory it writes into.
fn remove_own_temporaries() {
    let suffix = format!(".{}.tmp", std::process::id());
    let dirs = match OUT_DIRS.lock() {
        Ok(dirs) => dirs.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if is_temporary(&name) && name.ends_with(&suffix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// On SIGINT or SIGTERM, removes the temporary files of the writes in flight and exits with
/// code 130, so an interrupted run leaves no hidden partial file behind (its directory lacks
/// result.json or summary.json, which every command writes last).
pub fn install_interrupt_cleanup() {
    // Failing to install (a handler already set) leaves the default behaviour: not fatal.
    let _ = ctrlc::set_handler(|| {
        remove_own_temporaries();
        std::process::exit(130);
    });
}

/// Prepares `--out DIR`: creates it when missing; an existing one must be empty, except for
/// stale temporary files (`.NAME.PID.tmp`) an interrupted run may have left, which are ignored.
pub fn prepare_out_dir(dir: &Path) -> Result<()> {
    if let Ok(mut dirs) = OUT_DIRS.lock() {
        dirs.push(dir.to_path_buf());
    }
    if dir.exists() {
        if !dir.is_dir() {
            bail!("--out {}: exists and is not a directory", dir.display());
        }
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read --out directory {}", dir.display()))?
            .filter(|entry| {
                !entry
                    .as_ref()
                    .is_ok_and(|e| is_temporary(&e.file_name().to_string_lossy()))
            });
        if entries.next().is_some() {
            bail!(
                "--out {}: directory is not empty (choose a new or an empty directory; nothing was overwritten)",
                dir.display()
            );
        }
    } else {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create --out directory {}", dir.display()))?;
    }
    Ok(())
}

/// A vector given inline (`0.3,0.7`) or as a file holding a JSON array of numbers (or one
/// CSV/JSON row).
pub fn vector_argument(text: &str, what: &str) -> Result<Vec<f64>> {
    let lower = text.to_ascii_lowercase();
    if !(lower.ends_with(".json") || lower.ends_with(".csv")) {
        return parse_vector(text, what);
    }
    let path = Path::new(text);
    if lower.ends_with(".json") {
        let body = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if let Some(vector) =
            parse_json_vector(&body, what).with_context(|| format!("{}", path.display()))?
        {
            return Ok(vector);
        }
    }
    let m = read_matrix(path)?;
    if m.n_rows() != 1 {
        bail!(
            "{}: {what} must be one vector, got {} rows",
            path.display(),
            m.n_rows()
        );
    }
    Ok(m.row(0).to_vec())
}

/// Runs `run(i, item)` for every item on `workers` threads (one per core the process may use
/// when `None`; at most one per item) and returns the results in the items' order.
/// Independent runs (seeds, solvers) use it.
pub fn on_workers<T: Sync, R: Send>(
    items: &[T],
    workers: Option<usize>,
    run: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let workers = workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
        .min(items.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = run(i, item);
                    results.lock().expect("no worker panics holding the lock")[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("the workers finished")
        .into_iter()
        .map(|r| r.expect("every item ran"))
        .collect()
}
