//! `tradeoff prefs`: preference vectors on the simplex.

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use serde_json::json;
use tradeoff_pareto as pareto;

use super::flags::SeedArgs;
use super::io::{json_matrix, print_json};

/// How to place the preference vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PrefsMethod {
    /// Evenly spaced on the segment (two objectives only), LibMOON's `get_uniform_pref`.
    Linspace,
    /// The Das–Dennis lattice: every vector with entries in {0, 1/H, ..., 1}.
    DasDennis,
    /// Riesz s-energy minimising set (pymoo's "energy" method), seeded.
    Energy,
    /// Uniform random on the simplex, seeded.
    Uniform,
    /// Dirichlet(alpha) random, seeded.
    Dirichlet,
}

/// Arguments of `prefs`.
#[derive(Debug, Args)]
pub struct PrefsArgs {
    /// Number of objectives.
    #[arg(long, value_name = "M")]
    n_obj: usize,
    /// Number of vectors. For das-dennis it must be a lattice size (the error names the nearest).
    #[arg(long, value_name = "N", required_unless_present = "partitions")]
    n: Option<usize>,
    /// Placement method.
    #[arg(long, value_enum, value_name = "METHOD")]
    method: PrefsMethod,
    /// Keep entries at least E away from 0: linspace shrinks its range to [E, 1 − E]; the other
    /// methods clamp every entry to [E, 1 − E] and renormalise (LibMOON's clip).
    #[arg(long, value_name = "E")]
    clip: Option<f64>,
    // `--seed`: used by the random methods (energy, uniform, dirichlet).
    #[command(flatten)]
    seed: SeedArgs,
    /// Das–Dennis: the number of partitions H instead of --n.
    #[arg(long, value_name = "P", conflicts_with = "n")]
    partitions: Option<usize>,
    /// Dirichlet concentration.
    #[arg(long, value_name = "A", default_value_t = 1.0)]
    alpha: f64,
}

impl PrefsArgs {
    /// `--seed`.
    pub fn seed(&self) -> u64 {
        self.seed.seed
    }
}

/// Runs `prefs`.
pub fn run(args: PrefsArgs) -> Result<()> {
    if args.n_obj < 2 {
        bail!("--n-obj must be at least 2, got {}", args.n_obj);
    }
    if args.partitions.is_some() && args.method != PrefsMethod::DasDennis {
        bail!("--partitions goes with --method das-dennis");
    }
    let n = args.n.unwrap_or(0);
    if args.partitions.is_none() && n == 0 {
        bail!("--n must be at least 1");
    }
    let prefs = match args.method {
        PrefsMethod::Linspace => {
            if args.n_obj != 2 {
                bail!(
                    "--method linspace is for 2 objectives; use energy or das-dennis for {}",
                    args.n_obj
                );
            }
            return print_json(&json!({
                "prefs": json_matrix(&pareto::linspace(n, args.clip.unwrap_or(0.0))?)
            }));
        }
        PrefsMethod::DasDennis => {
            let h = match args.partitions {
                Some(h) => h,
                None => pareto::das_dennis_partitions(args.n_obj, n)?,
            };
            pareto::das_dennis(args.n_obj, h)?
        }
        PrefsMethod::Energy => pareto::riesz_energy(args.n_obj, n, args.seed())?,
        PrefsMethod::Uniform => pareto::uniform_simplex(args.n_obj, n, args.seed())?,
        PrefsMethod::Dirichlet => pareto::dirichlet(args.n_obj, n, args.alpha, args.seed())?,
    };
    let prefs = match args.clip {
        Some(eps) => pareto::clip_preferences(&prefs, eps)?,
        None => prefs,
    };
    print_json(&json!({ "prefs": json_matrix(&prefs) }))
}
