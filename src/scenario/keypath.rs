//! Key paths into a TOML scenario document.
//!
//! Syntax (printed and parsed the same way):
//!
//! * `parameters.trust.kappa`: dotted table keys. A key that is not a bare TOML key
//!   (`A-Z a-z 0-9 _ -`) is written quoted: `labels."first name"`.
//! * `countries[1].culture.uai`: zero-based index into an array.
//! * `countries[VNM].culture.uai`: the element of an array of tables whose `code`
//!   (or, failing that, `id`) field equals `VNM`. A selector that is all digits is an
//!   index; quote it to select by code instead: `countries["042"]`.
//!
//! [`get`] and [`set`] work on a [`toml::Table`]; [`parse_value`] parses the right
//! hand side of a `--set key.path=value` assignment.

use std::fmt;

/// One step of a [`KeyPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// A zero-based array index.
    Index(usize),
    /// An array-of-tables element selected by its `code` or `id` field.
    Select(String),
}

/// A parsed key path such as `countries[VNM].culture.uai`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct KeyPath(pub Vec<Segment>);

/// Why a key path could not be parsed, read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPathError {
    /// The (printed) path the problem is about.
    pub path: String,
    /// What went wrong.
    pub message: String,
    /// What would have been accepted (indices, codes, keys), if known.
    pub allowed: Option<String>,
}

impl fmt::Display for KeyPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        if let Some(allowed) = &self.allowed {
            write!(f, "; allowed: {allowed}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KeyPathError {}

fn is_bare_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Key(k) if is_bare_key(k) => write!(f, "{k}"),
            Segment::Key(k) => write!(f, "{}", quote(k)),
            Segment::Index(i) => write!(f, "[{i}]"),
            Segment::Select(c) if is_bare_key(c) && !c.chars().all(|ch| ch.is_ascii_digit()) => {
                write!(f, "[{c}]")
            }
            Segment::Select(c) => write!(f, "[{}]", quote(c)),
        }
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            if i > 0 && matches!(seg, Segment::Key(_)) {
                f.write_str(".")?;
            }
            write!(f, "{seg}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for KeyPath {
    type Err = KeyPathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KeyPath::parse(s)
    }
}

impl KeyPath {
    /// The empty path (the document root).
    pub fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// A path of table keys, optionally ending in one array index, split into the keys and
    /// the index: `a.b[2]` gives (`a.b`, `Some(2)`), `a.b` gives (`a.b`, `None`). `None` for
    /// any other path (a selector or an index before the end), which cannot be written back
    /// as dotted keys.
    pub fn split_trailing_index(&self) -> Option<(KeyPath, Option<usize>)> {
        let (keys, index) = match self.0.split_last() {
            Some((Segment::Index(i), keys)) => (keys, Some(*i)),
            Some(_) => (&self.0[..], None),
            None => return None,
        };
        let all_keys = !keys.is_empty() && keys.iter().all(|s| matches!(s, Segment::Key(_)));
        all_keys.then(|| (KeyPath(keys.to_vec()), index))
    }

