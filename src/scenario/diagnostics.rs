//! Located error messages for scenario files.
//!
//! A [`Diagnostic`] prints as
//! `scenarios/x.toml:12:7: countries[1].culture.uai: value 140 is out of range; allowed: 0 to 120`
//! (line and column are 1-based and omitted when unknown; the key path is omitted when
//! empty). For unknown keys the allowed list is introduced as `allowed keys:` and follows
//! the did-you-mean question directly:
//! `...: unknown key 'uia'; did you mean 'uai'? allowed keys: pdi, idv, mas, uai, lto, ivr`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::document::ResolvedDocument;
use super::keypath::KeyPathError;

/// One problem found in a scenario, located in a file (or on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in (or a pseudo path such as `<command line: --set a=1>`).
    pub file: PathBuf,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column (in characters), if known.
    pub column: Option<usize>,
    /// The key path the problem is about (`countries[1].culture.uai`), possibly empty.
    pub key_path: String,
    /// What is wrong.
    pub message: String,
    /// What would be accepted (a range, enum values, keys), if known.
    pub allowed: Option<String>,
}

/// Prefix of messages about unknown keys; their `allowed` list is printed as `allowed keys:`.
pub const UNKNOWN_KEY_PREFIX: &str = "unknown key";

impl Diagnostic {
    /// A diagnostic in `file` with no position.
    pub fn new(
        file: impl Into<PathBuf>,
        key_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            key_path: key_path.into(),
            message: message.into(),
            allowed: None,
        }
    }

    /// Set the 1-based line and column.
    pub fn at(mut self, line_col: Option<(usize, usize)>) -> Self {
        self.line = line_col.map(|(l, _)| l);
        self.column = line_col.map(|(_, c)| c);
        self
    }

    /// Set the position from a byte offset into `text` (the text of `self.file`).
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        self.at(Some(line_col(text, offset)))
    }

    /// Set the `allowed` text.
    pub fn with_allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    /// A diagnostic about `key_path`, located where the resolved document defines that key
    /// (or its nearest existing parent; see [`ResolvedDocument::locate`]).
    pub fn located(
        doc: &ResolvedDocument,
        key_path: impl Into<String>,
        message: impl Into<String>,
        allowed: Option<String>,
    ) -> Self {
        let key_path = key_path.into();
        let (file, pos) = doc.locate(&key_path);
        Diagnostic {
            file,
            line: pos.map(|(l, _)| l),
            column: pos.map(|(_, c)| c),
            key_path,
            message: message.into(),
            allowed,
        }
    }

    /// A diagnostic from a key-path error, in `file` with no position.
    pub fn from_key_path_error(file: &Path, e: KeyPathError) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: None,
            column: None,
            key_path: e.path,
            message: e.message,
            allowed: e.allowed,
        }
    }
}

/// 1-based (line, column) of byte `offset` in `text`; the column counts characters.
/// Offsets past the end (or inside a character) are clamped.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        f.write_str(": ")?;
        if !self.key_path.is_empty() {
            write!(f, "{}: ", self.key_path)?;
        }
        f.write_str(&self.message)?;
        if let Some(allowed) = &self.allowed {
            let label = if self.message.starts_with(UNKNOWN_KEY_PREFIX) {
                "allowed keys"
            } else {
                "allowed"
            };
            let sep = if self.message.ends_with('?') || self.message.ends_with('.') {
                " "
            } else {
                "; "
            };
            write!(f, "{sep}{label}: {allowed}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every problem found, printed one per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// A single diagnostic.
    pub fn one(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }

    /// True if there are no diagnostics.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_diagnostic_prints_file_line_col_path_message_allowed() {
        let d = Diagnostic::new(
            "scenarios/x.toml",
            "countries[1].culture.uai",
            "value 140 is out of range",
        )
        .at(Some((12, 7)))
        .with_allowed("0 to 120");
        assert_eq!(
            d.to_string(),
            "scenarios/x.toml:12:7: countries[1].culture.uai: value 140 is out of range; allowed: 0 to 120"
        );
    }

    #[test]
    fn unknown_key_diagnostic_prints_suggestion_then_allowed_keys() {
        let d = Diagnostic::new(
            "scenarios/x.toml",
            "countries[1].culture.uia",
            "unknown key 'uia'; did you mean 'uai'?",
        )
        .at(Some((3, 1)))
        .with_allowed("pdi, idv, mas, uai, lto, ivr");
        assert_eq!(
            d.to_string(),
            "scenarios/x.toml:3:1: countries[1].culture.uia: unknown key 'uia'; did you mean 'uai'? allowed keys: pdi, idv, mas, uai, lto, ivr"
        );
    }

    #[test]
    fn diagnostics_print_one_per_line_and_omit_unknown_position() {
        let ds = Diagnostics(vec![
            Diagnostic::new("a.toml", "", "empty scenario file"),
            Diagnostic::new("b.toml", "x", "bad").at(Some((1, 2))),
        ]);
        assert_eq!(
            ds.to_string(),
            "a.toml: empty scenario file\nb.toml:1:2: x: bad"
        );
    }

    #[test]
    fn line_col_is_one_based_and_counts_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // byte 9 is after "bé" (é is two bytes) -> column 3
        assert_eq!(line_col(text, 9), (2, 3));
        assert_eq!(line_col(text, 10_000), (3, 1));
    }
}
