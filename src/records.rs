//! Experiment records: every indicator of a point set as one JSON object, shared by the
//! `indicators`, `solve` and `compare` commands so that their numbers are computed one way.

use serde_json::{Map, Value, json};
use tradeoff_pareto as pareto;
use tradeoff_pareto::Matrix;

/// A JSON number, or `null` for a non-finite value (JSON has no NaN).
pub fn json_f64(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The rows of a matrix as a JSON array of arrays.
pub fn json_matrix(m: &Matrix) -> Value {
    Value::Array(
        m.rows()
            .map(|r| Value::Array(r.iter().map(|&v| json_f64(v)).collect()))
            .collect(),
    )
}

fn optional(v: pareto::Result<Option<f64>>) -> pareto::Result<Value> {
    Ok(v?.map_or(Value::Null, json_f64))
}

/// What to compute besides the indicators every set has.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportInputs<'a> {
    /// A reference front: adds `igd`, `igd_plus`, `gd`, `gd_plus`, `avg_hausdorff`,
    /// `epsilon_additive`, `epsilon_mult`.
    pub front: Option<&'a Matrix>,
    /// One preference per point: adds `inner_product`, `cross_angle`, `pbi`.
    pub preferences: Option<&'a Matrix>,
    /// Adds `hv_contributions`.
    pub contributions: bool,
}

/// Every indicator of `points` (`n × m`) as a JSON object with fixed keys.
///
/// Always: `hypervolume` (w.r.t. `reference`), `n_nondominated` (distinct non-dominated
/// points), `lmin`, `soft_lmin` (h = 20), `spacing`, `sparsity`, `span`; the others as
/// [`ReportInputs`] says. An indicator undefined for the set (lmin of one point, epsilon_mult
/// with a non-positive value) is `null`. Shapes must agree (the caller checks and reports them).
pub fn indicator_report(
    points: &Matrix,
    reference: &[f64],
    inputs: ReportInputs<'_>,
) -> pareto::Result<Map<String, Value>> {
    let mut out = Map::new();
    out.insert(
        "hypervolume".into(),
        json_f64(pareto::hypervolume(points, reference)?),
    );
    if inputs.contributions {
        out.insert(
            "hv_contributions".into(),
            json!(pareto::hv_contributions(points, reference)?),
        );
    }
    out.insert(
        "n_nondominated".into(),
        json!(pareto::n_nondominated(points)),
    );
    if let Some(front) = inputs.front {
        out.insert("igd".into(), json_f64(pareto::igd(points, front)?));
        out.insert(
            "igd_plus".into(),
            json_f64(pareto::igd_plus(points, front)?),
        );
        out.insert("gd".into(), json_f64(pareto::gd(points, front)?));
        out.insert("gd_plus".into(), json_f64(pareto::gd_plus(points, front)?));
        out.insert(
            "avg_hausdorff".into(),
            json_f64(pareto::average_hausdorff(points, front)?),
        );
        out.insert(
            "epsilon_additive".into(),
            json_f64(pareto::epsilon_additive(points, front)?),
        );
        // Defined only when every value is positive.
        out.insert(
            "epsilon_mult".into(),
            pareto::epsilon_multiplicative(points, front).map_or(Value::Null, json_f64),
        );
    }
    out.insert("lmin".into(), optional(pareto::lmin(points))?);
    out.insert(
        "soft_lmin".into(),
        optional(pareto::soft_lmin(points, pareto::SOFT_LMIN_H))?,
    );
    out.insert("spacing".into(), optional(pareto::spacing(points))?);
    out.insert("sparsity".into(), optional(pareto::sparsity(points))?);
    out.insert("span".into(), optional(pareto::span(points))?);
    if let Some(prefs) = inputs.preferences {
        out.insert(
            "inner_product".into(),
            optional(pareto::inner_product(points, prefs))?,
        );
        out.insert(
            "cross_angle".into(),
            optional(pareto::cross_angle(points, prefs))?,
        );
        out.insert("pbi".into(), optional(pareto::pbi(points, prefs))?);
    }
    Ok(out)
}
