//! The problem registry: every built-in problem by case-insensitive name, with its sizes.

use crate::error::{Error, Result};
use crate::problem::{Normalization, Problem};

/// What the user asked for: a name, optional sizes and the RE normalisation.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ProblemSpec {
    /// Problem name, case-insensitive (`zdt1`, `DTLZ2`, `re21`).
    pub name: String,
    /// Number of decision variables; `None` takes the problem's default.
    pub n_var: Option<usize>,
    /// Number of objectives; `None` takes the problem's default.
    pub n_obj: Option<usize>,
    /// Objective scaling for the RE problems; [`Normalization::Libmoon`] also selects LibMOON's
    /// own data for `regression`. Ignored by the others.
    pub normalize: Normalization,
}

impl ProblemSpec {
    /// A spec with default sizes and normalisation.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Sets `n_var`.
    #[must_use]
    pub fn n_var(mut self, n_var: usize) -> Self {
        self.n_var = Some(n_var);
        self
    }

    /// Sets `n_obj`.
    #[must_use]
    pub fn n_obj(mut self, n_obj: usize) -> Self {
        self.n_obj = Some(n_obj);
        self
    }

    /// Sets the normalisation.
    #[must_use]
    pub fn normalize(mut self, normalize: Normalization) -> Self {
        self.normalize = normalize;
        self
    }
}

/// One registry row: a problem's CLI name, its family and how to build it.
#[derive(Clone, Copy)]
pub struct ProblemEntry {
    /// Canonical lower-case name, as typed on the command line.
    pub name: &'static str,
    /// Family (`ZDT`, `DTLZ`, `RE`, ...).
    pub family: &'static str,
    /// One line on what the problem is.
    pub summary: &'static str,
    /// Builds the problem; validates the sizes in the spec.
    pub build: fn(&ProblemSpec) -> Result<Box<dyn Problem>>,
}

impl std::fmt::Debug for ProblemEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProblemEntry")
            .field("name", &self.name)
            .field("family", &self.family)
            .finish_non_exhaustive()
    }
}

/// Every built-in problem, in the order `list problems` shows them.
pub fn problem_entries() -> Vec<&'static ProblemEntry> {
    crate::zdt::ENTRIES
        .iter()
        .chain(crate::dtlz::ENTRIES)
        .chain(crate::vlmop::ENTRIES)
        .chain(crate::maf::ENTRIES)
        .chain(crate::re::ENTRIES)
        .chain(crate::regression::ENTRIES)
        .collect()
}

/// The registry row for `name` (case-insensitive).
pub fn find_problem(name: &str) -> Result<&'static ProblemEntry> {
    let lower = name.trim().to_ascii_lowercase();
    let entries = problem_entries();
    entries
        .iter()
        .find(|e| e.name == lower)
        .copied()
        .ok_or_else(|| Error::UnknownProblem {
            name: name.to_string(),
            known: entries
                .iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Builds the problem a spec names, with its sizes checked.
///
/// ```
/// use tradeoff_problems::{build_problem, ProblemSpec};
/// let problem = build_problem(&ProblemSpec::new("ZDT1")).unwrap();
/// assert_eq!((problem.info().n_var, problem.info().n_obj), (30, 2));
/// assert!(build_problem(&ProblemSpec::new("zdt1").n_obj(3)).is_err());
/// ```
pub fn build_problem(spec: &ProblemSpec) -> Result<Box<dyn Problem>> {
    (find_problem(&spec.name)?.build)(spec)
}

/// Resolves a size that the problem fixes: `requested` may repeat it but not contradict it.
pub fn fixed_size(
    problem: &str,
    what: &'static str,
    fixed: usize,
    requested: Option<usize>,
) -> Result<usize> {
    match requested {
        Some(got) if got != fixed => Err(Error::InvalidSize {
            problem: problem.to_string(),
            what,
            rule: format!("{fixed} (fixed for this problem)"),
            got,
        }),
        _ => Ok(fixed),
    }
}

/// The largest free size a built-in problem accepts, per dimension (`n_var` and `n_obj`).
///
/// One Jacobian of a point holds `n_obj · n_var` numbers; with these limits a batch of a few
/// dozen points stays within a few GiB, and an absurd request (`--n-var 100000000`) is refused
/// at once instead of allocating for minutes.
pub const MAX_N_VAR: usize = 1_000_000;

/// The largest number of objectives a built-in problem accepts (see [`MAX_N_VAR`]).
pub const MAX_N_OBJ: usize = 100;

/// Resolves a free size: `requested` or `default`, at least `min` and at most [`MAX_N_OBJ`]
/// (`n_obj`) or [`MAX_N_VAR`] (`n_var` and any other size).
pub fn free_size(
    problem: &str,
    what: &'static str,
    default: usize,
    min: usize,
    requested: Option<usize>,
) -> Result<usize> {
    let size = requested.unwrap_or(default);
    let max = if what == "n_obj" {
        MAX_N_OBJ
    } else {
        MAX_N_VAR
    };
    if size < min || size > max {
        return Err(Error::InvalidSize {
            problem: problem.to_string(),
            what,
            rule: format!("at least {min} and at most {max}"),
            got: size,
        });
    }
    Ok(size)
}
