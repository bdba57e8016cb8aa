//! The pixels the mock works on: 8-bit RGB images, decoded from an upload
//! (PNG, JPEG or WebP, told by their magic bytes), resized with a triangle
//! (bilinear) filter and encoded as PNG.
//!
//! The codecs are the ones the `image` crate itself uses (`png`,
//! `zune-jpeg`, `image-webp`), called directly: the mock needs one pixel
//! format and two operations, and `image` was the longest step of a first
//! build (see BENCHMARKS.md).

use std::io::Cursor;

/// The most pixel bytes an upload may decode to (512 MiB, the limit the
/// `image` crate sets by default): a small file that claims a huge picture
/// is refused instead of exhausting memory.
const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// An 8-bit RGB image, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl RgbImage {
    /// An image whose pixel `(x, y)` is `pixel(x, y)`.
    pub fn from_fn(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> RgbImage {
        let mut data = Vec::with_capacity(width as usize * height as usize * 3);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&pixel(x, y));
            }
        }
        RgbImage { width, height, data }
    }

    /// Its width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Its height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixel at `(x, y)`.
    ///
    /// # Panics
    ///
    /// When `(x, y)` is outside the image.
    pub fn get_pixel(&self, x: u32, y: u32) -> [u8; 3] {
        assert!(x < self.width && y < self.height, "({x}, {y}) is outside the image");
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// The pixels, row by row, three bytes each.
    pub fn as_raw(&self) -> &[u8] {
        &self.data
    }

    /// `bytes` of `channels` bytes a pixel (gray, gray and alpha, RGB or
    /// RGBA) as RGB; alpha is dropped.
    fn from_channels(width: u32, height: u32, channels: usize, bytes: &[u8]) -> Result<RgbImage, String> {
        let pixels = width as usize * height as usize;
        if bytes.len() < pixels * channels {
            return Err(format!("{} bytes of pixels for {width} x {height}", bytes.len()));
        }
        let data = match channels {
            3 => bytes[..pixels * 3].to_vec(),
            1 | 2 => bytes
                .chunks_exact(channels)
                .take(pixels)
                .flat_map(|p| [p[0]; 3])
                .collect(),
            4 => bytes
                .chunks_exact(4)
                .take(pixels)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
            other => return Err(format!("{other} channels a pixel")),
        };
        Ok(RgbImage { width, height, data })
    }
}

/// Decodes an upload (PNG, JPEG or WebP, by its magic bytes) to RGB.
pub fn decode(bytes: &[u8]) -> Result<RgbImage, String> {
    let cannot = |e: String| format!("`image_file` cannot be decoded: {e}");
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes).map_err(cannot)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        decode_jpeg(bytes).map_err(cannot)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        decode_webp(bytes).map_err(cannot)
    } else {
        Err(cannot("it is not a PNG, JPEG or WebP file".into()))
    }
}

fn check_size(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err(format!("it is {width} x {height} pixels"));
    }
    if u64::from(width) * u64::from(height) * 4 > MAX_DECODED_BYTES {
        return Err(format!(
            "it is {width} x {height} pixels, more than the mock decodes ({} MiB of pixels)",
            MAX_DECODED_BYTES >> 20
        ));
    }
    Ok(())
}

fn decode_png(bytes: &[u8]) -> Result<RgbImage, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(width, height)?;
    let size = reader.output_buffer_size().ok_or("the image is too large")?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    RgbImage::from_channels(width, height, frame.color_type.samples(), &buf[..frame.buffer_size()])
}

fn decode_jpeg(bytes: &[u8]) -> Result<RgbImage, String> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;

    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| e.to_string())?;
    let (width, height) = decoder.dimensions().ok_or("no dimensions in its header")?;
    let (width, height) = (width as u32, height as u32);
    check_size(width, height)?;
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    RgbImage::from_channels(width, height, 3, &pixels)
}