    /// Parse `a.b[1].c[VNM].d` (see the module documentation for the syntax).
    pub fn parse(s: &str) -> Result<Self, KeyPathError> {
        let err = |message: String| KeyPathError {
            path: s.to_string(),
            message,
            allowed: None,
        };
        let chars: Vec<char> = s.trim().chars().collect();
        let mut segs = Vec::new();
        let mut i = 0;
        // `expect_key`: at the start or after a '.', a key must follow.
        let mut expect_key = true;
        if chars.is_empty() {
            return Err(err("empty key path".into()));
        }
        while i < chars.len() {
            let c = chars[i];
            if expect_key {
                if c == '"' {
                    let (key, next) = read_quoted(&chars, i).map_err(&err)?;
                    segs.push(Segment::Key(key));
                    i = next;
                } else {
                    let start = i;
                    while i < chars.len()
                        && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '-')
                    {
                        i += 1;
                    }
                    if i == start {
                        return Err(err(format!(
                            "expected a key at character {}, found '{}'",
                            start + 1,
                            c
                        )));
                    }
                    segs.push(Segment::Key(chars[start..i].iter().collect()));
                }
                expect_key = false;
                continue;
            }
            match c {
                '.' => {
                    expect_key = true;
                    i += 1;
                }
                '[' => {
                    i += 1;
                    while i < chars.len() && chars[i] == ' ' {
                        i += 1;
                    }
                    if i < chars.len() && chars[i] == '"' {
                        let (code, next) = read_quoted(&chars, i).map_err(&err)?;
                        segs.push(Segment::Select(code));
                        i = next;
                    } else {
                        let start = i;
                        while i < chars.len() && chars[i] != ']' {
                            i += 1;
                        }
                        let inner: String = chars[start..i].iter().collect::<String>();
                        let inner = inner.trim();
                        if inner.is_empty() {
                            return Err(err("empty [] selector".into()));
                        }
                        if inner.chars().all(|ch| ch.is_ascii_digit()) {
                            let idx = inner
                                .parse::<usize>()
                                .map_err(|_| err(format!("index '{inner}' is too large")))?;
                            segs.push(Segment::Index(idx));
                        } else if is_bare_key(inner) {
                            segs.push(Segment::Select(inner.to_string()));
                        } else {
                            return Err(err(format!(
                                "invalid selector '[{inner}]': use an index like [0] or a code like [VNM]"
                            )));
                        }
                    }
                    while i < chars.len() && chars[i] == ' ' {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] != ']' {
                        return Err(err("missing ']'".into()));
                    }
                    i += 1;
                }
                other => {
                    return Err(err(format!(
                        "unexpected '{other}' at character {}; expected '.' or '['",
                        i + 1
                    )));
                }
            }
        }
        if expect_key {
            return Err(err("key path ends with '.'".into()));
        }
        Ok(KeyPath(segs))
    }

    /// A new path with `seg` appended.
    pub fn child(&self, seg: Segment) -> KeyPath {
        let mut v = self.0.clone();
        v.push(seg);
        KeyPath(v)
    }

    /// A new path with the key `key` appended.
    pub fn key(&self, key: &str) -> KeyPath {
        self.child(Segment::Key(key.to_string()))
    }

    /// A new path with the index `i` appended.
    pub fn index(&self, i: usize) -> KeyPath {
        self.child(Segment::Index(i))
    }

    /// True if this is the document root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

fn read_quoted(chars: &[char], start: usize) -> Result<(String, usize), String> {
    // chars[start] == '"'
    let mut i = start + 1;
    let mut out = String::new();
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((out, i + 1)),
            '\\' if i + 1 < chars.len() => {
                let n = chars[i + 1];
                out.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err("unterminated quoted key".into())
}

/// The `code` (or, if absent, `id`) of an array-of-tables element, as a string.
/// Integer ids are rendered in decimal.
pub fn element_code(value: &toml::Value) -> Option<String> {
    let t = value.as_table()?;
    let v = t.get("code").or_else(|| t.get("id"))?;
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a datetime",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

fn allowed_keys(t: &toml::Table) -> Option<String> {
    if t.is_empty() {
        None
    } else {
        Some(t.keys().cloned().collect::<Vec<_>>().join(", "))
    }
}

fn allowed_elements(arr: &[toml::Value]) -> Option<String> {
    if arr.is_empty() {
        return Some("none (the array is empty)".into());
    }
    let codes: Vec<String> = arr.iter().filter_map(element_code).collect();
    let indices = format!("indices 0 to {}", arr.len() - 1);
    if codes.is_empty() {
        Some(indices)
    } else {
        Some(format!("{indices}, or codes {}", codes.join(", ")))
    }
}

/// Find the position of the element selected by `seg` (`Index` or `Select`) in `arr`.
fn find_element(arr: &[toml::Value], seg: &Segment, printed: &str) -> Result<usize, KeyPathError> {
    match seg {
        Segment::Index(i) if *i < arr.len() => Ok(*i),
        Segment::Index(i) => Err(KeyPathError {
            path: printed.to_string(),
            message: format!(
                "index {i} is out of range (the array has {} elements)",
                arr.len()
            ),
            allowed: allowed_elements(arr),
        }),
        Segment::Select(code) => arr
            .iter()
            .position(|e| element_code(e).as_deref() == Some(code.as_str()))
            .ok_or_else(|| KeyPathError {
                path: printed.to_string(),
                message: format!("no element with code or id '{code}'"),
                allowed: allowed_elements(arr),
            }),
        Segment::Key(_) => Err(KeyPathError {
            path: printed.to_string(),
            message: "internal: key used as array selector".into(),
            allowed: None,
        }),
    }
}

/// The value at `path` in `table`.
pub fn get<'a>(table: &'a toml::Table, path: &KeyPath) -> Result<&'a toml::Value, KeyPathError> {
    let mut current: Option<&toml::Value> = None;
    for (n, seg) in path.0.iter().enumerate() {
        let printed = KeyPath(path.0[..=n].to_vec()).to_string();
        let next = match (current, seg) {
            (None, Segment::Key(k)) => table.get(k).ok_or_else(|| KeyPathError {
                path: printed.clone(),
                message: format!("no key '{k}'"),
                allowed: allowed_keys(table),
            })?,
            (Some(toml::Value::Table(t)), Segment::Key(k)) => {
                t.get(k).ok_or_else(|| KeyPathError {
                    path: printed.clone(),
                    message: format!("no key '{k}'"),
                    allowed: allowed_keys(t),
                })?
            }
            (Some(toml::Value::Array(a)), Segment::Index(_) | Segment::Select(_)) => {
                let i = find_element(a, seg, &printed)?;
                &a[i]
            }
            (None, _) => {
                return Err(KeyPathError {
                    path: printed,
                    message: "the document root is a table, not an array".into(),
                    allowed: None,
                });
            }
            (Some(v), _) => {
                return Err(KeyPathError {
                    path: printed,
                    message: format!("cannot go into {} here", type_name(v)),
                    allowed: None,
                });
            }
        };
        current = Some(next);
    }
    current.ok_or_else(|| KeyPathError {
        path: String::new(),
        message: "empty key path".into(),
        allowed: None,
    })
}

