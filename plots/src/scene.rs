//! The objective-space scene shared by front, overlay and PSL pictures, and its three renderers:
//! a 2-D scatter (m = 2), a 3-D scatter (m = 3) and parallel coordinates (m ≥ 4).

use plotters::coord::Shift;
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use tradeoff_pareto::Matrix;

use crate::error::{Error, Result};
use crate::output::Render;
use crate::style::{
    AXIS_DESC_SIZE, Glyph, LegendEntry, Marker, NOTE_SIZE, TICK_SIZE, draw_legend, marker_element,
    split_legend, text, tick_formatter, title_style, value_label,
};

/// Most rows drawn as polylines in parallel coordinates for a reference set (true or learned front).
pub(crate) const MAX_BACKGROUND_LINES: usize = 300;
/// Most points drawn for a reference point cloud (3-D true fronts).
pub(crate) const MAX_CLOUD_POINTS: usize = 2000;

/// One drawable layer of a scene. Every point has the scene's `n_obj` coordinates.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    /// Legend label; `None` keeps the layer out of the legend.
    pub(crate) name: Option<String>,
    pub(crate) colour: RGBColor,
    pub(crate) alpha: f64,
    pub(crate) kind: LayerKind,
}

#[derive(Clone, Debug)]
pub(crate) enum LayerKind {
    /// Markers (a polyline per row in parallel coordinates).
    Points {
        rows: Vec<Vec<f64>>,
        marker: Marker,
        size: i32,
    },
    /// Connected curves, each a run of points (in parallel coordinates: a polyline per point).
    Curves {
        curves: Vec<Vec<Vec<f64>>>,
        width: u32,
    },
    /// Independent segments (preference rays, preference → objective links). Not drawn in
    /// parallel coordinates, where a preference is not an objective value.
    Links {
        pairs: Vec<(Vec<f64>, Vec<f64>)>,
        width: u32,
        dashed: bool,
    },
}

/// A picture of points in objective space.
#[derive(Clone, Debug)]
pub(crate) struct Scene {
    pub(crate) title: String,
    /// One label per objective.
    pub(crate) labels: Vec<String>,
    pub(crate) layers: Vec<Layer>,
}

impl Scene {
    pub(crate) fn n_obj(&self) -> usize {
        self.labels.len()
    }

    fn parallel(&self) -> bool {
        self.n_obj() >= 4
    }

    fn legend(&self) -> Vec<LegendEntry> {
        let parallel = self.parallel();
        self.layers
            .iter()
            .filter_map(|l| {
                let name = l.name.clone()?;
                let colour = l.colour.mix(l.alpha.max(0.6));
                let glyph = match &l.kind {
                    LayerKind::Points { .. } | LayerKind::Curves { .. } if parallel => {
                        Glyph::Line {
                            colour,
                            width: 2,
                            dashed: false,
                        }
                    }
                    LayerKind::Points { marker, .. } => Glyph::Marker(*marker, colour),
                    LayerKind::Curves { width, .. } => Glyph::Line {
                        colour,
                        width: *width,
                        dashed: false,
                    },
                    LayerKind::Links { dashed, .. } if parallel => {
                        let _ = dashed;
                        return None;
                    }
                    LayerKind::Links { width, dashed, .. } => Glyph::Line {
                        colour,
                        width: (*width).max(2),
                        dashed: *dashed,
                    },
                };
                Some(LegendEntry { label: name, glyph })
            })
            .collect()
    }

    /// Per-objective (min, max) over everything drawn; `None` when nothing is.
    fn bounds(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        let m = self.n_obj();
        let mut lo = vec![f64::INFINITY; m];
        let mut hi = vec![f64::NEG_INFINITY; m];
        let mut any = false;
        let mut add = |p: &[f64]| {
            any = true;
            for j in 0..m {
                lo[j] = lo[j].min(p[j]);
                hi[j] = hi[j].max(p[j]);
            }
        };
        for l in &self.layers {
            match &l.kind {
                LayerKind::Points { rows, .. } => rows.iter().for_each(|r| add(r)),
                LayerKind::Curves { curves, .. } => curves.iter().flatten().for_each(|r| add(r)),
                LayerKind::Links { pairs, .. } if !self.parallel() => {
                    pairs.iter().for_each(|(a, b)| {
                        add(a);
                        add(b);
                    })
                }
                LayerKind::Links { .. } => {}
            }
        }
        any.then_some((lo, hi))
    }
}

