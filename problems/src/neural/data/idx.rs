//! The IDX format of MNIST (big-endian header, `u8` payload), gzip-compressed or not.

use std::path::Path;

use super::{DataError, Result};

/// Magic number of an IDX file of `u8` images (type `0x08`, 3 dimensions).
const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of `u8` labels (type `0x08`, 1 dimension).
const LABELS_MAGIC: u32 = 0x0000_0801;

/// `u8` images read from an IDX file, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// Pixel rows per image.
    pub rows: usize,
    /// Pixel columns per image.
    pub cols: usize,
    /// `count × rows × cols` pixels.
    pub pixels: Vec<u8>,
}

impl IdxImages {
    /// The pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let size = self.rows * self.cols;
        &self.pixels[i * size..(i + 1) * size]
    }
}

/// Reads a whole file, decompressing it when it starts with the gzip magic bytes.
pub(crate) fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: name.clone(),
        source,
    })?;
    gunzip_if_needed(bytes, &name)
}

/// Decompresses `bytes` when they start with the gzip magic bytes (`1f 8b`), else returns them.
pub(crate) fn gunzip_if_needed(bytes: Vec<u8>, name: &str) -> Result<Vec<u8>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut out)
            .map_err(|source| DataError::Io {
                path: name.to_string(),
                source,
            })?;
        Ok(out)
    } else {
        Ok(bytes)
    }
}

fn header(bytes: &[u8], name: &str, dims: usize) -> Result<Vec<usize>> {
    let needed = 4 + 4 * dims;
    if bytes.len() < needed {
        return Err(DataError::Truncated {
            path: name.to_string(),
            expected: needed,
            found: bytes.len(),
        });
    }
    Ok((0..dims)
        .map(|d| {
            let at = 4 + 4 * d;
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
        })
        .collect())
}

fn check_magic(bytes: &[u8], name: &str, what: &'static str, expected: u32) -> Result<()> {
    if bytes.len() < 4 {
        return Err(DataError::Truncated {
            path: name.to_string(),
            expected: 4,
            found: bytes.len(),
        });
    }
    let found = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if found != expected {
        return Err(DataError::BadMagic {
            path: name.to_string(),
            what,
            found,
            expected,
        });
    }
    Ok(())
}

/// Parses the bytes of an (uncompressed) IDX image file; `name` labels errors.
///
/// # Errors
/// [`DataError::BadMagic`] unless the magic number is 2051; [`DataError::Truncated`] when the
/// payload is shorter than `count × rows × cols`; [`DataError::Empty`] for zero images.
pub fn parse_idx_images(bytes: &[u8], name: &str) -> Result<IdxImages> {
    check_magic(bytes, name, "images", IMAGES_MAGIC)?;
    let dims = header(bytes, name, 3)?;
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    let expected = 16 + count * rows * cols;
    if bytes.len() < expected {
        return Err(DataError::Truncated {
            path: name.to_string(),
            expected,
            found: bytes.len(),
        });
    }
    if count == 0 || rows == 0 || cols == 0 {
        return Err(DataError::Empty {
            path: name.to_string(),
        });
    }
    Ok(IdxImages {
        count,
        rows,
        cols,
        pixels: bytes[16..expected].to_vec(),
    })
}

/// Parses the bytes of an (uncompressed) IDX label file; `name` labels errors.
///
/// # Errors
/// [`DataError::BadMagic`] unless the magic number is 2049; [`DataError::Truncated`] when the
/// payload is shorter than the count.
pub fn parse_idx_labels(bytes: &[u8], name: &str) -> Result<Vec<u8>> {
    check_magic(bytes, name, "labels", LABELS_MAGIC)?;
    let count = header(bytes, name, 1)?[0];
    let expected = 8 + count;
    if bytes.len() < expected {
        return Err(DataError::Truncated {
            path: name.to_string(),
            expected,
            found: bytes.len(),
        });
    }
    Ok(bytes[8..expected].to_vec())
}

/// Reads an IDX image file (gzip or not).
///
/// # Errors
/// [`DataError::Io`] if it cannot be read; the errors of [`parse_idx_images`].
pub fn read_idx_images(path: &Path) -> Result<IdxImages> {
    parse_idx_images(&read_maybe_gzip(path)?, &path.display().to_string())
}

/// Reads an IDX label file (gzip or not).
///
/// # Errors
/// [`DataError::Io`] if it cannot be read; the errors of [`parse_idx_labels`].
pub fn read_idx_labels(path: &Path) -> Result<Vec<u8>> {
    parse_idx_labels(&read_maybe_gzip(path)?, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_file(count: u32, rows: u32, cols: u32, payload: usize) -> Vec<u8> {
        let mut bytes = vec![0, 0, 8, 3];
        for d in [count, rows, cols] {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes.extend((0..payload).map(|i| i as u8));
        bytes
    }

    #[test]
    fn reads_a_hand_made_image_file() {
        let images = parse_idx_images(&images_file(2, 2, 3, 12), "x").unwrap();
        assert_eq!((images.count, images.rows, images.cols), (2, 2, 3));
        assert_eq!(images.image(1), &[6, 7, 8, 9, 10, 11]);
    }

    #[test]
    fn a_truncated_image_file_is_an_error_naming_the_sizes() {
        let error = parse_idx_images(&images_file(2, 2, 3, 11), "f.idx").unwrap_err();
        assert!(matches!(
            error,
            DataError::Truncated {
                expected: 28,
                found: 27,
                ..
            }
        ));
        assert_eq!(
            error.to_string(),
            "f.idx: truncated: 28 bytes expected, 27 found"
        );
        assert!(matches!(
            parse_idx_images(&[0, 0, 8, 3, 0, 0], "f").unwrap_err(),
            DataError::Truncated { .. }
        ));
    }

    #[test]
    fn a_wrong_magic_number_is_an_error() {
        let labels = [0, 0, 8, 1, 0, 0, 0, 1, 5];
        let error = parse_idx_images(&labels, "l.idx").unwrap_err();
        assert!(matches!(
            error,
            DataError::BadMagic {
                found: 2049,
                expected: 2051,
                ..
            }
        ));
        assert!(
            error
                .to_string()
                .starts_with("l.idx: wrong magic number 2049")
        );
        assert_eq!(parse_idx_labels(&labels, "l").unwrap(), vec![5]);
        assert!(matches!(
            parse_idx_labels(&[0, 0, 8, 1, 0, 0, 0, 3, 5], "l").unwrap_err(),
            DataError::Truncated {
                expected: 11,
                found: 9,
                ..
            }
        ));
    }

    #[test]
    fn gzip_is_detected_by_its_magic_bytes() {
        use std::io::Write;
        let raw = images_file(1, 1, 2, 2);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&raw).unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(gunzip_if_needed(compressed, "g").unwrap(), raw);
        assert_eq!(gunzip_if_needed(raw.clone(), "g").unwrap(), raw);
        let error = gunzip_if_needed(vec![0x1f, 0x8b, 1, 2, 3], "bad.gz").unwrap_err();
        assert!(error.to_string().starts_with("bad.gz: cannot read"));
    }
}
