//! Bar charts with error bars, for comparing an indicator across solvers.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};
use crate::output::{DEFAULT_SIZE, Render, save};
use crate::scene::y_label_width;
use crate::style::{
    AXIS_DESC_SIZE, NOTE_SIZE, TICK_SIZE, series_colour, text, tick_formatter, title_style,
    value_label,
};

struct Bars {
    title: String,
    y_label: String,
    /// (name, mean, std): a non-finite mean draws no bar, a non-finite or negative std no error bar.
    bars: Vec<(String, f64, f64)>,
}

/// Draws a bar per entry with ±1 standard-deviation error bars to `path`, as PNG or SVG by its
/// extension (for example the mean hypervolume of each solver over seeds).
///
/// `bars` holds (name, mean, std) triples. The value axis starts at zero. A NaN or infinite mean
/// draws "n/a" instead of a bar; a NaN, infinite or negative std draws no error bar.
///
/// Errors: [`Error::Empty`] for no bars, [`Error::NoFiniteValues`] when no mean is finite, and
/// I/O or backend failures.
pub fn bar_plot<N: AsRef<str>>(
    path: impl AsRef<Path>,
    title: &str,
    bars: &[(N, f64, f64)],
    y_label: &str,
) -> Result<()> {
    if bars.is_empty() {
        return Err(Error::Empty { what: "bars" });
    }
    if !bars.iter().any(|b| b.1.is_finite()) {
        return Err(Error::NoFiniteValues { what: "bar means" });
    }
    let picture = Bars {
        title: title.to_owned(),
        y_label: y_label.to_owned(),
        bars: bars
            .iter()
            .map(|(n, m, s)| (n.as_ref().to_owned(), *m, *s))
            .collect(),
    };
    save(path.as_ref(), DEFAULT_SIZE, &picture)
}

fn error_of(std: f64) -> Option<f64> {
    (std.is_finite() && std >= 0.0).then_some(std)
}

impl Render for Bars {
    fn render<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE)?;
        let body = root.margin(8, 0, 0, 0).titled(&self.title, title_style())?;
        let k = self.bars.len();
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for &(_, mean, std) in &self.bars {
            if mean.is_finite() {
                let e = error_of(std).unwrap_or(0.0);
                lo = lo.min(mean - e);
                hi = hi.max(mean + e);
            }
        }
        let span = if hi > lo { hi - lo } else { 1.0 };
        // Zero stays on the edge when every bar is on one side of it; room for value labels on top.
        let y0 = if lo < 0.0 { lo - 0.1 * span } else { 0.0 };
        let y1 = if hi > 0.0 { hi + 0.1 * span } else { 0.0 };
        let (y0, y1) = if y1 > y0 { (y0, y1) } else { (-1.0, 1.0) };
        let fy = tick_formatter(y0, y1);
        let yw = y_label_width(&body, &fy, y0, y1)?;

        // Category names: on two staggered rows when they do not fit under their bar.
        let tick = text(TICK_SIZE);
        let mut widest = 0u32;
        for (name, _, _) in &self.bars {
            widest = widest.max(body.estimate_text_size(name, &tick)?.0);
        }
        let (bw, _) = body.dim_in_pixel();
        let slot = bw.saturating_sub(yw + 32) / k as u32;
        let stagger = k > 1 && widest + 8 > slot;
        let row_h = TICK_SIZE + 6;
        let x_area = if stagger { 2 * row_h + 14 } else { row_h + 14 };
        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(x_area)
            .y_label_area_size(yw)
            .build_cartesian_2d(-0.5..k as f64 - 0.5, y0..y1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(self.y_label.as_str())
            .axis_desc_style(text(AXIS_DESC_SIZE))
            .label_style(tick.clone())
            .x_labels(0)
            .y_label_formatter(&fy)
            .max_light_lines(4)
            .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .draw()?;
        let name_style = tick.pos(Pos::new(HPos::Center, VPos::Top));
        for (i, (name, _, _)) in self.bars.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, y0));
            let (max_w, row) = if stagger {
                (2 * slot.saturating_sub(4), (i % 2) as i32)
            } else {
                (slot.saturating_sub(4), 0)
            };
            let label = fit(root, name, &name_style, max_w)?;
            if row == 1 {
                // A short tick joins the lower row to its bar.
                root.draw(&PathElement::new(
                    vec![(px, py + 2), (px, py + row_h as i32 + 2)],
                    RGBColor(0xaa, 0xaa, 0xaa).stroke_width(1),
                ))?;
            }
            root.draw(&Text::new(
                label,
                (px, py + 6 + row * row_h as i32),
                name_style.clone(),
            ))?;
        }
        let (pw, _) = chart.plotting_area().dim_in_pixel();
        let slot_px = pw / k as u32;
        // Bars fill two thirds of their slot, and are at most 120 pixels wide.
        let gap = (slot_px / 6).max(slot_px.saturating_sub(120) / 2).max(1);
        let cap = (slot_px as i32 / 8).clamp(3, 12);
        let value_style = text(NOTE_SIZE).pos(Pos::new(HPos::Center, VPos::Bottom));
        let err_style = BLACK.stroke_width(2);
        for (i, &(_, mean, std)) in self.bars.iter().enumerate() {
            let x = i as f64;
            if !mean.is_finite() {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x, 0.0f64.clamp(y0, y1)))
                        + Text::new("n/a", (0, -4), value_style.clone()),
                ))?;
                continue;
            }
            let colour = series_colour(i);
            let mut bar =
                Rectangle::new([(x - 0.5, 0.0), (x + 0.5, mean)], colour.mix(0.85).filled());
            bar.set_margin(0, 0, gap, gap);
            chart.draw_series(std::iter::once(bar))?;
            // The value label goes beyond the bar's end (and its error bar): above for
            // positive means, below for negative ones.
            let e = error_of(std);
            let (end, anchor, dy) = if mean >= 0.0 {
                (mean + e.unwrap_or(0.0), VPos::Bottom, -4)
            } else {
                (mean - e.unwrap_or(0.0), VPos::Top, 4)
            };
            if let Some(e) = e {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, mean - e), (x, mean + e)],
                    err_style,
                )))?;
                for y in [mean - e, mean + e] {
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(-cap, 0), (cap, 0)], err_style),
                    ))?;
                }
            }
            let label = value_label(mean);
            let (lw, _) = root.estimate_text_size(&label, &text(NOTE_SIZE))?;
            if lw + 4 <= slot_px {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((x, end))
                        + Text::new(
                            label,
                            (0, dy),
                            value_style.clone().pos(Pos::new(HPos::Center, anchor)),
                        ),
                ))?;
            }
        }
        root.draw(&Text::new(
            "error bars: ±1 standard deviation",
            (10, root.dim_in_pixel().1 as i32 - 6),
            text(NOTE_SIZE)
                .color(&RGBColor(0x60, 0x60, 0x60))
                .pos(Pos::new(HPos::Left, VPos::Bottom)),
        ))?;
        Ok(())
    }
}

/// `label`, cut with "…" until it is at most `max_w` pixels wide.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle<'_>,
    max_w: u32,
) -> Result<String> {
    if area.estimate_text_size(label, style)?.0 <= max_w {
        return Ok(label.to_owned());
    }
    let chars: Vec<char> = label.chars().collect();
    for n in (1..chars.len()).rev() {
        let s: String = chars[..n].iter().chain(std::iter::once(&'…')).collect();
        if area.estimate_text_size(&s, style)?.0 <= max_w {
            return Ok(s);
        }
    }
    Ok("…".to_owned())
}