/// Pads `[lo, hi]` by 5 % on each side; a single value gets a unit-scale window around it.
pub(crate) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    if span > 0.0 && span.is_finite() {
        (lo - 0.05 * span, hi + 0.05 * span)
    } else {
        let h = if lo == 0.0 { 0.5 } else { 0.1 * lo.abs() };
        (lo - h, hi + h)
    }
}

/// The finite rows of `m` (rows holding NaN or ±inf are skipped).
pub(crate) fn finite_rows(m: &Matrix) -> Vec<Vec<f64>> {
    m.rows()
        .filter(|r| r.iter().all(|v| v.is_finite()))
        .map(<[f64]>::to_vec)
        .collect()
}

/// Every `len / max`-th row, so that at most about `max` rows remain.
pub(crate) fn thin(rows: Vec<Vec<f64>>, max: usize) -> Vec<Vec<f64>> {
    if rows.len() <= max {
        return rows;
    }
    let stride = rows.len().div_ceil(max);
    rows.into_iter().step_by(stride).collect()
}

/// Checks a point set: non-empty, at least two objectives, `expected` columns when given,
/// and at least one finite row. Returns its finite rows.
pub(crate) fn checked_rows(
    m: &Matrix,
    what: &'static str,
    expected: Option<usize>,
) -> Result<Vec<Vec<f64>>> {
    if m.n_rows() == 0 || m.n_cols() == 0 {
        return Err(Error::Empty { what });
    }
    match expected {
        Some(e) if m.n_cols() != e => {
            return Err(Error::DimensionMismatch {
                what,
                expected: e,
                got: m.n_cols(),
            });
        }
        None if m.n_cols() < 2 => {
            return Err(Error::TooFewObjectives {
                what,
                got: m.n_cols(),
            });
        }
        _ => {}
    }
    let rows = finite_rows(m);
    if rows.is_empty() {
        return Err(Error::NoFiniteValues { what });
    }
    Ok(rows)
}

/// Objective labels: the caller's (which must number `n_obj`) or `f1 … fm`.
pub(crate) fn objective_labels(labels: &[String], n_obj: usize) -> Result<Vec<String>> {
    if labels.is_empty() {
        Ok((1..=n_obj).map(|j| format!("f{j}")).collect())
    } else if labels.len() != n_obj {
        Err(Error::DimensionMismatch {
            what: "objective labels",
            expected: n_obj,
            got: labels.len(),
        })
    } else {
        Ok(labels.to_vec())
    }
}

/// Sorts a 2-objective front by f1 and cuts it where it jumps: a step whose f1 gap and length
/// are both more than 4× the median step (ZDT3-like disconnected fronts). Lengths are measured
/// after scaling each objective to its range, so the test ignores units.
pub(crate) fn front_curves_2d(mut rows: Vec<Vec<f64>>) -> Vec<Vec<Vec<f64>>> {
    rows.sort_by(|a, b| a[0].total_cmp(&b[0]).then(b[1].total_cmp(&a[1])));
    if rows.len() < 4 {
        return vec![rows];
    }
    let range = |j: usize| {
        let (lo, hi) = rows
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| {
                (l.min(r[j]), h.max(r[j]))
            });
        if hi > lo { hi - lo } else { 1.0 }
    };
    let (sx, sy) = (range(0), range(1));
    let steps: Vec<(f64, f64)> = rows
        .windows(2)
        .map(|w| {
            let dx = (w[1][0] - w[0][0]) / sx;
            let dy = (w[1][1] - w[0][1]) / sy;
            (dx, dx.hypot(dy))
        })
        .collect();
    let median = |mut v: Vec<f64>| {
        v.retain(|x| *x > 0.0);
        if v.is_empty() {
            return 0.0;
        }
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let med_dx = median(steps.iter().map(|s| s.0).collect());
    let med_d = median(steps.iter().map(|s| s.1).collect());
    let mut curves = vec![vec![rows[0].clone()]];
    for (i, &(dx, d)) in steps.iter().enumerate() {
        if med_d > 0.0 && dx > 4.0 * med_dx && d > 4.0 * med_d {
            curves.push(Vec::new());
        }
        curves
            .last_mut()
            .expect("curves starts non-empty")
            .push(rows[i + 1].clone());
    }
    curves
}