/// Replace `Select` segments by the `Index` of the selected element, as far as the
/// path exists in `table` (the rest is kept as is).
pub fn canonicalize(table: &toml::Table, path: &KeyPath) -> KeyPath {
    let mut out = Vec::with_capacity(path.0.len());
    let mut current: Option<&toml::Value> = None;
    let mut lost = false;
    for seg in &path.0 {
        if lost {
            out.push(seg.clone());
            continue;
        }
        let next = match (current, seg) {
            (None, Segment::Key(k)) => table.get(k),
            (Some(toml::Value::Table(t)), Segment::Key(k)) => t.get(k),
            (Some(toml::Value::Array(a)), Segment::Index(_) | Segment::Select(_)) => {
                match find_element(a, seg, "") {
                    Ok(i) => {
                        out.push(Segment::Index(i));
                        current = a.get(i);
                        continue;
                    }
                    Err(_) => None,
                }
            }
            _ => None,
        };
        out.push(seg.clone());
        match next {
            Some(v) => current = Some(v),
            None => lost = true,
        }
    }
    KeyPath(out)
}

/// Set the value at `path` in `table`.
///
/// Missing intermediate tables are created; array elements are never invented (a bad
/// index or unknown code is an error naming the path and the allowed indices/codes).
/// Going through a non-table value is an error.
pub fn set(
    table: &mut toml::Table,
    path: &KeyPath,
    value: toml::Value,
) -> Result<(), KeyPathError> {
    if path.0.is_empty() {
        return Err(KeyPathError {
            path: String::new(),
            message: "empty key path".into(),
            allowed: None,
        });
    }
    set_in_table(table, &path.0, 0, path, value)
}

fn set_in_table(
    table: &mut toml::Table,
    segs: &[Segment],
    n: usize,
    full: &KeyPath,
    value: toml::Value,
) -> Result<(), KeyPathError> {
    let printed = KeyPath(full.0[..=n].to_vec()).to_string();
    let Segment::Key(k) = &segs[n] else {
        return Err(KeyPathError {
            path: printed,
            message: "this is a table, not an array; use .key here".into(),
            allowed: allowed_keys(table),
        });
    };
    if n + 1 == segs.len() {
        table.insert(k.clone(), value);
        return Ok(());
    }
    if !table.contains_key(k) {
        if !matches!(segs[n + 1], Segment::Key(_)) {
            // Never invent arrays or array elements.
            return Err(KeyPathError {
                path: printed,
                message: format!("no array '{k}' to select an element from"),
                allowed: allowed_keys(table),
            });
        }
        table.insert(k.clone(), toml::Value::Table(toml::Table::new()));
    }
    match table.get_mut(k) {
        Some(child) => set_in_value(child, segs, n + 1, full, value),
        None => Err(KeyPathError {
            path: printed,
            message: "internal: key vanished".into(),
            allowed: None,
        }),
    }
}