fn decode_webp(bytes: &[u8]) -> Result<RgbImage, String> {
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let (width, height) = decoder.dimensions();
    check_size(width, height)?;
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let size = decoder.output_buffer_size().ok_or("the image is too large")?;
    let mut buf = vec![0; size];
    decoder.read_image(&mut buf).map_err(|e| e.to_string())?;
    RgbImage::from_channels(width, height, channels, &buf)
}

/// A PNG of `image` (the `image` crate's default settings: balanced
/// compression, adaptive filtering).
pub fn encode_png(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header().expect("a PNG header for a non-empty RGB image");
    writer
        .write_image_data(&image.data)
        .expect("encoding an RGB image into memory does not fail");
    writer.finish().expect("finishing a PNG in memory does not fail");
    out
}

/// `image` scaled to cover `width` x `height` (keeping its aspect ratio),
/// then cropped to it around the centre.
pub fn resize_to_fill(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let ratio = (f64::from(width) / f64::from(image.width)).max(f64::from(height) / f64::from(image.height));
    let scaled = |n: u32| ((f64::from(n) * ratio).round() as u32).max(1);
    let (covering_width, covering_height) = (scaled(image.width).max(width), scaled(image.height).max(height));
    let covering = resize(image, covering_width, covering_height);
    let (left, top) = ((covering_width - width) / 2, (covering_height - height) / 2);
    RgbImage::from_fn(width, height, |x, y| covering.get_pixel(left + x, top + y))
}

/// `image` resized to `width` x `height` with a triangle filter, widened
/// when shrinking so that every source pixel counts.
pub fn resize(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    if (image.width, image.height) == (width, height) {
        return image.clone();
    }
    // Columns first, in floats, then rows, rounded to bytes.
    let rows = weights(image.height, height);
    let mut tall = vec![0f32; image.width as usize * height as usize * 3];
    for (out_y, (first, ws)) in rows.iter().enumerate() {
        for x in 0..image.width as usize {
            for c in 0..3 {
                let sum: f32 = ws
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let y = first + i;
                        w * f32::from(image.data[(y * image.width as usize + x) * 3 + c])
                    })
                    .sum();
                tall[(out_y * image.width as usize + x) * 3 + c] = sum;
            }
        }
    }
    let columns = weights(image.width, width);
    let mut data = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height as usize {
        for (first, ws) in &columns {
            for c in 0..3 {
                let sum: f32 = ws
                    .iter()
                    .enumerate()
                    .map(|(i, w)| w * tall[(y * image.width as usize + first + i) * 3 + c])
                    .sum();
                data.push(sum.clamp(0.0, 255.0).round() as u8);
            }
        }
    }
    RgbImage { width, height, data }
}

