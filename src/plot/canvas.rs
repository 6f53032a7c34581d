//! The drawing backend of every plot: PNG (plotters' bitmap backend) or SVG (plotters' SVG
//! backend), chosen by the file's extension, so one drawing routine writes either.
//!
//! In an SVG, text stays text. So that it does not depend on the fonts of the viewer's system,
//! the SVG carries the embedded DejaVu Sans fonts of the PNGs as base64 `@font-face` rules (the
//! bold face only when some text is bold), under a family name of its own; layout (text widths,
//! legends) is computed with the same fonts as for the PNGs.

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

use super::style::{FAMILY, FONT_BOLD, FONT_REGULAR};

/// The font family of the SVG text elements (defined by the embedded `@font-face` rules).
pub(crate) const SVG_FAMILY: &str = "kizuna-dejavu-sans";

thread_local! {
    /// The extension of the images being drawn on this thread (`png` or `svg`): set by
    /// [`with_image_ext`] around one pass of the plot routines, which name their files with it.
    static IMAGE_EXT: std::cell::Cell<&'static str> = const { std::cell::Cell::new("png") };
}

/// The extension of the images being drawn (`png` unless inside [`with_image_ext`]).
pub(crate) fn image_ext() -> &'static str {
    IMAGE_EXT.with(|e| e.get())
}

/// Runs `f` with images named `*.{ext}` (and so drawn as PNG or SVG), then restores the previous
/// extension.
pub(crate) fn with_image_ext<R>(ext: &'static str, f: impl FnOnce() -> R) -> R {
    let previous = IMAGE_EXT.with(|e| e.replace(ext));
    let out = f();
    IMAGE_EXT.with(|e| e.set(previous));
    out
}

/// A backend error, as text (the two backends have different error types).
#[derive(Debug)]
pub struct CanvasError(String);

impl fmt::Display for CanvasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for CanvasError {}

fn map<E: Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<CanvasError> {
    match e {
        DrawingErrorKind::DrawingError(e) => {
            DrawingErrorKind::DrawingError(CanvasError(e.to_string()))
        }
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// A PNG or SVG image being drawn.
pub enum Canvas<'a> {
    Png(BitMapBackend<'a>),
    Svg(SVGBackend<'a>, PathBuf),
}

impl<'a> Canvas<'a> {
    /// An SVG canvas when `path` ends in `.svg`, else a PNG one.
    pub fn new<T: AsRef<Path> + ?Sized>(path: &'a T, size: (u32, u32)) -> Canvas<'a> {
        let p = path.as_ref();
        if p.extension().is_some_and(|e| e == "svg") {
            Canvas::Svg(SVGBackend::new(p, size), p.to_path_buf())
        } else {
            Canvas::Png(BitMapBackend::new(p, size))
        }
    }
}

/// Embeds the fonts into a written SVG document.
pub(crate) fn embed_fonts(svg: &str) -> String {
    let family = format!("font-family=\"{FAMILY}\"");
    let body = svg.replace(&family, &format!("font-family=\"{SVG_FAMILY}\""));
    let mut style = format!(
        "<defs><style>@font-face{{font-family:\"{SVG_FAMILY}\";font-weight:normal;src:url(data:font/ttf;base64,{})}}",
        crate::brief::base64(FONT_REGULAR)
    );
    if body.contains("font-weight=\"bold\"") {
        style.push_str(&format!(
            "@font-face{{font-family:\"{SVG_FAMILY}\";font-weight:bold;src:url(data:font/ttf;base64,{})}}",
            crate::brief::base64(FONT_BOLD)
        ));
    }
    style.push_str("</style></defs>\n");
    // After the opening <svg ...> tag.
    match body
        .find("<svg")
        .and_then(|i| body[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => {
            let (head, tail) = body.split_at(at);
            format!("{head}\n{style}{}", tail.trim_start_matches('\n'))
        }
        None => body,
    }
}

macro_rules! both {
    ($self:ident, $b:ident => $e:expr) => {
        match $self {
            Canvas::Png($b) => $e.map_err(map),
            Canvas::Svg($b, _) => $e.map_err(map),
        }
    };
}

impl DrawingBackend for Canvas<'_> {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Canvas::Png(b) => b.get_size(),
            Canvas::Svg(b, _) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        match self {
            Canvas::Png(b) => b.present().map_err(map),
            Canvas::Svg(b, path) => {
                b.present().map_err(map)?;
                let io = |e: std::io::Error| {
                    DrawingErrorKind::DrawingError(CanvasError(format!("{}: {e}", path.display())))
                };
                let text = std::fs::read_to_string(&*path).map_err(io)?;
                std::fs::write(&*path, embed_fonts(&text)).map_err(io)
            }
        }
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        both!(self, b => b.blit_bitmap(pos, size, src))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_svg_fonts_replace_the_system_family_and_follow_the_svg_tag() {
        let svg = format!(
            "<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n<text font-family=\"{FAMILY}\">a</text>\n</svg>\n"
        );
        let out = embed_fonts(&svg);
        assert!(out.starts_with("<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n<defs><style>@font-face"));
        assert!(out.contains(&format!("<text font-family=\"{SVG_FAMILY}\">a</text>")));
        assert!(!out.contains(&format!("font-family=\"{FAMILY}\"")));
        assert_eq!(
            out.matches("@font-face").count(),
            1,
            "no bold text, no bold face"
        );
        let bold = embed_fonts(&svg.replace("<text ", "<text font-weight=\"bold\" "));
        assert_eq!(bold.matches("@font-face").count(), 2);
    }
}