fn set_in_value(
    current: &mut toml::Value,
    segs: &[Segment],
    n: usize,
    full: &KeyPath,
    value: toml::Value,
) -> Result<(), KeyPathError> {
    let printed = KeyPath(full.0[..=n].to_vec()).to_string();
    match (current, &segs[n]) {
        (toml::Value::Table(t), Segment::Key(_)) => set_in_table(t, segs, n, full, value),
        (toml::Value::Array(a), seg @ (Segment::Index(_) | Segment::Select(_))) => {
            let i = find_element(a, seg, &printed)?;
            if n + 1 == segs.len() {
                a[i] = value;
                Ok(())
            } else {
                set_in_value(&mut a[i], segs, n + 1, full, value)
            }
        }
        (v, _) => {
            let parent = KeyPath(full.0[..n].to_vec()).to_string();
            Err(KeyPathError {
                path: printed,
                message: format!("'{parent}' is {}, cannot go into it", type_name(v)),
                allowed: None,
            })
        }
    }
}

/// Parse the right-hand side of `--set key=value` as a TOML value (`2.5`, `true`,
/// `"1992Q1"`, `[1, 2]`, `{ a = 1 }`). Anything that is not a valid TOML value is
/// taken as a plain string, so `--set horizon.end=2030Q4` works.
pub fn parse_value(text: &str) -> toml::Value {
    let trimmed = text.trim();
    let doc = format!("v = {trimmed}\n");
    if let Ok(mut t) = doc.parse::<toml::Table>()
        && t.len() == 1
        && let Some(v) = t.remove("v")
    {
        return v;
    }
    toml::Value::String(trimmed.to_string())
}

