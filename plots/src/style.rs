//! Colours, markers, text sizes, tick labels and the legend panel shared by every picture.

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};

use crate::error::Result;
use crate::output::FONT;

/// Series colours: Tableau 10 (with its grey dropped) followed by five darker, distinct hues.
/// Together with [`Marker::for_series`] (period 5) the first 70 series get distinct
/// (colour, marker) pairs.
pub(crate) const PALETTE: [RGBColor; 14] = [
    RGBColor(0x1f, 0x77, 0xb4), // blue
    RGBColor(0xff, 0x7f, 0x0e), // orange
    RGBColor(0x2c, 0xa0, 0x2c), // green
    RGBColor(0xd6, 0x27, 0x28), // red
    RGBColor(0x94, 0x67, 0xbd), // purple
    RGBColor(0x8c, 0x56, 0x4b), // brown
    RGBColor(0xe3, 0x77, 0xc2), // pink
    RGBColor(0x17, 0xbe, 0xcf), // cyan
    RGBColor(0xbc, 0xbd, 0x22), // olive
    RGBColor(0x00, 0x00, 0x75), // navy
    RGBColor(0x80, 0x00, 0x00), // maroon
    RGBColor(0x46, 0x99, 0x90), // teal
    RGBColor(0xf0, 0x32, 0xe6), // magenta
    RGBColor(0x55, 0x55, 0x55), // dark grey
];

/// The colour of the true (reference) front.
pub(crate) const TRUE_FRONT: RGBColor = RGBColor(0x30, 0x30, 0x30);
/// The colour of preference rays and preference → objective links.
pub(crate) const RAY: RGBColor = RGBColor(0x80, 0x80, 0x80);

/// The colour of series `i` (cycles after [`PALETTE`]'s length).
pub(crate) fn series_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(crate) const TITLE_SIZE: u32 = 24;
pub(crate) const AXIS_DESC_SIZE: u32 = 18;
pub(crate) const TICK_SIZE: u32 = 14;
pub(crate) const LEGEND_SIZE: u32 = 15;
pub(crate) const NOTE_SIZE: u32 = 13;

pub(crate) fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

pub(crate) fn title_style() -> TextStyle<'static> {
    (FONT, TITLE_SIZE).into_font().color(&BLACK)
}

/// A point marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Triangle,
    Square,
    Diamond,
    Cross,
    /// A small filled dot, for dense clouds (true fronts, learned fronts).
    Dot,
}

impl Marker {
    /// The marker of series `i`.
    pub(crate) fn for_series(i: usize) -> Marker {
        [
            Marker::Circle,
            Marker::Triangle,
            Marker::Square,
            Marker::Diamond,
            Marker::Cross,
        ][i % 5]
    }
}

/// A marker of `size` (radius in pixels) centred on `pos`, in any coordinate system.
pub(crate) fn marker_element<C>(
    pos: C,
    marker: Marker,
    size: i32,
    colour: RGBAColor,
) -> MarkerElement<C> {
    MarkerElement {
        pos,
        marker,
        size,
        colour,
    }
}

/// A point marker as a plotters element (one point, drawn in backend pixels).
pub(crate) struct MarkerElement<C> {
    pos: C,
    marker: Marker,
    size: i32,
    colour: RGBAColor,
}

impl<'a, C: 'a> PointCollection<'a, C> for &'a MarkerElement<C> {
    type Point = &'a C;
    type IntoIter = std::iter::Once<&'a C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.pos)
    }
}

