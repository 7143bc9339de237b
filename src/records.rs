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

/// Every key [`indicator_report`] can write, in the order it writes them.
pub const INDICATOR_KEYS: &[&str] = &[
    "hypervolume",
    "hv_contributions",
    "n_nondominated",
    "igd",
    "igd_plus",
    "gd",
    "gd_plus",
    "avg_hausdorff",
    "epsilon_additive",
    "epsilon_mult",
    "lmin",
    "soft_lmin",
    "spacing",
    "sparsity",
    "span",
    "inner_product",
    "cross_angle",
    "pbi",
];

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
    indicator_report_selected(points, reference, inputs, &|_| true)
}

/// [`indicator_report`] limited to the keys (of [`INDICATOR_KEYS`]) for which `wanted` is true;
/// the others are neither computed nor written.
pub fn indicator_report_selected(
    points: &Matrix,
    reference: &[f64],
    inputs: ReportInputs<'_>,
    wanted: &dyn Fn(&str) -> bool,
) -> pareto::Result<Map<String, Value>> {
    let mut out = Map::new();
    if wanted("hypervolume") {
        out.insert(
            "hypervolume".into(),
            json_f64(pareto::hypervolume(points, reference)?),
        );
    }
    if inputs.contributions && wanted("hv_contributions") {
        out.insert(
            "hv_contributions".into(),
            json!(pareto::hv_contributions(points, reference)?),
        );
    }
    if wanted("n_nondominated") {
        out.insert(
            "n_nondominated".into(),
            json!(pareto::n_nondominated(points)),
        );
    }
    let mut put = |key: &str, value: &dyn Fn() -> pareto::Result<Value>| {
        if wanted(key) {
            out.insert(key.into(), value()?);
        }
        Ok::<(), pareto::Error>(())
    };
    if let Some(front) = inputs.front {
        // IGD and GD once each: the averaged Hausdorff distance is their maximum.
        let need_both = wanted("avg_hausdorff");
        let igd = (need_both || wanted("igd"))
            .then(|| pareto::igd(points, front))
            .transpose()?;
        let gd = (need_both || wanted("gd"))
            .then(|| pareto::gd(points, front))
            .transpose()?;
        put("igd", &|| Ok(json_f64(igd.expect("computed when wanted"))))?;
        put("igd_plus", &|| {
            Ok(json_f64(pareto::igd_plus(points, front)?))
        })?;
        put("gd", &|| Ok(json_f64(gd.expect("computed when wanted"))))?;
        put("gd_plus", &|| Ok(json_f64(pareto::gd_plus(points, front)?)))?;
        put("avg_hausdorff", &|| {
            let (gd, igd) = (gd.expect("computed"), igd.expect("computed"));
            Ok(json_f64(gd.max(igd)))
        })?;
        put("epsilon_additive", &|| {
            Ok(json_f64(pareto::epsilon_additive(points, front)?))
        })?;
        // Defined only when every value is positive.
        put("epsilon_mult", &|| {
            Ok(pareto::epsilon_multiplicative(points, front).map_or(Value::Null, json_f64))
        })?;
    }
    // One nearest-neighbour search for both.
    let (lmin, spacing) = if wanted("lmin") || wanted("spacing") {
        pareto::lmin_and_spacing(points)?
    } else {
        (None, None)
    };
    put("lmin", &|| Ok(lmin.map_or(Value::Null, json_f64)))?;
    put("soft_lmin", &|| {
        optional(pareto::soft_lmin(points, pareto::SOFT_LMIN_H))
    })?;
    put("spacing", &|| Ok(spacing.map_or(Value::Null, json_f64)))?;
    put("sparsity", &|| optional(pareto::sparsity(points)))?;
    put("span", &|| optional(pareto::span(points)))?;
    if let Some(prefs) = inputs.preferences {
        put("inner_product", &|| {
            optional(pareto::inner_product(points, prefs))
        })?;
        put("cross_angle", &|| {
            optional(pareto::cross_angle(points, prefs))
        })?;
        put("pbi", &|| optional(pareto::pbi(points, prefs)))?;
    }
    Ok(out)
}
