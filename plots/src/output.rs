//! Output formats, the embedded font, and atomic writing of PNG and SVG files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};

/// Default picture size in pixels (width, height).
pub const DEFAULT_SIZE: (u32, u32) = (800, 600);

/// The font family of every text in this crate (DejaVu Sans, registered by [`ensure_font`]).
pub(crate) const FONT: &str = "sans-serif";

/// A picture format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// A raster picture, encoded as PNG.
    Png,
    /// A vector picture (SVG 1.1, text kept as `<text>`).
    Svg,
}

impl Format {
    /// Every format, in a fixed order.
    pub const ALL: [Format; 2] = [Format::Png, Format::Svg];

    /// The format named by a path's extension (`.png` or `.svg`, any case).
    ///
    /// ```
    /// use tradeoff_plots::Format;
    /// assert_eq!(Format::from_path("out/front.svg").unwrap(), Format::Svg);
    /// assert_eq!(Format::from_path("front.PNG").unwrap(), Format::Png);
    /// assert!(Format::from_path("front.pdf").is_err());
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Format> {
        let path = path.as_ref();
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            _ => Err(Error::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    /// The file extension without the dot: `"png"` or `"svg"`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Registers DejaVu Sans (regular and bold) as the `sans-serif` family once per process.
pub(crate) fn ensure_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok { Ok(()) } else { Err(Error::Font) }
}

/// Something that can draw itself on any plotters backend.
pub(crate) trait Render {
    /// Draws the whole picture on `root` (already sized, not yet filled).
    fn render<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

/// Draws `picture` into `path` (format from the extension): the bytes go to a temporary
/// file in the same folder, which is then renamed over `path`, so readers never see half a picture.
pub(crate) fn save(path: &Path, size: (u32, u32), picture: &impl Render) -> Result<()> {
    let format = Format::from_path(path)?;
    if size.0 == 0 || size.1 == 0 {
        return Err(Error::InvalidSize {
            width: size.0,
            height: size.1,
        });
    }
    ensure_font()?;
    let bytes = match format {
        Format::Png => render_png(path, size, picture)?,
        Format::Svg => render_svg(size, picture)?.into_bytes(),
    };
    write_atomic(path, &bytes)
}

fn render_png(path: &Path, size: (u32, u32), picture: &impl Render) -> Result<Vec<u8>> {
    let (w, h) = size;
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        picture.render(&root)?;
        root.present()?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &rgb,
        w,
        h,
        image::ColorType::Rgb8,
    )
    .map_err(|e| Error::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(png)
}

fn render_svg(size: (u32, u32), picture: &impl Render) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        picture.render(&root)?;
        root.present()?;
    }
    Ok(svg)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io_err = |p: &Path, source| Error::Io {
        path: p.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plot".to_owned());
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(path, e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        // Best effort: do not leave the temporary file behind.
        let _ = std::fs::remove_file(&tmp);
        io_err(path, e)
    })
}
