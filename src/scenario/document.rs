//! Reading scenario files: `extends`, merging, `--set` overrides and locating keys.
//!
//! Merge rules (the extending file overrides its base):
//!
//! * tables merge recursively;
//! * scalars, plain arrays and inline arrays of mixed content are replaced whole;
//! * arrays of tables whose elements *all* have a `code` or `id` key (in both files) are
//!   merged element-wise by that key: matching elements merge recursively, new ones are
//!   appended in the extending file's order, base elements keep their position;
//! * other arrays of tables are replaced whole (so `countries = []` clears the list);
//! * the `extends` key itself is removed from the resolved table.
//!
//! `extends = "other.toml"` is resolved relative to the directory of the extending file;
//! if there is no such file, the `builtin` lookup is asked for the name and its text is
//! used as the built-in file `<builtin>/name` (a built-in file's own `extends` is looked up
//! among the built-ins only).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::diagnostics::{Diagnostic, Diagnostics, line_col};
use super::keypath::{self, KeyPath, Segment};

/// One file of the `extends` chain, with its text (kept to locate keys later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as found (joined onto the extending file's directory), or `<builtin>/name`.
    pub path: PathBuf,
    /// The file's full text.
    pub text: String,
}

/// A canonical step used to match paths across files: an element of an array is known by
/// its position in the resolved table and, when it has one, its `code`/`id`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Loc {
    Key(String),
    Elem {
        index: Option<usize>,
        code: Option<String>,
    },
}

impl Loc {
    fn matches(&self, other: &Loc) -> bool {
        match (self, other) {
            (Loc::Key(a), Loc::Key(b)) => a == b,
            (
                Loc::Elem {
                    index: ia,
                    code: ca,
                },
                Loc::Elem {
                    index: ib,
                    code: cb,
                },
            ) => match (ca, cb) {
                (Some(a), Some(b)) => a == b,
                _ => ia.is_some() && ia == ib,
            },
            _ => false,
        }
    }
}

/// A `--set` override applied to the document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Override {
    locs: Vec<Loc>,
    assignment: String,
}

/// A scenario file with everything it extends merged in, plus command-line overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedDocument {
    /// The merged table (without `extends`).
    pub table: toml::Table,
    /// The files read: the root first, then the file it extends, and so on.
    pub sources: Vec<SourceFile>,
    overrides: Vec<Override>,
    parsed: ParsedSources,
}

/// The sources parsed once for [`ResolvedDocument::locate`], with their line starts: parsing
/// (and counting lines) per located key made reporting N unknown keys quadratic. A clone starts
/// empty; it never affects equality.
#[derive(Default)]
struct ParsedSources(std::sync::OnceLock<Vec<ParsedSource>>);

struct ParsedSource {
    doc: Option<toml_edit::Document<String>>,
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
}

impl ParsedSource {
    fn new(text: &str) -> ParsedSource {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        ParsedSource {
            doc: toml_edit::Document::parse(text.to_string()).ok(),
            line_starts,
        }
    }

    /// Same as [`line_col`], in O(log lines + line length).
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }
}

impl Clone for ParsedSources {
    fn clone(&self) -> Self {
        ParsedSources::default()
    }
}

impl PartialEq for ParsedSources {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ParsedSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParsedSources")
    }
}

/// Label used as the "file" of a `--set` override.
pub fn command_line_label(assignment: &str) -> PathBuf {
    PathBuf::from(format!("<command line: --set {assignment}>"))
}

const BUILTIN_PREFIX: &str = "<builtin>";

fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("{BUILTIN_PREFIX}/{name}"))
}

fn is_builtin_path(p: &Path) -> bool {
    p.starts_with(BUILTIN_PREFIX)
}