/// For each output position along a side of `from` pixels resized to
/// `to`: the first source pixel it reads and the weights of it and the
/// ones after it (summing to 1).
fn weights(from: u32, to: u32) -> Vec<(usize, Vec<f32>)> {
    let ratio = from as f32 / to as f32;
    let spread = ratio.max(1.0);
    (0..to)
        .map(|out| {
            let centre = (out as f32 + 0.5) * ratio;
            let first = ((centre - spread).floor().max(0.0) as u32).min(from - 1);
            let end = ((centre + spread).ceil() as u32).clamp(first + 1, from);
            let mut ws: Vec<f32> = (first..end)
                .map(|i| (1.0 - ((i as f32 - (centre - 0.5)) / spread).abs()).max(0.0))
                .collect();
            let sum: f32 = ws.iter().sum();
            if sum > 0.0 {
                ws.iter_mut().for_each(|w| *w /= sum);
            } else {
                ws = vec![1.0 / ws.len() as f32; ws.len()];
            }
            (first as usize, ws)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn halves(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, _| if x < width / 2 { [255; 3] } else { [0; 3] })
    }

    #[test]
    fn a_png_round_trips() {
        let image = RgbImage::from_fn(5, 3, |x, y| [x as u8 * 50, y as u8 * 80, 7]);
        assert_eq!(decode(&encode_png(&image)).unwrap(), image);
    }

    #[test]
    fn gray_and_alpha_pngs_decode_as_rgb() {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 2, 1);
        encoder.set_color(png::ColorType::GrayscaleAlpha);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[10, 255, 200, 0]).unwrap();
        writer.finish().unwrap();
        let image = decode(&out).unwrap();
        assert_eq!((image.get_pixel(0, 0), image.get_pixel(1, 0)), ([10; 3], [200; 3]));
    }

    #[test]
    fn a_jpeg_and_a_webp_decode() {
        let jpeg = decode(include_bytes!("../testdata/halves.jpg")).unwrap();
        assert_eq!((jpeg.width(), jpeg.height()), (64, 32));
        assert!(
            jpeg.get_pixel(4, 4)[0] > 200 && jpeg.get_pixel(60, 4)[0] < 40,
            "{:?}",
            jpeg.get_pixel(4, 4)
        );
        let source = halves(64, 32);
        let mut webp = Vec::new();
        image_webp::WebPEncoder::new(&mut webp)
            .encode(source.as_raw(), 64, 32, image_webp::ColorType::Rgb8)
            .unwrap();
        assert_eq!(decode(&webp).unwrap(), source, "lossless WebP gives the pixels back");
    }

    #[test]
    fn what_is_not_an_image_is_refused_by_name() {
        for bytes in [
            &b"GIF89a...."[..],
            b"\x89PNG\r\n\x1a\nnot really",
            b"\xFF\xD8\xFFnot a scan",
            b"",
        ] {
            let err = decode(bytes).unwrap_err();
            assert!(err.starts_with("`image_file` cannot be decoded: "), "{err}");
        }
    }

    #[test]
    fn a_huge_claimed_size_is_refused_before_decoding() {
        // A 1 x 1 PNG whose header is rewritten to claim 20000 x 20000.
        let mut out = encode_png(&RgbImage::from_fn(1, 1, |_, _| [0; 3]));
        let ihdr = 8 + 4; // the signature, then the chunk's length
        out[ihdr + 4..ihdr + 8].copy_from_slice(&20_000u32.to_be_bytes());
        out[ihdr + 8..ihdr + 12].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&out[ihdr..ihdr + 4 + 13]);
        out[ihdr + 17..ihdr + 21].copy_from_slice(&crc.to_be_bytes());
        let err = decode(&out).unwrap_err();
        assert!(
            err.contains("20000 x 20000 pixels, more than the mock decodes"),
            "{err}"
        );
    }

    /// The CRC-32 of PNG chunks (ISO 3309).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn resizing_keeps_the_picture() {
        let source = halves(64, 32);
        for (w, h) in [(16, 8), (128, 64), (33, 7)] {
            let out = resize(&source, w, h);
            assert_eq!((out.width(), out.height()), (w, h));
            assert_eq!(out.get_pixel(0, 0), [255; 3], "{w}x{h}");
            assert_eq!(out.get_pixel(w - 1, h - 1), [0; 3], "{w}x{h}");
        }
        let flat = RgbImage::from_fn(10, 10, |_, _| [9, 99, 199]);
        assert!(resize(&flat, 3, 17).as_raw().chunks(3).all(|p| p == [9, 99, 199]));
    }

    #[test]
    fn filling_crops_around_the_centre() {
        // A 4:1 strip, white | red | blue | black, filled into a square:
        // only the two middle quarters remain.
        let strip = RgbImage::from_fn(400, 100, |x, _| match x / 100 {
            0 => [255; 3],
            1 => [255, 0, 0],
            2 => [0, 0, 255],
            _ => [0; 3],
        });
        let square = resize_to_fill(&strip, 50, 50);
        assert_eq!((square.width(), square.height()), (50, 50));
        assert_eq!(square.get_pixel(2, 25), [255, 0, 0]);
        assert_eq!(square.get_pixel(47, 25), [0, 0, 255]);
    }
}