/// Preference rays: from `start` along each (non-negative, non-zero, finite) preference row,
/// long enough to reach the farthest data point from `start`.
pub(crate) fn preference_rays(
    prefs: &Matrix,
    start: &[f64],
    reach: f64,
) -> Vec<(Vec<f64>, Vec<f64>)> {
    prefs
        .rows()
        .filter_map(|p| {
            let norm = p.iter().map(|v| v * v).sum::<f64>().sqrt();
            (norm.is_finite() && norm > 0.0).then(|| {
                let end = start
                    .iter()
                    .zip(p)
                    .map(|(s, v)| s + reach * v / norm)
                    .collect();
                (start.to_vec(), end)
            })
        })
        .collect()
}

/// Preference rays from `start` along each finite, non-zero preference row, each ending where it
/// leaves the box `[lo, hi]` (the extent of the data drawn, which holds `start`), so rays cross
/// the whole front without stretching the axes.
pub(crate) fn clipped_rays(
    prefs: &Matrix,
    start: &[f64],
    lo: &[f64],
    hi: &[f64],
) -> Vec<(Vec<f64>, Vec<f64>)> {
    prefs
        .rows()
        .filter_map(|p| {
            let norm = p.iter().map(|v| v * v).sum::<f64>().sqrt();
            if !(norm.is_finite() && norm > 0.0) {
                return None;
            }
            let t = p
                .iter()
                .enumerate()
                .filter_map(|(j, v)| {
                    let d = v / norm;
                    if d > 0.0 {
                        Some((hi[j] - start[j]) / d)
                    } else if d < 0.0 {
                        Some((lo[j] - start[j]) / d)
                    } else {
                        None
                    }
                })
                .fold(f64::INFINITY, f64::min);
            (t.is_finite() && t > 0.0).then(|| {
                let end = start.iter().zip(p).map(|(s, v)| s + t * v / norm).collect();
                (start.to_vec(), end)
            })
        })
        .collect()
}

/// The largest distance from `start` to any of `rows`.
pub(crate) fn reach(rows: &[Vec<f64>], start: &[f64]) -> f64 {
    rows.iter()
        .map(|r| {
            r.iter()
                .zip(start)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt()
        })
        .fold(0.0, f64::max)
}

impl Render for Scene {
    fn render<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE)?;
        let body = root.margin(8, 0, 0, 0).titled(&self.title, title_style())?;
        let entries = self.legend();
        let (plot, legend) = split_legend(&body, &entries)?;
        match self.n_obj() {
            2 => self.draw_2d(&plot)?,
            3 => self.draw_3d(&plot)?,
            _ => self.draw_parallel(&plot)?,
        }
        if let Some(l) = legend {
            draw_legend(&l, &entries, 20)?;
        }
        Ok(())
    }
}

/// Width of the left label area needed for y tick labels formatted by `fmt` on `[lo, hi]`.
pub(crate) fn y_label_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fmt: &dyn Fn(&f64) -> String,
    lo: f64,
    hi: f64,
) -> Result<u32> {
    let style = text(TICK_SIZE);
    let mut w = 0;
    for i in 0..=10 {
        let v = lo + (hi - lo) * f64::from(i) / 10.0;
        w = w.max(area.estimate_text_size(&fmt(&v), &style)?.0);
    }
    // Tick labels, a gap, then the rotated axis description.
    Ok(w + 14 + AXIS_DESC_SIZE + 12)
}

