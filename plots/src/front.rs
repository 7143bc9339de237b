//! Pictures of fronts in objective space: one solver's front, several solvers' fronts, and a
//! learned (Pareto-set-learning) front.

use std::path::Path;

use plotters::style::RGBColor;
use tradeoff_pareto::Matrix;

use crate::error::{Error, Result};
use crate::output::{DEFAULT_SIZE, save};
use crate::scene::{
    Layer, LayerKind, MAX_CLOUD_POINTS, Scene, checked_rows, clipped_rays, front_curves_2d,
    objective_labels, preference_rays, reach, thin,
};
use crate::style::{Marker, RAY, TRUE_FRONT, series_colour};

/// Where preference rays start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RayOrigin {
    /// The origin of objective space, as LibMOON draws them (right for fronts in the positive orthant).
    #[default]
    Origin,
    /// The ideal point: the per-objective minimum over the solutions and the true front.
    Ideal,
}

/// What [`front_plot`] draws: one solver's solutions, optionally with the true front and the
/// preference rays that produced them.
///
/// The layout follows the number of objectives m (columns of `objectives`): m = 2 gives a
/// scatter with the true front as a line (cut where the front is disconnected) and the rays;
/// m = 3 a 3-D scatter with the true front as light points; m ≥ 4 parallel coordinates.
#[derive(Clone, Debug)]
pub struct FrontPlot<'a> {
    /// The picture's title.
    pub title: String,
    /// The solutions' objective vectors, n × m. Rows holding NaN or ±inf are skipped.
    pub objectives: &'a Matrix,
    /// A sample of the true Pareto front, k × m.
    pub true_front: Option<&'a Matrix>,
    /// Preference rays, r × m (usually one per solution), drawn for m ≤ 3 as grey dashed rays
    /// in raw objective units from [`FrontPlot::ray_origin`] to the edge of the data's extent,
    /// so each crosses the whole front. Rows that are zero or non-finite are skipped.
    pub preferences: Option<&'a Matrix>,
    /// Where the rays start.
    pub ray_origin: RayOrigin,
    /// Objective names, m of them; empty means `f1 … fm`.
    pub labels: Vec<String>,
    /// The legend name of the solutions.
    pub series_name: String,
    /// Picture size in pixels (width, height); [`DEFAULT_SIZE`] by default.
    pub size: (u32, u32),
}

impl<'a> FrontPlot<'a> {
    /// A plot of `objectives` (n × m) named "solutions", with no true front and no rays.
    pub fn new(title: impl Into<String>, objectives: &'a Matrix) -> Self {
        FrontPlot {
            title: title.into(),
            objectives,
            true_front: None,
            preferences: None,
            ray_origin: RayOrigin::Origin,
            labels: Vec::new(),
            series_name: "solutions".to_owned(),
            size: DEFAULT_SIZE,
        }
    }

    /// Adds a sample of the true front (k × m).
    #[must_use]
    pub fn with_true_front(mut self, front: &'a Matrix) -> Self {
        self.true_front = Some(front);
        self
    }

    /// Adds preference rays (r × m).
    #[must_use]
    pub fn with_preferences(mut self, preferences: &'a Matrix) -> Self {
        self.preferences = Some(preferences);
        self
    }

    /// Sets where the rays start.
    #[must_use]
    pub fn with_ray_origin(mut self, origin: RayOrigin) -> Self {
        self.ray_origin = origin;
        self
    }

    /// Sets the objective names (m of them).
    #[must_use]
    pub fn with_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the solutions' legend name.
    #[must_use]
    pub fn with_series_name(mut self, name: impl Into<String>) -> Self {
        self.series_name = name.into();
        self
    }

    /// Sets the picture size in pixels.
    #[must_use]
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }
}

/// The point where rays start, in `m` dimensions.
fn ray_start(origin: RayOrigin, data: &[&[Vec<f64>]], m: usize) -> Vec<f64> {
    match origin {
        RayOrigin::Origin => vec![0.0; m],
        RayOrigin::Ideal => {
            let mut z = vec![f64::INFINITY; m];
            for r in data.iter().flat_map(|d| d.iter()) {
                for j in 0..m {
                    z[j] = z[j].min(r[j]);
                }
            }
            z
        }
    }
}