impl<C, DB: DrawingBackend> Drawable<DB> for MarkerElement<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _parent_dim: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        let s = self.size.max(1);
        let fill = self.colour.filled();
        match self.marker {
            Marker::Circle | Marker::Dot => backend.draw_circle((x, y), s as u32, &fill, true),
            Marker::Triangle => {
                let s = s + 1;
                backend.fill_polygon(
                    [(x, y - s), (x + s, y + s * 3 / 4), (x - s, y + s * 3 / 4)],
                    &fill,
                )
            }
            Marker::Square => {
                let s = s * 4 / 5;
                backend.draw_rect((x - s, y - s), (x + s, y + s), &fill, true)
            }
            Marker::Diamond => {
                let s = s + 1;
                backend.fill_polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)], &fill)
            }
            Marker::Cross => {
                let line = self.colour.stroke_width(2);
                backend.draw_line((x - s, y - s), (x + s, y + s), &line)?;
                backend.draw_line((x - s, y + s), (x + s, y - s), &line)
            }
        }
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Debug)]
pub(crate) enum Glyph {
    Marker(Marker, RGBAColor),
    Line {
        colour: RGBAColor,
        width: u32,
        dashed: bool,
    },
    /// A line with a marker in its middle (histories).
    LineMarker(Marker, RGBAColor),
}

/// One legend row.
#[derive(Clone, Debug)]
pub(crate) struct LegendEntry {
    pub(crate) label: String,
    pub(crate) glyph: Glyph,
}

/// Longest label kept in a legend, in characters; longer ones are cut with "…".
const MAX_LABEL_CHARS: usize = 28;
const GLYPH_W: i32 = 34;
const PAD: i32 = 10;

fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// A plot area and, when there is a legend, the legend panel beside it.
pub(crate) type Panels<DB> = (DrawingArea<DB, Shift>, Option<DrawingArea<DB, Shift>>);

/// Splits `body` into a plot area on the left and a legend panel on the right, wide enough for
/// the longest label (at most 35 % of the width). With no entries the plot keeps the whole body.
pub(crate) fn split_legend<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
) -> Result<Panels<DB>> {
    if entries.is_empty() {
        return Ok((body.clone(), None));
    }
    let style = text(LEGEND_SIZE);
    let mut widest = 0u32;
    for e in entries {
        widest = widest.max(body.estimate_text_size(&shorten(&e.label), &style)?.0);
    }
    let (w, _) = body.dim_in_pixel();
    let want = widest as i32 + GLYPH_W + 3 * PAD + 6;
    let legend_w = want.min(w as i32 * 35 / 100).max(60);
    let (plot, legend) = body.split_horizontally(w as i32 - legend_w);
    Ok((plot, Some(legend)))
}

/// Draws the legend panel: a white box with a light border, one row per entry, starting at `top`.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    top: i32,
) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    // Shrink rows when many entries would not fit.
    let n = entries.len() as i32;
    let avail = h - top - 2 * PAD;
    let row_h = (avail / n.max(1)).clamp(10, 24);
    let font_size = if row_h >= 20 {
        LEGEND_SIZE
    } else {
        (row_h as u32).saturating_sub(4).max(8)
    };
    let shown = (avail / row_h).max(1).min(n) as usize;
    let x0 = 2;
    let x1 = w - PAD;
    let box_h = shown as i32 * row_h + PAD;
    area.draw(&Rectangle::new(
        [(x0, top), (x1, top + box_h)],
        WHITE.filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(x0, top), (x1, top + box_h)],
        RGBColor(0xbb, 0xbb, 0xbb).stroke_width(1),
    ))?;
    let label_style = text(font_size).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, e) in entries.iter().take(shown).enumerate() {
        let y = top + PAD / 2 + row_h * i as i32 + row_h / 2;
        let gx = x0 + PAD;
        let mid = gx + GLYPH_W / 2;
        match &e.glyph {
            Glyph::Marker(m, c) => {
                area.draw(&marker_element(
                    (mid, y),
                    *m,
                    if *m == Marker::Dot { 3 } else { 5 },
                    *c,
                ))?;
            }
            Glyph::Line {
                colour,
                width,
                dashed,
            } => {
                let style = colour.stroke_width(*width);
                if *dashed {
                    area.draw(&PathElement::new(vec![(gx, y), (gx + 10, y)], style))?;
                    area.draw(&PathElement::new(
                        vec![(gx + GLYPH_W - 10, y), (gx + GLYPH_W, y)],
                        style,
                    ))?;
                } else {
                    area.draw(&PathElement::new(vec![(gx, y), (gx + GLYPH_W, y)], style))?;
                }
            }
            Glyph::LineMarker(m, c) => {
                area.draw(&PathElement::new(
                    vec![(gx, y), (gx + GLYPH_W, y)],
                    c.stroke_width(2),
                ))?;
                area.draw(&marker_element((mid, y), *m, 4, *c))?;
            }
        }
        let label = if i + 1 == shown && shown < entries.len() {
            format!("… and {} more", entries.len() - shown + 1)
        } else {
            shorten(&e.label)
        };
        area.draw(&Text::new(
            label,
            (gx + GLYPH_W + PAD, y),
            label_style.clone(),
        ))?;
    }
    Ok(())
}