impl Scene {
    fn draw_2d<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let (lo, hi) = self.bounds().ok_or(Error::Empty { what: "plot data" })?;
        let (x0, x1) = padded(lo[0], hi[0]);
        let (y0, y1) = padded(lo[1], hi[1]);
        let fx = tick_formatter(x0, x1);
        let fy = tick_formatter(y0, y1);
        let yw = y_label_width(area, &fy, y0, y1)?;
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_right(16)
            .x_label_area_size(TICK_SIZE + AXIS_DESC_SIZE + 26)
            .y_label_area_size(yw)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(self.labels[0].as_str())
            .y_desc(self.labels[1].as_str())
            .axis_desc_style(text(AXIS_DESC_SIZE))
            .label_style(text(TICK_SIZE))
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .max_light_lines(4)
            .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .draw()?;
        for l in &self.layers {
            let colour = l.colour.mix(l.alpha);
            match &l.kind {
                LayerKind::Points { rows, marker, size } => {
                    chart.draw_series(
                        rows.iter()
                            .map(|r| marker_element((r[0], r[1]), *marker, *size, colour)),
                    )?;
                }
                LayerKind::Curves { curves, width } => {
                    for c in curves {
                        if c.len() == 1 {
                            chart.draw_series(std::iter::once(Circle::new(
                                (c[0][0], c[0][1]),
                                (*width).max(2),
                                colour.filled(),
                            )))?;
                        } else {
                            chart.draw_series(LineSeries::new(
                                c.iter().map(|p| (p[0], p[1])),
                                colour.stroke_width(*width),
                            ))?;
                        }
                    }
                }
                LayerKind::Links {
                    pairs,
                    width,
                    dashed,
                } => {
                    let style = colour.stroke_width(*width);
                    for (a, b) in pairs {
                        let pts = [(a[0], a[1]), (b[0], b[1])];
                        if *dashed {
                            chart.draw_series(std::iter::once(DashedPathElement::new(
                                pts, 6, 4, style,
                            )))?;
                        } else {
                            chart.draw_series(std::iter::once(PathElement::new(pts, style)))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn draw_3d<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let (lo, hi) = self.bounds().ok_or(Error::Empty { what: "plot data" })?;
        let r: Vec<(f64, f64)> = (0..3).map(|j| padded(lo[j], hi[j])).collect();
        let f: Vec<_> = r.iter().map(|&(a, b)| tick_formatter(a, b)).collect();
        // plotters' 3-D y axis is vertical: draw (f1, f3, f2) so that f3 points up.
        let at = |p: &[f64]| (p[0], p[2], p[1]);
        // f1's and f2's largest ticks meet at the front corner: leave f2's out there.
        let f2 = |v: &f64| {
            if *v > r[1].1 - 0.12 * (r[1].1 - r[1].0) {
                String::new()
            } else {
                f[1](v)
            }
        };
        let mut chart = ChartBuilder::on(area)
            .margin(24)
            .margin_left(36)
            .build_cartesian_3d(r[0].0..r[0].1, r[2].0..r[2].1, r[1].0..r[1].1)?;
        chart.with_projection(|mut p| {
            // Seen from the positive octant, slightly from above, f1 and f2 about symmetric.
            p.pitch = 0.3;
            p.yaw = 0.8;
            p.scale = 0.78;
            p.into_matrix()
        });
        chart
            .configure_axes()
            .light_grid_style(BLACK.mix(0.08))
            .bold_grid_style(BLACK.mix(0.2))
            .axis_panel_style(RGBColor(0xf4, 0xf4, 0xf4).mix(0.6))
            .max_light_lines(3)
            .x_labels(5)
            .y_labels(5)
            .z_labels(5)
            .label_style(text(TICK_SIZE - 2))
            .x_formatter(&f[0])
            .y_formatter(&f[2])
            .z_formatter(&f2)
            .draw()?;
        for l in &self.layers {
            let colour = l.colour.mix(l.alpha);
            match &l.kind {
                LayerKind::Points { rows, marker, size } => {
                    chart.draw_series(
                        rows.iter()
                            .map(|p| marker_element(at(p), *marker, *size, colour)),
                    )?;
                }
                LayerKind::Curves { curves, width } => {
                    for c in curves {
                        chart.draw_series(LineSeries::new(
                            c.iter().map(|p| at(p)),
                            colour.stroke_width(*width),
                        ))?;
                    }
                }
                LayerKind::Links {
                    pairs,
                    width,
                    dashed,
                } => {
                    let style = colour.stroke_width(*width);
                    for (a, b) in pairs {
                        let pts = [at(a), at(b)];
                        if *dashed {
                            chart.draw_series(std::iter::once(DashedPathElement::new(
                                pts, 6, 4, style,
                            )))?;
                        } else {
                            chart.draw_series(std::iter::once(PathElement::new(pts, style)))?;
                        }
                    }
                }
            }
        }
        // Axis names just past the far end of each axis's labelled edge.
        let desc = text(AXIS_DESC_SIZE).pos(Pos::new(HPos::Center, VPos::Center));
        let (x0, x1) = r[0];
        let (y0, y1) = r[2];
        let (z0, z1) = r[1];
        let names = [
            (
                self.labels[0].as_str(),
                ((x0 + x1) / 2.0, y0, z1 + 0.32 * (z1 - z0)),
            ),
            (
                self.labels[1].as_str(),
                (x1 + 0.32 * (x1 - x0), y0, (z0 + z1) / 2.0),
            ),
            (
                self.labels[2].as_str(),
                (x0 - 0.0 * (x1 - x0), y1 + 0.12 * (y1 - y0), z0),
            ),
        ];
        chart.draw_series(
            names
                .into_iter()
                .map(|(s, p)| Text::new(s.to_owned(), p, desc.clone())),
        )?;
        Ok(())
    }

    fn draw_parallel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let m = self.n_obj();
        let (lo, hi) = self.bounds().ok_or(Error::Empty { what: "plot data" })?;
        let norm = |j: usize, v: f64| {
            if hi[j] > lo[j] {
                (v - lo[j]) / (hi[j] - lo[j])
            } else {
                0.5
            }
        };
        // Segments 0..=m-1, one per objective, labelled at their centres.
        let x_range = (0..m as i32 - 1).into_segmented();
        let at = |j: usize| SegmentValue::CenterOf(j as i32);
        let fy = tick_formatter(0.0, 1.0);
        let yw = y_label_width(area, &fy, 0.0, 1.0)?;
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .margin_top(18)
            .margin_right(16)
            .x_label_area_size(TICK_SIZE + NOTE_SIZE + 34)
            .y_label_area_size(yw)
            .build_cartesian_2d(x_range, -0.1f64..1.1)?;
        let labels = &self.labels;
        let fx = |x: &SegmentValue<i32>| match x {
            SegmentValue::CenterOf(j) => usize::try_from(*j)
                .ok()
                .and_then(|j| labels.get(j).cloned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("normalised objective")
            .x_desc("each axis scaled to [min, max] of the values shown; raw limits at its ends")
            .axis_desc_style(text(NOTE_SIZE))
            .label_style(text(TICK_SIZE))
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .x_labels(m + 1)
            .y_labels(6)
            .light_line_style(RGBColor(0xf4, 0xf4, 0xf4))
            .bold_line_style(RGBColor(0xe4, 0xe4, 0xe4))
            .draw()?;
        let polyline = |r: &[f64]| -> Vec<(SegmentValue<i32>, f64)> {
            (0..m).map(|j| (at(j), norm(j, r[j]))).collect()
        };
        for l in &self.layers {
            let colour = l.colour.mix(l.alpha);
            match &l.kind {
                LayerKind::Points { rows, size, marker } => {
                    let width = if *size <= 2 { 1 } else { 2 };
                    // Dense clouds (true or learned fronts) are thinned to stay readable.
                    let max = if *marker == Marker::Dot {
                        MAX_BACKGROUND_LINES
                    } else {
                        usize::MAX
                    };
                    chart.draw_series(
                        thin(rows.clone(), max)
                            .iter()
                            .map(|r| PathElement::new(polyline(r), colour.stroke_width(width))),
                    )?;
                }
                LayerKind::Curves { curves, .. } => {
                    let rows: Vec<Vec<f64>> = curves.iter().flatten().cloned().collect();
                    chart.draw_series(
                        thin(rows, MAX_BACKGROUND_LINES)
                            .into_iter()
                            .map(|r| PathElement::new(polyline(&r), colour.stroke_width(1))),
                    )?;
                }
                LayerKind::Links { .. } => {}
            }
        }
        // The objective axes, with their raw limits.
        let axis = BLACK.mix(0.8).stroke_width(1);
        let top = text(TICK_SIZE - 1).pos(Pos::new(HPos::Center, VPos::Bottom));
        let bottom = text(TICK_SIZE - 1).pos(Pos::new(HPos::Center, VPos::Top));
        for j in 0..m {
            let x = at(j);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x.clone(), 0.0), (x.clone(), 1.0)],
                axis,
            )))?;
            chart.draw_series([
                Text::new(value_label(hi[j]), (x.clone(), 1.025), top.clone()),
                Text::new(value_label(lo[j]), (x, -0.025), bottom.clone()),
            ])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zdt(n: usize, disconnected: bool) -> Vec<Vec<f64>> {
        let pts: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                let f1 = if disconnected { 0.852 } else { 1.0 } * i as f64 / (n - 1) as f64;
                let wave = if disconnected {
                    f1 * (10.0 * std::f64::consts::PI * f1).sin()
                } else {
                    0.0
                };
                vec![f1, 1.0 - f1.sqrt() - wave]
            })
            .collect();
        pts.iter()
            .filter(|a| {
                !pts.iter()
                    .any(|b| b[0] <= a[0] && b[1] <= a[1] && (b[0] < a[0] || b[1] < a[1]))
            })
            .cloned()
            .collect()
    }