/// The true-front layer for `m` objectives: a line (cut at gaps) for m = 2, light points otherwise.
fn true_front_layer(rows: Vec<Vec<f64>>, m: usize, name: &str) -> Layer {
    let kind = if m == 2 {
        LayerKind::Curves {
            curves: front_curves_2d(thin(rows, MAX_CLOUD_POINTS)),
            width: 2,
        }
    } else {
        LayerKind::Points {
            rows: thin(rows, MAX_CLOUD_POINTS),
            marker: Marker::Dot,
            size: 2,
        }
    };
    Layer {
        name: Some(name.to_owned()),
        colour: if m == 2 {
            TRUE_FRONT
        } else {
            RGBColor(0x90, 0x90, 0x90)
        },
        alpha: if m == 2 { 0.85 } else { 0.45 },
        kind,
    }
}

/// Draws one solver's front (see [`FrontPlot`]) to `path`, as PNG or SVG by its extension.
///
/// Errors: [`Error::Empty`] or [`Error::NoFiniteValues`] when there is nothing to draw,
/// [`Error::TooFewObjectives`] for m < 2, [`Error::DimensionMismatch`] when the true front,
/// the preferences or the labels do not have m columns, and I/O or backend failures.
pub fn front_plot(path: impl AsRef<Path>, plot: &FrontPlot<'_>) -> Result<()> {
    let rows = checked_rows(plot.objectives, "objectives", None)?;
    let m = plot.objectives.n_cols();
    let labels = objective_labels(&plot.labels, m)?;
    let front = match plot.true_front {
        Some(f) => Some(checked_rows(f, "true front", Some(m))?),
        None => None,
    };
    let mut layers = Vec::new();
    if let Some(prefs) = plot.preferences {
        if prefs.n_cols() != m {
            return Err(Error::DimensionMismatch {
                what: "preference columns",
                expected: m,
                got: prefs.n_cols(),
            });
        }
    }
    if let Some(prefs) = plot.preferences.filter(|_| m <= 3) {
        let data: Vec<&[Vec<f64>]> = std::iter::once(rows.as_slice())
            .chain(front.as_deref())
            .collect();
        let start = ray_start(plot.ray_origin, &data, m);
        let (mut lo, mut hi) = (start.clone(), start.clone());
        for r in data.iter().flat_map(|d| d.iter()) {
            for j in 0..m {
                lo[j] = lo[j].min(r[j]);
                hi[j] = hi[j].max(r[j]);
            }
        }
        let pairs = clipped_rays(prefs, &start, &lo, &hi);
        if !pairs.is_empty() {
            layers.push(Layer {
                name: Some("preference rays".to_owned()),
                colour: RAY,
                alpha: 0.8,
                kind: LayerKind::Links {
                    pairs,
                    width: 1,
                    dashed: true,
                },
            });
        }
    }
    if let Some(front) = front {
        layers.insert(0, true_front_layer(front, m, "true front"));
    }
    layers.push(Layer {
        name: Some(plot.series_name.clone()),
        colour: series_colour(0),
        alpha: if m >= 4 { 0.7 } else { 0.9 },
        kind: LayerKind::Points {
            rows,
            marker: Marker::Circle,
            size: 5,
        },
    });
    let scene = Scene {
        title: plot.title.clone(),
        labels,
        layers,
    };
    save(path.as_ref(), plot.size, &scene)
}

/// Draws several solvers' fronts in one picture to `path` (PNG or SVG by its extension).
///
/// `series` holds (name, objectives n_i × m) pairs; every series must have the same m.
/// m = 2: a scatter with a distinct colour and marker per series; m = 3: a 3-D scatter;
/// m ≥ 4: parallel coordinates coloured per series. `true_front` (k × m) is drawn underneath.
/// Rows holding NaN or ±inf are skipped; a series with no finite row is left out of the picture.
///
/// Errors: [`Error::Empty`] for no series or an empty series, [`Error::NoFiniteValues`] when no
/// series has a finite row, [`Error::DimensionMismatch`] for differing m, and I/O or backend failures.
pub fn fronts_overlay_plot<N: AsRef<str>>(
    path: impl AsRef<Path>,
    title: &str,
    series: &[(N, &Matrix)],
    true_front: Option<&Matrix>,
) -> Result<()> {
    let Some((_, first)) = series.first() else {
        return Err(Error::Empty {
            what: "series list",
        });
    };
    let m = first.n_cols();
    if m < 2 {
        return Err(Error::TooFewObjectives {
            what: "series",
            got: m,
        });
    }
    let mut layers = Vec::new();
    if let Some(f) = true_front {
        layers.push(true_front_layer(
            checked_rows(f, "true front", Some(m))?,
            m,
            "true front",
        ));
    }
    let mut any = false;
    for (i, (name, objectives)) in series.iter().enumerate() {
        let rows = match checked_rows(objectives, "series", Some(m)) {
            Ok(rows) => rows,
            Err(Error::NoFiniteValues { .. }) => continue,
            Err(e) => return Err(e),
        };
        any = true;
        layers.push(Layer {
            name: Some(name.as_ref().to_owned()),
            colour: series_colour(i),
            alpha: if m >= 4 { 0.6 } else { 0.9 },
            kind: LayerKind::Points {
                rows,
                marker: Marker::for_series(i),
                size: if m == 3 { 4 } else { 5 },
            },
        });
    }
    if !any {
        return Err(Error::NoFiniteValues { what: "series" });
    }
    let scene = Scene {
        title: title.to_owned(),
        labels: objective_labels(&[], m)?,
        layers,
    };
    save(path.as_ref(), DEFAULT_SIZE, &scene)
}

