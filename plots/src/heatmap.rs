//! A scalar field on a regular grid as a coloured picture (a PINN's solution and its error).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::output::{DEFAULT_SIZE, Render, save};
use crate::style::{text, title_style};

struct Heatmap<'a> {
    title: String,
    values: &'a [f64],
    rows: usize,
    columns: usize,
    x_range: (f64, f64),
    y_range: (f64, f64),
    labels: (String, String),
}

/// Draws `values` (`rows × columns`, row-major; row `r` at the `r`-th `y` from the bottom,
/// column `c` at the `c`-th `x` from the left) over `x_range × y_range` to `path` (PNG or SVG
/// by its extension), coloured from dark blue (the minimum) to yellow (the maximum); the range
/// is written in the title.
///
/// Errors: [`Error::Empty`] for no value or a size that does not match, [`Error::NoFiniteValues`]
/// when no value is finite, and I/O or backend failures.
#[allow(clippy::too_many_arguments)]
pub fn heatmap_plot(
    path: impl AsRef<Path>,
    title: &str,
    values: &[f64],
    rows: usize,
    columns: usize,
    x_range: (f64, f64),
    y_range: (f64, f64),
    labels: (&str, &str),
) -> Result<()> {
    if values.is_empty() || rows * columns != values.len() {
        return Err(Error::Empty {
            what: "heatmap values (rows × columns)",
        });
    }
    if !values.iter().any(|v| v.is_finite()) {
        return Err(Error::NoFiniteValues {
            what: "heatmap values",
        });
    }
    let picture = Heatmap {
        title: title.to_owned(),
        values,
        rows,
        columns,
        x_range,
        y_range,
        labels: (labels.0.to_owned(), labels.1.to_owned()),
    };
    save(path.as_ref(), DEFAULT_SIZE, &picture)
}

/// A blue → green → yellow ramp (viridis-like) at `t ∈ [0, 1]`.
fn colour(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * 4.0;
    let k = (scaled.floor() as usize).min(3);
    let f = scaled - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Render for Heatmap<'_> {
    fn render<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE)?;
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let title = format!("{} (min {lo:.3e}, max {hi:.3e})", self.title);
        let body = root.margin(8, 0, 0, 0).titled(&title, title_style())?;
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.labels.0.as_str())
            .y_desc(self.labels.1.as_str())
            .label_style(text(14))
            .draw()?;
        let dx = (x1 - x0) / self.columns as f64;
        let dy = (y1 - y0) / self.rows as f64;
        chart.draw_series((0..self.rows).flat_map(|r| {
            (0..self.columns).map(move |c| {
                let v = self.values[r * self.columns + c];
                let (xa, ya) = (x0 + c as f64 * dx, y0 + r as f64 * dy);
                Rectangle::new(
                    [(xa, ya), (xa + dx, ya + dy)],
                    colour((v - lo) / span).filled(),
                )
            })
        }))?;
        Ok(())
    }
}