    #[test]
    fn connected_front_stays_one_curve() {
        let curves = front_curves_2d(zdt(200, false));
        assert_eq!(curves.len(), 1);
        assert_eq!(curves[0].len(), 200);
    }

    #[test]
    fn zdt3_front_splits_into_its_five_pieces() {
        let rows = zdt(1000, true);
        let n = rows.len();
        let curves = front_curves_2d(rows);
        assert_eq!(curves.len(), 5);
        assert_eq!(curves.iter().map(Vec::len).sum::<usize>(), n);
        for c in &curves {
            assert!(c.windows(2).all(|w| w[0][0] <= w[1][0]), "sorted by f1");
        }
    }

    #[test]
    fn rays_end_on_the_data_box() {
        let prefs =
            Matrix::from_rows(&[[1.0, 1.0], [1.0, 0.0], [0.0, 0.0], [f64::NAN, 1.0]]).unwrap();
        let rays = clipped_rays(&prefs, &[0.0, 0.0], &[0.0, 0.0], &[2.0, 1.0]);
        assert_eq!(rays.len(), 2, "zero and NaN rows are skipped");
        let (a, b) = &rays[0];
        assert_eq!(a, &vec![0.0, 0.0]);
        assert!(
            (b[0] - 1.0).abs() < 1e-12 && (b[1] - 1.0).abs() < 1e-12,
            "{b:?}"
        );
        assert!((rays[1].1[0] - 2.0).abs() < 1e-12 && rays[1].1[1] == 0.0);
    }

    #[test]
    fn padding_is_five_percent_and_handles_single_values() {
        assert_eq!(padded(0.0, 10.0), (-0.5, 10.5));
        assert_eq!(padded(0.0, 0.0), (-0.5, 0.5));
        let (lo, hi) = padded(4.0, 4.0);
        assert!(lo < 4.0 && hi > 4.0);
    }

    #[test]
    fn thin_keeps_at_most_about_max_rows() {
        let rows: Vec<Vec<f64>> = (0..1001).map(|i| vec![i as f64]).collect();
        let t = thin(rows, 100);
        assert!(t.len() <= 100 && t.len() >= 90, "{}", t.len());
        assert_eq!(t[0], vec![0.0]);
    }
}