/// The tick step plotters picks for a span with at most `max_points` ticks, or a step slightly
/// smaller (so that the decimals derived from it are never too few).
fn tick_step(span: f64, max_points: f64) -> f64 {
    let mut k = span.log10().floor() - 2.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powf(k);
            if span / step <= max_points + 1.0 {
                return step;
            }
        }
        k += 1.0;
    }
}

/// Formats axis ticks for a range `[lo, hi]`: as many decimals as the tick step needs, scientific
/// notation for very large or very small magnitudes, and never "-0".
pub(crate) fn tick_formatter(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let span = (hi - lo).abs();
    let mag = lo.abs().max(hi.abs());
    let scientific = mag >= 1e5 || (mag > 0.0 && mag < 1e-3) || span < mag * 1e-5;
    let decimals = if span > 0.0 && span.is_finite() {
        (-tick_step(span, 10.0).log10()).ceil().clamp(0.0, 8.0) as usize
    } else {
        2
    };
    move |v: &f64| {
        let v = if v.abs() < span * 1e-9 { 0.0 } else { *v };
        if scientific {
            format!("{v:.2e}")
        } else {
            format!("{v:.decimals$}")
        }
    }
}

/// A value with 4 significant digits (plain for moderate magnitudes, scientific otherwise).
pub(crate) fn value_label(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let mag = v.abs().log10().floor();
    if !(-3.0..5.0).contains(&mag) {
        format!("{v:.3e}")
    } else {
        let decimals = (3.0 - mag).max(0.0) as usize;
        format!("{v:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_tell_neighbouring_ticks_apart() {
        // plotters puts ticks every 0.05 on this range: two decimals are needed.
        let f = tick_formatter(0.475, 1.025);
        assert_eq!(f(&0.55), "0.55");
        assert_eq!(f(&0.6), "0.60");
        let f = tick_formatter(0.0, 200.0);
        assert_eq!(f(&40.0), "40");
        let f = tick_formatter(-1.0, 1.0);
        assert_eq!(f(&-1e-17), "0.0", "no negative zero");
        let f = tick_formatter(2.0e-4, 3.0e-4);
        assert_eq!(f(&2.5e-4), "2.50e-4");
    }

    #[test]
    fn values_get_four_significant_digits() {
        assert_eq!(value_label(0.66123), "0.6612");
        assert_eq!(value_label(12.3456), "12.35");
        assert_eq!(value_label(-1.0), "-1.000");
        assert_eq!(value_label(1234567.0), "1.235e6");
        assert_eq!(value_label(0.0), "0");
    }

    #[test]
    fn palette_colours_are_distinct() {
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // (colour, marker) pairs repeat only after 70 series.
        let pairs: std::collections::HashSet<_> = (0..70)
            .map(|i| (i % PALETTE.len(), Marker::for_series(i) as u8))
            .collect();
        assert_eq!(pairs.len(), 70);
    }
}