/// What [`psl_plot`] draws: a front learned by a Pareto-set model, the true front, and how a few
/// preferences map to objective vectors.
#[derive(Clone, Debug)]
pub struct PslPlot<'a> {
    /// The picture's title.
    pub title: String,
    /// The learned front, dense: the model's objective vectors for many preferences, n × m.
    pub learned: &'a Matrix,
    /// A sample of the true Pareto front, k × m.
    pub true_front: Option<&'a Matrix>,
    /// A few preferences (r × m) and the objective vectors the model gives for them (r × m).
    /// Each preference is drawn as a point on its ray at a short distance from the origin
    /// (half the distance to the nearest of those objective vectors) and joined to its
    /// objective vector by a dashed line, as LibMOON's PSL pictures do. Not drawn for m ≥ 4,
    /// where the objective vectors are highlighted instead.
    pub mapping: Option<(&'a Matrix, &'a Matrix)>,
    /// Objective names, m of them; empty means `f1 … fm`.
    pub labels: Vec<String>,
    /// Named point sets (each k × m) drawn as markers over the fronts, each with its own
    /// legend entry (e.g. a finite set of separately trained models).
    pub points: Vec<(String, &'a Matrix)>,
    /// Picture size in pixels (width, height); [`DEFAULT_SIZE`] by default.
    pub size: (u32, u32),
}

impl<'a> PslPlot<'a> {
    /// A plot of the learned front `learned` (n × m) alone.
    pub fn new(title: impl Into<String>, learned: &'a Matrix) -> Self {
        PslPlot {
            title: title.into(),
            learned,
            true_front: None,
            mapping: None,
            labels: Vec::new(),
            points: Vec::new(),
            size: DEFAULT_SIZE,
        }
    }

    /// Adds a named set of points (k × m), drawn as markers with a legend entry `name`.
    #[must_use]
    pub fn with_points(mut self, name: impl Into<String>, points: &'a Matrix) -> Self {
        self.points.push((name.into(), points));
        self
    }

    /// Adds a sample of the true front (k × m).
    #[must_use]
    pub fn with_true_front(mut self, front: &'a Matrix) -> Self {
        self.true_front = Some(front);
        self
    }

    /// Adds preferences (r × m) and the model's objective vectors for them (r × m).
    #[must_use]
    pub fn with_mapping(mut self, preferences: &'a Matrix, objectives: &'a Matrix) -> Self {
        self.mapping = Some((preferences, objectives));
        self
    }

    /// Sets the objective names (m of them).
    #[must_use]
    pub fn with_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the picture size in pixels.
    #[must_use]
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }
}