/// Read `path`, follow its `extends` chain and merge (see the module documentation).
///
/// Errors (each as a located [`Diagnostic`]): unreadable file, TOML syntax error (with line
/// and column), empty file, `extends` that is not a string or names no file/built-in, and
/// circular `extends` (the message lists the chain `a.toml -> b.toml -> a.toml`).
pub fn resolve(
    path: &Path,
    builtin: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<ResolvedDocument, Diagnostics> {
    let text = read_text(path)?;
    resolve_source(
        SourceFile {
            path: path.to_path_buf(),
            text,
        },
        builtin,
    )
}

/// Like [`resolve`], for a root file whose text is already in memory (its `extends` are
/// still resolved relative to `root.path`'s directory).
pub fn resolve_source(
    root: SourceFile,
    builtin: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<ResolvedDocument, Diagnostics> {
    let mut sources: Vec<SourceFile> = Vec::new();
    let mut tables: Vec<toml::Table> = Vec::new();
    // Identities (canonical paths) of the chain so far, for cycle detection.
    let mut identities: Vec<PathBuf> = Vec::new();
    let mut current = root;
    loop {
        let identity = if is_builtin_path(&current.path) {
            current.path.clone()
        } else {
            std::fs::canonicalize(&current.path).unwrap_or_else(|_| current.path.clone())
        };
        let mut table = parse_file(&current)?;
        let extends = table.remove("extends");
        identities.push(identity);
        sources.push(current);
        tables.push(table);
        let Some(extends) = extends else { break };
        let Some(last) = sources.last() else { break };
        let here = last.path.clone();
        let locate_extends = || {
            let d = Diagnostic::new(&here, "extends", "");
            match extends_span(&last.text) {
                Some(off) => d.at_offset(&last.text, off),
                None => d,
            }
        };
        let toml::Value::String(name) = extends else {
            let mut d = locate_extends();
            d.message = format!(
                "'extends' must be a file name string, found {}",
                extends.type_str()
            );
            return Err(d.into());
        };
        let next = find_extended(&here, &name, builtin)?.ok_or_else(|| {
            let mut d = locate_extends();
            let dir = here
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            d.message = if is_builtin_path(&here) {
                format!("extended file '{name}' is not a built-in scenario")
            } else {
                format!(
                    "extended file '{name}' not found (looked in '{}' and among the built-in scenarios)",
                    if dir.is_empty() { "." } else { &dir }
                )
            };
            Diagnostics::one(d)
        })?;
        let next_identity = if is_builtin_path(&next.path) {
            next.path.clone()
        } else {
            std::fs::canonicalize(&next.path).unwrap_or_else(|_| next.path.clone())
        };
        if let Some(start) = identities.iter().position(|i| *i == next_identity) {
            let mut chain: Vec<String> = sources[start..]
                .iter()
                .map(|s| s.path.display().to_string())
                .collect();
            chain.push(next.path.display().to_string());
            let mut d = locate_extends();
            d.message = format!("circular extends: {}", chain.join(" -> "));
            return Err(d.into());
        }
        current = next;
    }
    // Merge from the most basic file up to the root.
    let mut merged = toml::Table::new();
    for t in tables.into_iter().rev() {
        merge_tables(&mut merged, t);
    }
    Ok(ResolvedDocument {
        table: merged,
        sources,
        overrides: Vec::new(),
        parsed: ParsedSources::default(),
    })
}

/// Reads a scenario file as UTF-8; a file that is not says so, with the byte offset.
pub fn read_text(path: &Path) -> Result<String, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics::one(Diagnostic::new(
            path,
            "",
            format!("cannot read scenario file: {e}"),
        ))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        Diagnostics::one(
            Diagnostic::new(
                path,
                "",
                format!("the file is not UTF-8 text: invalid byte at offset {offset}"),
            )
            .at_offset(&text, offset)
            .with_allowed("UTF-8 text (a leading byte-order mark is accepted)"),
        )
    })
}

/// A local file wins over a built-in of the same name: one that exists but cannot be read is an
/// error, never a silent switch to the built-in.
fn find_extended(
    from: &Path,
    name: &str,
    builtin: &dyn Fn(&str) -> Option<&'static str>,
) -> Result<Option<SourceFile>, Diagnostics> {
    if !is_builtin_path(from) {
        let dir = from.parent().unwrap_or_else(|| Path::new(""));
        let candidate = dir.join(name);
        if candidate.is_file() {
            let text = read_text(&candidate)?;
            return Ok(Some(SourceFile {
                path: candidate,
                text,
            }));
        }
    }
    Ok(builtin(name).map(|text| SourceFile {
        path: builtin_path(name),
        text: text.to_string(),
    }))
}