/// Split `key.path=value` into its parsed key path and value (see [`parse_value`]).
/// The first `=` outside quotes and brackets separates them.
pub fn parse_assignment(assignment: &str) -> Result<(KeyPath, toml::Value), KeyPathError> {
    let mut in_quotes = false;
    let mut depth = 0usize;
    let mut split = None;
    let mut prev_backslash = false;
    for (i, c) in assignment.char_indices() {
        match c {
            '\\' if in_quotes => {
                prev_backslash = !prev_backslash;
                continue;
            }
            '"' if !prev_backslash => in_quotes = !in_quotes,
            '[' if !in_quotes => depth += 1,
            ']' if !in_quotes => depth = depth.saturating_sub(1),
            '=' if !in_quotes && depth == 0 => {
                split = Some(i);
                break;
            }
            _ => {}
        }
        prev_backslash = false;
    }
    let Some(i) = split else {
        return Err(KeyPathError {
            path: String::new(),
            message: format!("'{assignment}' is not an assignment; expected key.path=value"),
            allowed: None,
        });
    };
    let path = KeyPath::parse(&assignment[..i])?;
    let value = parse_value(&assignment[i + 1..]);
    Ok((path, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> toml::Table {
        r#"
            [parameters.trust]
            kappa = 0.5

            [[countries]]
            code = "JPN"
            [countries.culture]
            uai = 92

            [[countries]]
            code = "VNM"
            [countries.culture]
            uai = 30
        "#
        .parse()
        .expect("sample parses")
    }

    #[test]
    fn only_table_keys_with_an_optional_final_index_split() {
        let split = |s: &str| {
            KeyPath::parse(s)
                .unwrap()
                .split_trailing_index()
                .map(|(keys, i)| (keys.to_string(), i))
        };
        assert_eq!(split("a.b"), Some(("a.b".into(), None)));
        assert_eq!(split("a.b[02]"), Some(("a.b".into(), Some(2))));
        assert_eq!(split("countries[VNM].x"), None);
        assert_eq!(split("a[0].b"), None);
        assert_eq!(split("grid[0][2]"), None);
    }

    #[test]
    fn parse_and_print_round_trip() {
        for s in [
            "parameters.trust.kappa",
            "countries[1].culture.uai",
            "countries[VNM].culture.uai",
            "labels.\"first name\"",
            "countries[\"042\"].x",
            "grid[0][2]",
        ] {
            let p = KeyPath::parse(s).expect(s);
            assert_eq!(p.to_string(), s);
        }
        let p = KeyPath::parse("countries[VNM].culture.uai").unwrap();
        assert_eq!(
            p.0,
            vec![
                Segment::Key("countries".into()),
                Segment::Select("VNM".into()),
                Segment::Key("culture".into()),
                Segment::Key("uai".into()),
            ]
        );
    }

    #[test]
    fn parse_rejects_malformed_paths() {
        for s in ["", "a.", ".a", "a[1", "a[]", "a..b", "a b", "a[x y]", "a]"] {
            assert!(KeyPath::parse(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn get_by_index_and_by_code() {
        let t = sample();
        let by_code = get(&t, &KeyPath::parse("countries[VNM].culture.uai").unwrap()).unwrap();
        let by_index = get(&t, &KeyPath::parse("countries[1].culture.uai").unwrap()).unwrap();
        assert_eq!(by_code, &toml::Value::Integer(30));
        assert_eq!(by_index, by_code);
    }

    #[test]
    fn set_key_path_by_code_changes_only_that_element() {
        let mut t = sample();
        set(
            &mut t,
            &KeyPath::parse("countries[VNM].culture.uai").unwrap(),
            toml::Value::Integer(55),
        )
        .unwrap();
        assert_eq!(
            get(&t, &KeyPath::parse("countries[1].culture.uai").unwrap()).unwrap(),
            &toml::Value::Integer(55)
        );
        assert_eq!(
            get(&t, &KeyPath::parse("countries[JPN].culture.uai").unwrap()).unwrap(),
            &toml::Value::Integer(92)
        );
    }

    #[test]
    fn set_key_path_by_index_creates_missing_tables() {
        let mut t = sample();
        set(
            &mut t,
            &KeyPath::parse("countries[0].economy.gdp").unwrap(),
            toml::Value::Float(1.5),
        )
        .unwrap();
        assert_eq!(
            get(&t, &KeyPath::parse("countries[JPN].economy.gdp").unwrap()).unwrap(),
            &toml::Value::Float(1.5)
        );
        set(
            &mut t,
            &KeyPath::parse("brand.new.table").unwrap(),
            toml::Value::Boolean(true),
        )
        .unwrap();
        assert_eq!(t["brand"]["new"]["table"], toml::Value::Boolean(true));
    }

    #[test]
    fn set_bad_index_is_error_naming_path_and_allowed_indices() {
        let mut t = sample();
        let e = set(
            &mut t,
            &KeyPath::parse("countries[5].culture.uai").unwrap(),
            toml::Value::Integer(1),
        )
        .unwrap_err();
        assert_eq!(e.path, "countries[5]");
        assert!(e.message.contains("out of range"), "{e}");
        assert_eq!(
            e.allowed.as_deref(),
            Some("indices 0 to 1, or codes JPN, VNM")
        );
    }

    #[test]
    fn set_unknown_code_is_error_listing_codes() {
        let mut t = sample();
        let e = set(
            &mut t,
            &KeyPath::parse("countries[THA].culture.uai").unwrap(),
            toml::Value::Integer(1),
        )
        .unwrap_err();
        assert_eq!(e.path, "countries[THA]");
        assert!(e.to_string().contains("JPN, VNM"), "{e}");
    }

    #[test]
    fn set_never_invents_array_elements() {
        let mut t = toml::Table::new();
        let e = set(
            &mut t,
            &KeyPath::parse("countries[0].code").unwrap(),
            toml::Value::String("X".into()),
        );
        assert!(e.is_err());
    }

    #[test]
    fn set_through_scalar_is_error() {
        let mut t = sample();
        let e = set(
            &mut t,
            &KeyPath::parse("parameters.trust.kappa.x").unwrap(),
            toml::Value::Integer(1),
        )
        .unwrap_err();
        assert!(e.message.contains("a float"), "{e}");
    }

    #[test]
    fn parse_value_takes_toml_or_falls_back_to_string() {
        assert_eq!(parse_value("2.5"), toml::Value::Float(2.5));
        assert_eq!(parse_value("3"), toml::Value::Integer(3));
        assert_eq!(parse_value("true"), toml::Value::Boolean(true));
        assert_eq!(
            parse_value("\"1992Q1\""),
            toml::Value::String("1992Q1".into())
        );
        assert_eq!(
            parse_value("[1,2]"),
            toml::Value::Array(vec![toml::Value::Integer(1), toml::Value::Integer(2)])
        );
        assert_eq!(parse_value("2030Q4"), toml::Value::String("2030Q4".into()));
        assert_eq!(
            parse_value("1\nx = 2"),
            toml::Value::String("1\nx = 2".into())
        );
    }

    #[test]
    fn parse_assignment_splits_at_first_unquoted_equals() {
        let (p, v) = parse_assignment("horizon.end=2030Q4").unwrap();
        assert_eq!(p.to_string(), "horizon.end");
        assert_eq!(v, toml::Value::String("2030Q4".into()));
        let (p, v) = parse_assignment("notes.\"a=b\"=\"x=y\"").unwrap();
        assert_eq!(
            p.0,
            vec![Segment::Key("notes".into()), Segment::Key("a=b".into())]
        );
        assert_eq!(v, toml::Value::String("x=y".into()));
        assert!(parse_assignment("no_equals_sign").is_err());
    }
}
