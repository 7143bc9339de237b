#![doc = include_str!("../README.md")]

mod bar;
mod error;
mod front;
mod heatmap;
mod history;
mod output;
mod scene;
mod style;

pub use bar::bar_plot;
pub use error::{Error, Result};
pub use front::{FrontPlot, PslPlot, RayOrigin, front_plot, fronts_overlay_plot, psl_plot};
pub use heatmap::heatmap_plot;
pub use history::{curves_plot, history_plot};
pub use output::{DEFAULT_SIZE, Format};