/// Byte offset of the top-level `extends` key in `text`, if it can be found.
fn extends_span(text: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let (key, item) = doc.as_table().get_key_value("extends")?;
    key.span().or_else(|| item.span()).map(|r| r.start)
}

fn parse_file(src: &SourceFile) -> Result<toml::Table, Diagnostics> {
    if src.text.trim().is_empty() {
        return Err(Diagnostic::new(
            &src.path,
            "",
            "empty scenario file (expected TOML keys such as `extends = \"base.toml\"` or tables)",
        )
        .into());
    }
    let table = src.text.parse::<toml::Table>().map_err(|e| {
        let d = Diagnostic::new(
            &src.path,
            "",
            format!("TOML syntax error: {}", e.message().trim()),
        );
        let d = match e.span() {
            Some(span) => d.at_offset(&src.text, span.start),
            // The parser's recursion limit comes without a position: point at the most deeply
            // nested line instead.
            None => match deepest_line(&src.text) {
                Some(line) => {
                    let mut d = d.at(Some((line, 1)));
                    d.message = "TOML nested too deeply (the parser's recursion limit)".into();
                    d.with_allowed("keys nested at most a few dozen levels")
                }
                None => d,
            },
        };
        Diagnostics::one(d)
    })?;
    if table.is_empty() {
        return Err(Diagnostic::new(
            &src.path,
            "",
            "empty scenario file (it contains only comments)",
        )
        .into());
    }
    Ok(table)
}

/// 1-based line with the most nesting characters (`.`, `[`, `{` outside strings and comments).
fn deepest_line(text: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let mut depth = 0;
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (None, '#') => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '.' | '[' | '{') => depth += 1,
                _ => {}
            }
        }
        if depth > 0 && best.is_none_or(|(d, _)| depth > d) {
            best = Some((depth, i + 1));
        }
    }
    best.map(|(_, l)| l)
}

/// The `code`/`id` of every element, if all elements are tables that have one.
fn element_keys(arr: &[toml::Value]) -> Option<Vec<String>> {
    if arr.is_empty() {
        return None;
    }
    arr.iter().map(keypath::element_code).collect()
}

