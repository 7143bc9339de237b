//! Indicator histories: one line per solver against the iteration number.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::output::{DEFAULT_SIZE, Render, save};
use crate::scene::{padded, y_label_width};
use crate::style::{
    AXIS_DESC_SIZE, Glyph, LegendEntry, Marker, TICK_SIZE, draw_legend, marker_element,
    series_colour, split_legend, text, tick_formatter, title_style,
};

/// Series with at most this many points also get markers.
const MAX_MARKED_POINTS: usize = 40;

struct History {
    title: String,
    x_label: String,
    y_label: String,
    series: Vec<Series>,
}

struct Series {
    name: String,
    /// Runs of consecutive finite (iteration, value) points.
    runs: Vec<Vec<(f64, f64)>>,
    /// The number of finite points.
    n: usize,
}

/// Draws indicator histories (for example hypervolume against iterations) to `path`, as PNG or
/// SVG by its extension: one line per series, with a legend.
///
/// `series` holds (name, points) pairs, each point an (iteration, value) pair. Points whose value
/// is NaN or ±inf are skipped and break the line there. Series with at most 40 points also get
/// markers.
///
/// Errors: [`Error::Empty`] when there is no series or every series is empty,
/// [`Error::NoFiniteValues`] when no value is finite, and I/O or backend failures.
pub fn history_plot<N: AsRef<str>>(
    path: impl AsRef<Path>,
    title: &str,
    series: &[(N, Vec<(usize, f64)>)],
    y_label: &str,
) -> Result<()> {
    let series: Vec<(&str, Vec<(f64, f64)>)> = series
        .iter()
        .map(|(n, pts)| {
            let pts = pts.iter().map(|&(i, v)| (i as f64, v)).collect();
            (n.as_ref(), pts)
        })
        .collect();
    curves_plot(path, title, &series, "iteration", y_label)
}

/// [`history_plot`] against any x (wall time, ...), with its label; points are sorted by x.
///
/// Errors: as [`history_plot`].
pub fn curves_plot<N: AsRef<str>>(
    path: impl AsRef<Path>,
    title: &str,
    series: &[(N, Vec<(f64, f64)>)],
    x_label: &str,
    y_label: &str,
) -> Result<()> {
    if series.iter().all(|(_, pts)| pts.is_empty()) {
        return Err(Error::Empty {
            what: "history series",
        });
    }
    let mut out = Vec::new();
    for (name, pts) in series {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        let mut pts = pts.clone();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut n = 0;
        for (it, v) in pts {
            if v.is_finite() {
                runs.last_mut().expect("runs is never empty").push((it, v));
                n += 1;
            } else if !runs.last().expect("runs is never empty").is_empty() {
                runs.push(Vec::new());
            }
        }
        runs.retain(|r| !r.is_empty());
        out.push(Series {
            name: name.as_ref().to_owned(),
            runs,
            n,
        });
    }
    if out.iter().all(|s| s.n == 0) {
        return Err(Error::NoFiniteValues {
            what: "history series",
        });
    }
    let picture = History {
        title: title.to_owned(),
        x_label: x_label.to_owned(),
        y_label: y_label.to_owned(),
        series: out,
    };
    save(path.as_ref(), DEFAULT_SIZE, &picture)
}

impl Render for History {
    fn render<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE)?;
        let body = root.margin(8, 0, 0, 0).titled(&self.title, title_style())?;
        let marked = |n: usize| n <= MAX_MARKED_POINTS;
        let entries: Vec<LegendEntry> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, Series { name, n, .. })| {
                let colour = series_colour(i).to_rgba();
                LegendEntry {
                    label: name.clone(),
                    glyph: if marked(*n) {
                        Glyph::LineMarker(Marker::for_series(i), colour)
                    } else {
                        Glyph::Line {
                            colour,
                            width: 2,
                            dashed: false,
                        }
                    },
                }
            })
            .collect();
        let (area, legend) = split_legend(&body, &entries)?;
        let all = self.series.iter().flat_map(|s| s.runs.iter().flatten());
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for &(x, y) in all {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        let (x0, x1) = padded(x0, x1);
        let (y0, y1) = padded(y0, y1);
        let fy = tick_formatter(y0, y1);
        let fx = |v: &f64| {
            if v.fract().abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        };
        let yw = y_label_width(&area, &fy, y0, y1)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .margin_right(16)
            .x_label_area_size(TICK_SIZE + AXIS_DESC_SIZE + 26)
            .y_label_area_size(yw)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .axis_desc_style(text(AXIS_DESC_SIZE))
            .label_style(text(TICK_SIZE))
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .max_light_lines(4)
            .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .draw()?;
        for (i, Series { runs, n, .. }) in self.series.iter().enumerate() {
            let colour = series_colour(i).to_rgba();
            for run in runs {
                chart.draw_series(LineSeries::new(run.iter().copied(), colour.stroke_width(2)))?;
                if marked(*n) {
                    chart.draw_series(
                        run.iter()
                            .map(|&p| marker_element(p, Marker::for_series(i), 4, colour)),
                    )?;
                }
            }
        }
        if let Some(l) = legend {
            draw_legend(&l, &entries, 20)?;
        }
        Ok(())
    }
}