/// Draws a learned front (see [`PslPlot`]) to `path`, as PNG or SVG by its extension.
///
/// m = 2: the learned front as a line over the true front (a wide light band), preference
/// points joined to their objective vectors by dashed lines; m = 3: the same as a 3-D point
/// cloud; m ≥ 4: parallel coordinates with the mapped objective vectors highlighted. The named
/// point sets ([`PslPlot::with_points`]) go on top as markers, each in the legend.
///
/// Errors: as [`front_plot`]; also [`Error::DimensionMismatch`] when the preferences and their
/// objective vectors differ in shape.
pub fn psl_plot(path: impl AsRef<Path>, plot: &PslPlot<'_>) -> Result<()> {
    let learned = checked_rows(plot.learned, "learned front", None)?;
    let m = plot.learned.n_cols();
    let labels = objective_labels(&plot.labels, m)?;
    let mut layers = Vec::new();
    if let Some(f) = plot.true_front {
        let rows = checked_rows(f, "true front", Some(m))?;
        let mut layer = true_front_layer(rows, m, "true front");
        if let LayerKind::Curves { width, .. } = &mut layer.kind {
            // A wide light band, so that the learned line on top stays visible where they agree.
            *width = 7;
            layer.colour = RGBColor(0xb0, 0xb0, 0xb0);
            layer.alpha = 0.7;
        }
        layers.push(layer);
    }
    layers.push(Layer {
        name: Some("learned front".to_owned()),
        colour: series_colour(0),
        alpha: match m {
            2 => 0.95,
            3 => 0.5,
            _ => 0.35,
        },
        kind: if m == 2 {
            LayerKind::Curves {
                curves: front_curves_2d(thin(learned, MAX_CLOUD_POINTS)),
                width: 2,
            }
        } else {
            LayerKind::Points {
                rows: thin(learned, MAX_CLOUD_POINTS),
                marker: Marker::Dot,
                size: if m == 3 { 2 } else { 1 },
            }
        },
    });
    if let Some((prefs, objs)) = plot.mapping {
        for (what, mat) in [
            ("preference columns", prefs),
            ("mapped objective columns", objs),
        ] {
            if mat.n_cols() != m {
                return Err(Error::DimensionMismatch {
                    what,
                    expected: m,
                    got: mat.n_cols(),
                });
            }
        }
        if prefs.n_rows() != objs.n_rows() {
            return Err(Error::DimensionMismatch {
                what: "mapped objective rows (one per preference)",
                expected: prefs.n_rows(),
                got: objs.n_rows(),
            });
        }
        // Keep the pairs whose preference and objective vector are both usable.
        let start = vec![0.0; m];
        let pairs: Vec<(Vec<f64>, Vec<f64>)> = prefs
            .rows()
            .zip(objs.rows())
            .filter(|(p, o)| {
                o.iter().all(|v| v.is_finite())
                    && p.iter().all(|v| v.is_finite())
                    && p.iter().map(|v| v * v).sum::<f64>() > 0.0
            })
            .map(|(p, o)| (p.to_vec(), o.to_vec()))
            .collect();
        if !pairs.is_empty() {
            let outputs: Vec<Vec<f64>> = pairs.iter().map(|(_, o)| o.clone()).collect();
            if m <= 3 {
                let near = outputs
                    .iter()
                    .map(|o| reach(std::slice::from_ref(o), &start))
                    .fold(f64::INFINITY, f64::min);
                let scale = if near > 0.0 { 0.5 * near } else { 1.0 };
                let pref_mat =
                    Matrix::from_rows(&pairs.iter().map(|(p, _)| p.as_slice()).collect::<Vec<_>>())
                        .map_err(|_| Error::Empty {
                            what: "preferences",
                        })?;
                let points: Vec<Vec<f64>> = preference_rays(&pref_mat, &start, scale)
                    .into_iter()
                    .map(|(_, end)| end)
                    .collect();
                layers.push(Layer {
                    name: Some("preference → objectives".to_owned()),
                    colour: RAY,
                    alpha: 0.9,
                    kind: LayerKind::Links {
                        pairs: points
                            .iter()
                            .cloned()
                            .zip(outputs.iter().cloned())
                            .collect(),
                        width: 1,
                        dashed: true,
                    },
                });
                layers.push(Layer {
                    name: Some("preferences (scaled)".to_owned()),
                    colour: series_colour(1),
                    alpha: 0.95,
                    kind: LayerKind::Points {
                        rows: points,
                        marker: Marker::Diamond,
                        size: 4,
                    },
                });
            }
            layers.push(Layer {
                name: Some(if m <= 3 {
                    "their objective vectors".to_owned()
                } else {
                    "model outputs at preferences".to_owned()
                }),
                colour: series_colour(3),
                alpha: 0.95,
                kind: LayerKind::Points {
                    rows: outputs,
                    marker: Marker::Circle,
                    size: if m >= 4 { 3 } else { 5 },
                },
            });
        }
    }
    for (i, (name, points)) in plot.points.iter().enumerate() {
        let rows = checked_rows(points, "points", Some(m))?;
        layers.push(Layer {
            name: Some(name.clone()),
            colour: series_colour(4 + i),
            alpha: 0.95,
            kind: LayerKind::Points {
                rows,
                marker: [Marker::Cross, Marker::Square, Marker::Triangle][i % 3],
                size: 6,
            },
        });
    }
    let scene = Scene {
        title: plot.title.clone(),
        labels,
        layers,
    };
    save(path.as_ref(), plot.size, &scene)
}