/// Merge `over` into `base` (`over` wins; see the module documentation).
pub fn merge_tables(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_tables(b, o),
            (Some(toml::Value::Array(b)), toml::Value::Array(o))
                if element_keys(b).is_some() && element_keys(&o).is_some() =>
            {
                merge_keyed_arrays(b, o)
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn merge_keyed_arrays(base: &mut Vec<toml::Value>, over: Vec<toml::Value>) {
    for elem in over {
        let code = keypath::element_code(&elem);
        let pos = base
            .iter()
            .position(|b| code.is_some() && keypath::element_code(b) == code);
        match (pos, elem) {
            (Some(i), toml::Value::Table(o)) => {
                if let Some(toml::Value::Table(b)) = base.get_mut(i) {
                    merge_tables(b, o);
                }
            }
            (_, elem) => base.push(elem),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Locating keys in the source texts.

enum Node<'a> {
    Table(&'a toml_edit::Table),
    Inline(&'a toml_edit::InlineTable),
    Aot(&'a toml_edit::ArrayOfTables),
    Array(&'a toml_edit::Array),
    Leaf,
}

fn node_of_item(item: &toml_edit::Item) -> Node<'_> {
    match item {
        toml_edit::Item::Table(t) => Node::Table(t),
        toml_edit::Item::ArrayOfTables(a) => Node::Aot(a),
        toml_edit::Item::Value(v) => node_of_value(v),
        toml_edit::Item::None => Node::Leaf,
    }
}

fn node_of_value(v: &toml_edit::Value) -> Node<'_> {
    match v {
        toml_edit::Value::InlineTable(t) => Node::Inline(t),
        toml_edit::Value::Array(a) => Node::Array(a),
        _ => Node::Leaf,
    }
}

fn edit_code(t: &dyn toml_edit::TableLike) -> Option<String> {
    let item = t.get("code").or_else(|| t.get("id"))?;
    if let Some(s) = item.as_str() {
        Some(s.to_string())
    } else {
        item.as_integer().map(|i| i.to_string())
    }
}

/// Whether a node replaces (rather than merges into) what a base file defines there.
fn node_replaces(node: &Node<'_>) -> bool {
    match node {
        Node::Table(_) | Node::Inline(_) => false,
        Node::Aot(a) => !a.iter().all(|t| edit_code(t).is_some()) || a.is_empty(),
        Node::Array(a) => {
            a.is_empty()
                || !a.iter().all(|v| {
                    v.as_inline_table()
                        .is_some_and(|t| edit_code(t as &dyn toml_edit::TableLike).is_some())
                })
        }
        Node::Leaf => true,
    }
}

/// Walk `locs` in one parsed file. Returns (matched depth, byte offset of the deepest
/// matched key or element, whether this file replaces the base files at that point).
fn walk_file(root: &toml_edit::Table, locs: &[Loc]) -> (usize, Option<usize>, bool) {
    let mut node = Node::Table(root);
    let mut depth = 0;
    let mut offset = None;
    let mut replaced = false;
    for loc in locs {
        let next: Option<(Node<'_>, Option<usize>)> = match (&node, loc) {
            (Node::Table(t), Loc::Key(k)) => t
                .get_key_value(k)
                .map(|(key, item)| (node_of_item(item), span_start(key.span(), item.span()))),
            (Node::Inline(t), Loc::Key(k)) => t
                .get_key_value(k)
                .map(|(key, item)| (node_of_item(item), span_start(key.span(), item.span()))),
            (Node::Aot(a), Loc::Elem { index, code }) => {
                // The element at the same index if it has the code (so a duplicate code is
                // located at the duplicate), else the first with the code.
                let found = match code {
                    Some(c) => index
                        .and_then(|i| a.get(i))
                        .filter(|t| edit_code(*t).as_deref() == Some(c.as_str()))
                        .or_else(|| {
                            a.iter()
                                .find(|t| edit_code(*t).as_deref() == Some(c.as_str()))
                        }),
                    None => index.and_then(|i| a.get(i)),
                };
                found.map(|t| (Node::Table(t), t.span().map(|r| r.start)))
            }
            (Node::Array(a), Loc::Elem { index, code }) => {
                let has_code = |v: &&toml_edit::Value| {
                    v.as_inline_table().is_some_and(|t| {
                        edit_code(t as &dyn toml_edit::TableLike).as_deref() == Some(c_str(code))
                    })
                };
                let found = match code {
                    Some(_) => index
                        .and_then(|i| a.get(i))
                        .filter(has_code)
                        .or_else(|| a.iter().find(has_code)),
                    None => index.and_then(|i| a.get(i)),
                };
                found.map(|v| (node_of_value(v), v.span().map(|r| r.start)))
            }
            _ => None,
        };
        let Some((n, off)) = next else { break };
        depth += 1;
        if off.is_some() {
            offset = off;
        }
        // A replacing node hides the base files below it, but this file is still walked down
        // (an array of tables without codes, e.g. `events`, is located element by element).
        replaced |= node_replaces(&n);
        node = n;
    }
    (depth, offset, replaced)
}

fn c_str(code: &Option<String>) -> &str {
    code.as_deref().unwrap_or("")
}

fn span_start(
    key: Option<std::ops::Range<usize>>,
    item: Option<std::ops::Range<usize>>,
) -> Option<usize> {
    key.or(item).map(|r| r.start)
}

impl ResolvedDocument {
    /// The root (most-derived) file's path.
    pub fn root_path(&self) -> PathBuf {
        self.sources
            .first()
            .map(|s| s.path.clone())
            .unwrap_or_default()
    }

    /// The canonical locators of `path` against the resolved table.
    fn locators(&self, path: &KeyPath) -> Vec<Loc> {
        let mut out = Vec::with_capacity(path.0.len());
        let mut current: Option<&toml::Value> = None;
        let mut lost = false;
        for seg in &path.0 {
            match seg {
                Segment::Key(k) => {
                    out.push(Loc::Key(k.clone()));
                    if !lost {
                        let next = match current {
                            None => self.table.get(k),
                            Some(toml::Value::Table(t)) => t.get(k),
                            _ => None,
                        };
                        match next {
                            Some(v) => current = Some(v),
                            None => lost = true,
                        }
                    }
                }
                Segment::Index(_) | Segment::Select(_) => {
                    let arr = if lost {
                        None
                    } else {
                        match current {
                            Some(toml::Value::Array(a)) => Some(a),
                            _ => None,
                        }
                    };
                    let found = arr.and_then(|a| {
                        let i = match seg {
                            Segment::Index(i) => (*i < a.len()).then_some(*i),
                            Segment::Select(c) => a.iter().position(|e| {
                                keypath::element_code(e).as_deref() == Some(c.as_str())
                            }),
                            Segment::Key(_) => None,
                        }?;
                        Some((i, a.get(i)?))
                    });
                    match found {
                        Some((i, v)) => {
                            out.push(Loc::Elem {
                                index: Some(i),
                                code: keypath::element_code(v),
                            });
                            current = Some(v);
                        }
                        None => {
                            lost = true;
                            out.push(match seg {
                                Segment::Index(i) => Loc::Elem {
                                    index: Some(*i),
                                    code: None,
                                },
                                Segment::Select(c) => Loc::Elem {
                                    index: None,
                                    code: Some(c.clone()),
                                },
                                Segment::Key(_) => Loc::Elem {
                                    index: None,
                                    code: None,
                                },
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// Where `key_path` (or its nearest existing parent) is defined: the file, and the
    /// 1-based line and column of its key (or array element). The most-derived file that
    /// defines the deepest part of the path wins. Paths set with [`apply_set`] (or below
    /// them) are located on the command line: `<command line: --set key=value>`, no position.
    /// An unparsable path or one not found anywhere gives the root file and no position.
    ///
    /// [`apply_set`]: ResolvedDocument::apply_set
    pub fn locate(&self, key_path: &str) -> (PathBuf, Option<(usize, usize)>) {
        let root = self.root_path();
        let path = if key_path.trim().is_empty() {
            KeyPath::root()
        } else {
            match KeyPath::parse(key_path) {
                Ok(p) => p,
                Err(_) => return (root, None),
            }
        };
        let locs = self.locators(&path);
        for ov in self.overrides.iter().rev() {
            if ov.locs.len() <= locs.len() && ov.locs.iter().zip(&locs).all(|(a, b)| a.matches(b)) {
                return (command_line_label(&ov.assignment), None);
            }
        }
        // (depth, file index, byte offset)
        let mut best: Option<(usize, usize, usize)> = None;
        let parsed = self.parsed.0.get_or_init(|| {
            self.sources
                .iter()
                .map(|s| ParsedSource::new(&s.text))
                .collect()
        });
        for (i, p) in parsed.iter().enumerate() {
            let Some(doc) = &p.doc else {
                continue;
            };
            let (depth, offset, replaces) = walk_file(doc.as_table(), &locs);
            if let Some(off) = offset
                && depth > 0
                && best.is_none_or(|(d, _, _)| depth > d)
            {
                best = Some((depth, i, off));
            }
            if replaces {
                break;
            }
        }
        // A key that no file defines but a `--set` created (`--set nope.key=1` → `nope`).
        let defined = best.is_some_and(|(d, _, _)| d >= locs.len());
        if !defined {
            for ov in self.overrides.iter().rev() {
                if ov.locs.len() > locs.len()
                    && locs.iter().zip(&ov.locs).all(|(a, b)| b.matches(a))
                {
                    return (command_line_label(&ov.assignment), None);
                }
            }
        }
        match best {
            Some((_, i, off)) => match self.sources.get(i) {
                Some(src) => (
                    src.path.clone(),
                    Some(match parsed.get(i) {
                        Some(p) => p.line_col(&src.text, off),
                        None => line_col(&src.text, off),
                    }),
                ),
                None => (root, None),
            },
            None => (root, None),
        }
    }

    /// Apply a `--set key.path=value` override (the value is parsed by
    /// [`keypath::parse_value`]). Later [`locate`] calls for that path (or below it) return
    /// the command line. On error the document is unchanged.
    ///
    /// [`locate`]: ResolvedDocument::locate
    pub fn apply_set(&mut self, assignment: &str) -> Result<(), Diagnostics> {
        let label = command_line_label(assignment);
        let (path, value) = keypath::parse_assignment(assignment)
            .map_err(|e| Diagnostics::one(Diagnostic::from_key_path_error(&label, e)))?;
        if path.0.first() == Some(&Segment::Key("extends".into())) {
            return Err(Diagnostic::new(
                &label,
                "extends",
                "'extends' cannot be set on the command line",
            )
            .into());
        }
        let mut table = self.table.clone();
        keypath::set(&mut table, &path, value)
            .map_err(|e| Diagnostics::one(Diagnostic::from_key_path_error(&label, e)))?;
        self.table = table;
        let locs = self.locators(&path);
        self.overrides.push(Override {
            locs,
            assignment: assignment.to_string(),
        });
        Ok(())
    }

    /// The `--set` assignments applied so far, in order.
    pub fn overrides(&self) -> Vec<&str> {
        self.overrides
            .iter()
            .map(|o| o.assignment.as_str())
            .collect()
    }

    /// The resolved scenario as TOML text. Deterministic: keys are sorted.
    pub fn to_toml_string(&self) -> String {
        toml::to_string(&self.table)
            .unwrap_or_else(|e| format!("# cannot write the resolved scenario as TOML: {e}\n"))
    }

    /// Lower-case hex SHA-256 of [`to_toml_string`](ResolvedDocument::to_toml_string).
    pub fn sha256_hex(&self) -> String {
        let digest = Sha256::digest(self.to_toml_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn no_builtin(_: &str) -> Option<&'static str> {
        None
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, text).expect("write temp file");
        p
    }

    const BASE: &str = r#"# base scenario
name = "base"
[horizon]
start = "1992Q1"
end = "2020Q4"

[[countries]]
code = "JPN"
[countries.culture]
pdi = 54
uai = 92

[[countries]]
code = "VNM"
[countries.culture]
pdi = 70
uai = 30

[[shocks]]
kind = "flood"
year = 2000
"#;

    const VARIANT: &str = r#"extends = "base.toml"
name = "variant"

[[countries]]
code = "VNM"
culture.uai = 45

[[countries]]
code = "THA"
[countries.culture]
pdi = 64
uai = 64

[[shocks]]
kind = "pandemic"
year = 2020
"#;

    #[test]
    fn extends_chain_merges_arrays_of_tables_by_code() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base.toml", BASE);
        let v = write(dir.path(), "variant.toml", VARIANT);
        let doc = resolve(&v, &no_builtin).unwrap();
        assert!(!doc.table.contains_key("extends"));
        assert_eq!(doc.table["name"].as_str(), Some("variant"));
        assert_eq!(doc.table["horizon"]["end"].as_str(), Some("2020Q4"));
        let countries = doc.table["countries"].as_array().unwrap();
        let codes: Vec<_> = countries
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["JPN", "VNM", "THA"]);
        // VNM: uai overridden, pdi kept from the base.
        assert_eq!(countries[1]["culture"]["uai"].as_integer(), Some(45));
        assert_eq!(countries[1]["culture"]["pdi"].as_integer(), Some(70));
        // Arrays of tables without code/id are replaced whole.
        let shocks = doc.table["shocks"].as_array().unwrap();
        assert_eq!(shocks.len(), 1);
        assert_eq!(shocks[0]["kind"].as_str(), Some("pandemic"));
        assert_eq!(doc.sources.len(), 2);
        assert_eq!(doc.sources[0].path, v);
    }

    #[test]
    fn three_level_chain_and_builtin_base() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "mid.toml",
            "extends = \"core.toml\"\n[horizon]\nend = \"2030Q4\"\n",
        );
        let top = write(
            dir.path(),
            "top.toml",
            "extends = \"mid.toml\"\nname = \"top\"\n",
        );
        let builtin = |name: &str| -> Option<&'static str> {
            (name == "core.toml")
                .then_some("name = \"core\"\n[horizon]\nstart = \"1990Q1\"\nend = \"2000Q1\"\n")
        };
        let doc = resolve(&top, &builtin).unwrap();
        assert_eq!(doc.table["name"].as_str(), Some("top"));
        assert_eq!(doc.table["horizon"]["start"].as_str(), Some("1990Q1"));
        assert_eq!(doc.table["horizon"]["end"].as_str(), Some("2030Q4"));
        assert_eq!(doc.sources[2].path, PathBuf::from("<builtin>/core.toml"));
        let (file, pos) = doc.locate("horizon.start");
        assert_eq!(file, PathBuf::from("<builtin>/core.toml"));
        assert_eq!(pos, Some((3, 1)));
    }

    #[test]
    fn circular_extends_lists_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.toml", "extends = \"b.toml\"\nx = 1\n");
        write(dir.path(), "b.toml", "y = 2\nextends = \"a.toml\"\n");
        let err = resolve(&a, &no_builtin).unwrap_err();
        assert_eq!(err.0.len(), 1);
        let msg = err.to_string();
        let a_s = a.display().to_string();
        let b_s = dir.path().join("b.toml").display().to_string();
        assert!(
            msg.contains(&format!("circular extends: {a_s} -> {b_s} -> {a_s}")),
            "{msg}"
        );
        assert_eq!(err.0[0].line, Some(2), "located at b.toml's extends key");
    }

    #[test]
    fn self_extends_is_circular() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.toml", "extends = \"a.toml\"\n");
        let err = resolve(&a, &no_builtin).unwrap_err();
        assert!(err.to_string().contains("circular extends"), "{err}");
    }

    #[test]
    fn empty_file_is_a_clear_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let e = write(dir.path(), "empty.toml", "  \n\n");
        let err = resolve(&e, &no_builtin).unwrap_err();
        assert!(err.to_string().contains("empty scenario file"), "{err}");
        let c = write(dir.path(), "comments.toml", "# nothing here\n");
        let err = resolve(&c, &no_builtin).unwrap_err();
        assert!(err.to_string().contains("empty scenario file"), "{err}");
    }

    #[test]
    fn syntax_error_reports_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "bad.toml", "a = 1\nb = 2\nc = = 3\n");
        let err = resolve(&p, &no_builtin).unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.file, p);
        assert_eq!(d.line, Some(3));
        assert!(d.column.is_some());
        assert!(d.message.starts_with("TOML syntax error"), "{}", d.message);
    }

    #[test]
    fn missing_file_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope.toml");
        let err = resolve(&p, &no_builtin).unwrap_err();
        assert_eq!(err.0[0].file, p);
        assert!(
            err.to_string().contains("cannot read scenario file"),
            "{err}"
        );
    }

    #[test]
    fn missing_extended_file_is_located_at_extends_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "v.toml", "# c\nextends = \"gone.toml\"\n");
        let err = resolve(&p, &no_builtin).unwrap_err();
        assert_eq!(err.0[0].line, Some(2));
        assert!(err.to_string().contains("'gone.toml' not found"), "{err}");
    }

    #[test]
    fn non_string_extends_is_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "v.toml", "extends = 3\n");
        let err = resolve(&p, &no_builtin).unwrap_err();
        assert!(
            err.to_string().contains("must be a file name string"),
            "{err}"
        );
    }

    #[test]
    fn locate_prefers_most_derived_file_and_maps_elements_by_code() {
        let dir = tempfile::tempdir().unwrap();
        let base = write(dir.path(), "base.toml", BASE);
        let v = write(dir.path(), "variant.toml", VARIANT);
        let doc = resolve(&v, &no_builtin).unwrap();
        // VNM's uai is set in the variant (dotted key `culture.uai` on line 6, `uai` at column 9).
        assert_eq!(
            doc.locate("countries[VNM].culture.uai"),
            (v.clone(), Some((6, 9)))
        );
        assert_eq!(
            doc.locate("countries[1].culture.uai"),
            (v.clone(), Some((6, 9)))
        );
        // VNM's pdi only in the base (line 16), JPN only in the base.
        assert_eq!(
            doc.locate("countries[1].culture.pdi"),
            (base.clone(), Some((16, 1)))
        );
        assert_eq!(
            doc.locate("countries[JPN].culture.uai"),
            (base.clone(), Some((11, 1)))
        );
        // THA only in the variant.
        assert_eq!(doc.locate("countries[2].culture.pdi").0, v);
        // Missing key: nearest existing parent.
        let (f, pos) = doc.locate("countries[0].culture.mas");
        assert_eq!(f, base);
        assert!(pos.is_some());
        assert_eq!(doc.locate("horizon.end"), (base.clone(), Some((5, 1))));
        // Shocks are replaced whole by the variant: located there, not in the base.
        assert_eq!(doc.locate("shocks[0].year").0, v);
    }

    #[test]
    fn apply_set_overrides_and_locates_on_command_line() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base.toml", BASE);
        let v = write(dir.path(), "variant.toml", VARIANT);
        let mut doc = resolve(&v, &no_builtin).unwrap();
        doc.apply_set("countries[VNM].culture.uai=50").unwrap();
        doc.apply_set("horizon.end=2030Q4").unwrap();
        assert_eq!(
            doc.table["countries"][1]["culture"]["uai"].as_integer(),
            Some(50)
        );
        assert_eq!(doc.table["horizon"]["end"].as_str(), Some("2030Q4"));
        assert_eq!(
            doc.locate("countries[1].culture.uai"),
            (
                PathBuf::from("<command line: --set countries[VNM].culture.uai=50>"),
                None
            )
        );
        assert_eq!(
            doc.locate("horizon.end").0,
            PathBuf::from("<command line: --set horizon.end=2030Q4>")
        );
        assert_eq!(doc.locate("horizon.start").0, dir.path().join("base.toml"));
        let err = doc.apply_set("countries[7].culture.uai=1").unwrap_err();
        assert!(err.to_string().contains("indices 0 to 2"), "{err}");
        assert!(doc.apply_set("countries").is_err());
        assert_eq!(doc.overrides().len(), 2);
    }

    #[test]
    fn resolved_toml_and_hash_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base.toml", BASE);
        let v = write(dir.path(), "variant.toml", VARIANT);
        let a = resolve(&v, &no_builtin).unwrap();
        let b = resolve(&v, &no_builtin).unwrap();
        assert_eq!(a.to_toml_string(), b.to_toml_string());
        assert_eq!(a.sha256_hex(), b.sha256_hex());
        assert_eq!(a.sha256_hex().len(), 64);
        // The written form reads back to the same table.
        let back: toml::Table = a.to_toml_string().parse().unwrap();
        assert_eq!(back, a.table);
    }

    #[test]
    fn locate_in_inline_arrays_and_array_elements() {
        let text = "name = \"x\"\ncountries = [\n  { code = \"JPN\", culture = { pdi = 1 } },\n  { code = \"VNM\" },\n]\n[[regions]]\nid = 7\n";
        let doc = resolve_source(
            SourceFile {
                path: "x.toml".into(),
                text: text.into(),
            },
            &no_builtin,
        )
        .unwrap();
        assert_eq!(
            doc.locate("countries[JPN].culture.pdi"),
            ("x.toml".into(), Some((3, 31)))
        );
        // missing key in an element: the element itself
        assert_eq!(
            doc.locate("countries[1].culture"),
            ("x.toml".into(), Some((4, 3)))
        );
        // array-of-tables element selected by integer id (quoted: [7] would be an index)
        assert_eq!(
            doc.locate("regions[\"7\"].id"),
            ("x.toml".into(), Some((7, 1)))
        );
        // index out of range: nearest parent, the `regions` key of the header
        assert_eq!(doc.locate("regions[7].id"), ("x.toml".into(), Some((6, 3))));
        let (_, pos) = doc.locate("regions[0].missing");
        assert_eq!(pos.map(|p| p.0), Some(6));
        // unparsable path or unknown top-level key: the root file, no position
        assert_eq!(doc.locate("a..b"), ("x.toml".into(), None));
        assert_eq!(doc.locate("nothing.here"), ("x.toml".into(), None));
    }

    #[test]
    fn plain_arrays_are_replaced_not_merged() {
        let mut base: toml::Table = "xs = [1, 2, 3]\n[t]\na = 1\nb = 2".parse().unwrap();
        let over: toml::Table = "xs = [9]\n[t]\nb = 3".parse().unwrap();
        merge_tables(&mut base, over);
        assert_eq!(base["xs"].as_array().unwrap().len(), 1);
        assert_eq!(base["t"]["a"].as_integer(), Some(1));
        assert_eq!(base["t"]["b"].as_integer(), Some(3));
    }
}
