//! Checking a resolved scenario against the JSON schema of its Rust type.
//!
//! [`check`] walks the TOML table together with `schemars::schema_for!(T)` and reports
//! **every** problem at once, each located in the file (and line) that defines the key:
//! unknown keys (with a did-you-mean suggestion and the allowed keys), wrong types,
//! missing required keys, numbers out of range and values not among the allowed ones.
//! [`deserialize`] then converts the table to `T`; a failure names the key path.
//!
//! Intended use: `let problems = check::<T>(&doc); if problems.is_empty() { deserialize::<T>(&doc) }`.
//!
//! Supported schema keywords (schemars 1.x output): `$ref` into `$defs`, `type` (string or
//! list, `null` ignored since TOML has no null), `anyOf`/`oneOf` (enums, `Option`,
//! internally tagged enums), `allOf`, `properties`, `required`, `additionalProperties`,
//! `enum`, `const`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
//! integer `format`s (`uint8`, `int32`, ...), `items`, `prefixItems`, `minItems`,
//! `maxItems`, `minLength`, `maxLength`. A TOML integer is accepted where a number is
//! expected.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::diagnostics::{Diagnostic, Diagnostics};
use super::document::ResolvedDocument;
use super::keypath::{KeyPath, Segment};

/// A problem before it is located.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    path: KeyPath,
    message: String,
    allowed: Option<String>,
}

/// Check `doc.table` against the schema of `T`; every problem, located, in source order.
pub fn check<T: JsonSchema>(doc: &ResolvedDocument) -> Vec<Diagnostic> {
    let schema = schemars::schema_for!(T);
    let root = schema.as_value();
    let mut problems = Vec::new();
    let checker = Checker { root };
    checker.check(
        root,
        &toml::Value::Table(doc.table.clone()),
        &KeyPath::root(),
        &mut problems,
        0,
    );
    let mut diags: Vec<Diagnostic> = problems
        .into_iter()
        .map(|p| Diagnostic::located(doc, p.path.to_string(), p.message, p.allowed))
        .collect();
    let rank = |d: &Diagnostic| {
        doc.sources
            .iter()
            .position(|s| s.path == d.file)
            .unwrap_or(doc.sources.len())
    };
    diags.sort_by_key(|d| (rank(d), d.line.unwrap_or(0), d.column.unwrap_or(0)));
    diags
}

/// Convert `doc.table` to `T`. A failure is reported at the key path where it happened
/// (found with `serde_path_to_error`) and located in the file that defines that key.
pub fn deserialize<T: DeserializeOwned>(doc: &ResolvedDocument) -> Result<T, Diagnostics> {
    let value = toml::Value::Table(doc.table.clone());
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut path = KeyPath::root();
        for seg in e.path().iter() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => path = path.index(*index),
                serde_path_to_error::Segment::Map { key } => path = path.key(key),
                serde_path_to_error::Segment::Enum { variant } => path = path.key(variant),
                serde_path_to_error::Segment::Unknown => break,
            }
        }
        let inner = e.into_inner();
        Diagnostics::one(Diagnostic::located(
            doc,
            path.to_string(),
            inner.message().trim().to_string(),
            None,
        ))
    })
}

/// Recursion guard for pathological (recursive) schemas.
const MAX_DEPTH: usize = 128;

/// Follow `$ref`s (into the root's `$defs`) until a schema without `$ref` is reached.
/// Unresolvable references give `true` (accept anything).
pub(crate) fn resolve_ref<'a>(root: &'a Json, mut schema: &'a Json) -> &'a Json {
    static TRUE: Json = Json::Bool(true);
    for _ in 0..32 {
        let Some(r) = schema.get("$ref").and_then(Json::as_str) else {
            return schema;
        };
        let target = if r == "#" {
            Some(root)
        } else {
            r.strip_prefix('#').and_then(|p| root.pointer(p))
        };
        match target {
            Some(t) => schema = t,
            None => return &TRUE,
        }
    }
    &TRUE
}

/// True if the (resolved) schema only allows `null`.
pub(crate) fn is_null_schema(root: &Json, schema: &Json) -> bool {
    let s = resolve_ref(root, schema);
    match s.get("type") {
        Some(Json::String(t)) => t == "null",
        Some(Json::Array(ts)) => ts.iter().all(|t| t == "null"),
        _ => s.get("const") == Some(&Json::Null),
    }
}

/// The `anyOf`/`oneOf` branches of a schema that are not just `null` (so `Option<T>`
/// becomes `T`). `None` if the schema has neither keyword.
pub(crate) fn non_null_branches<'a>(root: &'a Json, schema: &'a Json) -> Option<Vec<&'a Json>> {
    let branches = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Json::as_array)?;
    Some(
        branches
            .iter()
            .filter(|b| !is_null_schema(root, b))
            .collect(),
    )
}

/// If every branch only allows literal values (`const` / `enum`), all those values.
pub(crate) fn literal_values(root: &Json, schema: &Json) -> Option<Vec<Json>> {
    let s = resolve_ref(root, schema);
    if let Some(c) = s.get("const") {
        return Some(vec![c.clone()]);
    }
    if let Some(Json::Array(vals)) = s.get("enum") {
        return Some(vals.iter().filter(|v| !v.is_null()).cloned().collect());
    }
    let branches = non_null_branches(root, s)?;
    if branches.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for b in branches {
        out.extend(literal_values(root, b)?);
    }
    Some(out)
}

/// The JSON-schema type names a schema allows (without `null`).
pub(crate) fn schema_types(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(t)) if t != "null" => vec![t.as_str()],
        Some(Json::Array(ts)) => ts
            .iter()
            .filter_map(Json::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    }
}

/// Render a JSON literal the way it would be written in TOML.
pub(crate) fn json_as_toml(v: &Json) -> String {
    match v {
        Json::Null => "none".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => toml::Value::String(s.clone()).to_string(),
        Json::Array(a) => format!(
            "[{}]",
            a.iter().map(json_as_toml).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(o) => {
            if o.is_empty() {
                "{}".into()
            } else {
                format!(
                    "{{ {} }}",
                    o.iter()
                        .map(|(k, v)| format!(
                            "{} = {}",
                            KeyPath(vec![Segment::Key(k.clone())]),
                            json_as_toml(v)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
    }
}

/// Literal values as a list for messages: strings are shown bare (`open, closed`).
pub(crate) fn literal_list(vals: &[Json]) -> String {
    vals.iter()
        .map(|v| match v {
            Json::String(s) => s.clone(),
            other => json_as_toml(other),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The allowed range of a number schema as text (`0 to 120`, `> 0`, `>= 0 and < 1`).
pub(crate) fn range_text(schema: &Json) -> Option<String> {
    let num = |k: &str| {
        schema
            .get(k)
            .and_then(|v| v.as_number().map(|n| n.to_string()))
    };
    let lower = num("exclusiveMinimum")
        .map(|m| (m, false))
        .or_else(|| num("minimum").map(|m| (m, true)));
    let upper = num("exclusiveMaximum")
        .map(|m| (m, false))
        .or_else(|| num("maximum").map(|m| (m, true)));
    match (lower, upper) {
        (Some((lo, true)), Some((hi, true))) => Some(format!("{lo} to {hi}")),
        (Some((lo, li)), Some((hi, hi_inc))) => Some(format!(
            "{} {lo} and {} {hi}",
            if li { ">=" } else { ">" },
            if hi_inc { "<=" } else { "<" }
        )),
        (Some((lo, li)), None) => Some(format!("{} {lo}", if li { ">=" } else { ">" })),
        (None, Some((hi, hi_inc))) => Some(format!("{} {hi}", if hi_inc { "<=" } else { "<" })),
        (None, None) => None,
    }
}

/// Bounds implied by an integer `format`.
fn format_bounds(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "uint8" => (0, u8::MAX as i128),
        "uint16" => (0, u16::MAX as i128),
        "uint32" => (0, u32::MAX as i128),
        "uint64" | "uint" => (0, u64::MAX as i128),
        "int8" => (i8::MIN as i128, i8::MAX as i128),
        "int16" => (i16::MIN as i128, i16::MAX as i128),
        "int32" => (i32::MIN as i128, i32::MAX as i128),
        _ => return None,
    })
}

/// "Did you mean" candidate: the closest of `candidates` if it is close enough.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower {
            0
        } else {
            strsim::damerau_levenshtein(&lower, &c.to_lowercase())
        };
        let limit = match word.chars().count().max(c.chars().count()) {
            0..=2 => 1,
            3..=5 => 2,
            6..=9 => 3,
            _ => 4,
        };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn toml_kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "string",
        toml::Value::Integer(_) => "integer",
        toml::Value::Float(_) => "float",
        toml::Value::Boolean(_) => "boolean",
        toml::Value::Datetime(_) => "datetime",
        toml::Value::Array(_) => "array",
        toml::Value::Table(_) => "table",
    }
}

/// `integer 3`, `string "x"`, `table`, ... for messages.
fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::Array(_) | toml::Value::Table(_) => toml_kind(v).to_string(),
        toml::Value::Datetime(d) => format!("datetime {d} (quote it to make it a string)"),
        other => format!("{} {}", toml_kind(other), other),
    }
}

fn type_matches(ty: &str, v: &toml::Value) -> bool {
    matches!(
        (ty, v),
        ("integer", toml::Value::Integer(_))
            | ("number", toml::Value::Integer(_) | toml::Value::Float(_))
            | ("string", toml::Value::String(_))
            | ("boolean", toml::Value::Boolean(_))
            | ("array", toml::Value::Array(_))
            | ("object", toml::Value::Table(_))
    )
}

/// Human name of a JSON-schema type.
pub(crate) fn type_label(ty: &str) -> &str {
    match ty {
        "object" => "table",
        "number" => "number",
        other => other,
    }
}

fn toml_to_json(v: &toml::Value) -> Json {
    match v {
        toml::Value::String(s) => Json::String(s.clone()),
        toml::Value::Integer(i) => Json::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        toml::Value::Boolean(b) => Json::Bool(*b),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(a) => Json::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn literal_eq(v: &toml::Value, lit: &Json) -> bool {
    match (v, lit) {
        (toml::Value::Integer(_) | toml::Value::Float(_), Json::Number(n)) => {
            let x = match v {
                toml::Value::Integer(i) => *i as f64,
                toml::Value::Float(f) => *f,
                _ => return false,
            };
            n.as_f64() == Some(x)
        }
        _ => toml_to_json(v) == *lit,
    }
}

fn as_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

struct Checker<'a> {
    root: &'a Json,
}

impl<'a> Checker<'a> {
    fn problem(out: &mut Vec<Problem>, path: &KeyPath, message: String, allowed: Option<String>) {
        out.push(Problem {
            path: path.clone(),
            message,
            allowed,
        });
    }

    fn check(
        &self,
        schema: &'a Json,
        value: &toml::Value,
        path: &KeyPath,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        // Constraints written next to a `$ref` (rare) are checked too.
        if schema.get("$ref").is_some() {
            let target = resolve_ref(self.root, schema);
            if !std::ptr::eq(target, schema) {
                self.check(target, value, path, out, depth + 1);
            }
        }
        let obj = match schema {
            Json::Bool(true) => return,
            Json::Bool(false) => {
                Self::problem(out, path, "no value is allowed here".into(), None);
                return;
            }
            Json::Object(o) => o,
            _ => return,
        };
        if let Some(Json::Array(all)) = obj.get("allOf") {
            for s in all {
                self.check(s, value, path, out, depth + 1);
            }
        }
        if obj.contains_key("anyOf") || obj.contains_key("oneOf") {
            self.check_alternatives(schema, value, path, out, depth);
        }

        let types = schema_types(schema);
        if !types.is_empty() && !types.iter().any(|t| type_matches(t, value)) {
            let expected: Vec<&str> = types.iter().map(|t| type_label(t)).collect();
            Self::problem(
                out,
                path,
                format!(
                    "wrong type: expected {}, found {}",
                    expected.join(" or "),
                    describe(value)
                ),
                None,
            );
            return;
        }

        if let Some(c) = obj.get("const")
            && !literal_eq(value, c)
        {
            Self::problem(
                out,
                path,
                format!("value {} is not allowed", value),
                Some(literal_list(std::slice::from_ref(c))),
            );
        }
        if let Some(Json::Array(vals)) = obj.get("enum")
            && !vals.iter().any(|l| literal_eq(value, l))
        {
            self.not_allowed(value, vals, path, out);
        }

        match value {
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                self.check_number(schema, value, path, out)
            }
            toml::Value::String(s) => {
                let n = s.chars().count() as u64;
                if let Some(min) = obj.get("minLength").and_then(Json::as_u64)
                    && n < min
                {
                    Self::problem(
                        out,
                        path,
                        format!("string is too short ({n} characters)"),
                        Some(format!("at least {min} characters")),
                    );
                }
                if let Some(max) = obj.get("maxLength").and_then(Json::as_u64)
                    && n > max
                {
                    Self::problem(
                        out,
                        path,
                        format!("string is too long ({n} characters)"),
                        Some(format!("at most {max} characters")),
                    );
                }
            }
            toml::Value::Array(items) => self.check_array(schema, items, path, out, depth),
            toml::Value::Table(t) => self.check_table(schema, t, path, out, depth),
            toml::Value::Boolean(_) | toml::Value::Datetime(_) => {}
        }
    }

    fn not_allowed(
        &self,
        value: &toml::Value,
        vals: &[Json],
        path: &KeyPath,
        out: &mut Vec<Problem>,
    ) {
        let mut message = format!("value {value} is not allowed");
        if let toml::Value::String(s) = value
            && let Some(m) = suggest(s, vals.iter().filter_map(Json::as_str))
        {
            message.push_str(&format!("; did you mean '{m}'?"));
        }
        Self::problem(out, path, message, Some(literal_list(vals)));
    }

    fn check_number(
        &self,
        schema: &Json,
        value: &toml::Value,
        path: &KeyPath,
        out: &mut Vec<Problem>,
    ) {
        let Some(x) = as_f64(value) else { return };
        // NaN compares false with every bound, so it would pass any range check.
        if x.is_nan() {
            Self::problem(
                out,
                path,
                format!("value {value} is not a number"),
                Some(range_text(schema).unwrap_or_else(|| "a finite number".into())),
            );
            return;
        }
        let get = |k: &str| schema.get(k).and_then(Json::as_f64);
        let below = get("minimum").is_some_and(|m| x < m)
            || get("exclusiveMinimum").is_some_and(|m| x <= m);
        let above = get("maximum").is_some_and(|m| x > m)
            || get("exclusiveMaximum").is_some_and(|m| x >= m);
        if below || above {
            Self::problem(
                out,
                path,
                format!("value {value} is out of range"),
                range_text(schema),
            );
            return;
        }
        if let toml::Value::Integer(i) = value
            && let Some(format) = schema.get("format").and_then(Json::as_str)
            && let Some((lo, hi)) = format_bounds(format)
            && ((*i as i128) < lo || (*i as i128) > hi)
        {
            Self::problem(
                out,
                path,
                format!("value {i} does not fit ({format})"),
                Some(format!("{lo} to {hi}")),
            );
        }
    }

    fn check_array(
        &self,
        schema: &'a Json,
        items: &[toml::Value],
        path: &KeyPath,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let n = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Json::as_u64)
            && n < min
        {
            Self::problem(
                out,
                path,
                format!("too few elements ({n})"),
                Some(format!("at least {min}")),
            );
        }
        if let Some(max) = schema.get("maxItems").and_then(Json::as_u64)
            && n > max
        {
            Self::problem(
                out,
                path,
                format!("too many elements ({n})"),
                Some(format!("at most {max}")),
            );
        }
        let prefix = schema
            .get("prefixItems")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, item) in items.iter().enumerate() {
            let s = match prefix.get(i) {
                Some(s) => Some(s),
                None => schema.get("items"),
            };
            if let Some(s) = s {
                self.check(s, item, &path.index(i), out, depth + 1);
            }
        }
    }

    fn check_table(
        &self,
        schema: &'a Json,
        table: &toml::Table,
        path: &KeyPath,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let props = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        for (k, v) in table {
            let child = path.key(k);
            if let Some(s) = props.and_then(|p| p.get(k)) {
                self.check(s, v, &child, out, depth + 1);
                continue;
            }
            match additional {
                Some(Json::Bool(false)) => {
                    let names: Vec<&str> = props
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let mut message = format!("unknown key '{k}'");
                    if let Some(m) = suggest(k, names.iter().copied()) {
                        message.push_str(&format!("; did you mean '{m}'?"));
                    }
                    let allowed = if names.is_empty() {
                        None
                    } else {
                        Some(names.join(", "))
                    };
                    Self::problem(out, &child, message, allowed);
                }
                Some(s @ Json::Object(_)) => self.check(s, v, &child, out, depth + 1),
                _ => {}
            }
        }
        if let Some(Json::Array(req)) = schema.get("required") {
            for r in req.iter().filter_map(Json::as_str) {
                if !table.contains_key(r) {
                    Self::problem(
                        out,
                        &path.key(r),
                        format!("missing required key '{r}'"),
                        None,
                    );
                }
            }
        }
    }

    /// `anyOf` / `oneOf`: enums, `Option`, tagged enums.
    fn check_alternatives(
        &self,
        schema: &'a Json,
        value: &toml::Value,
        path: &KeyPath,
        out: &mut Vec<Problem>,
        depth: usize,
    ) {
        let Some(branches) = non_null_branches(self.root, schema) else {
            return;
        };
        match branches.len() {
            0 => return,
            1 => return self.check(branches[0], value, path, out, depth + 1),
            _ => {}
        }
        // Only literal values (a unit-variant enum with documented variants).
        if let Some(vals) = literal_values(self.root, schema) {
            if !vals.iter().any(|l| literal_eq(value, l)) {
                let all_strings = vals.iter().all(Json::is_string);
                if all_strings && !matches!(value, toml::Value::String(_)) {
                    Self::problem(
                        out,
                        path,
                        format!("wrong type: expected string, found {}", describe(value)),
                        Some(literal_list(&vals)),
                    );
                } else {
                    self.not_allowed(value, &vals, path, out);
                }
            }
            return;
        }
        // Internally tagged enum: every branch is a table with a literal-valued tag key.
        if let toml::Value::Table(t) = value
            && let Some((tag, options)) = self.discriminator(&branches)
        {
            let all: Vec<Json> = options.iter().map(|(l, _)| l.clone()).collect();
            match t.get(&tag) {
                None => Self::problem(
                    out,
                    &path.key(&tag),
                    format!("missing required key '{tag}'"),
                    Some(literal_list(&all)),
                ),
                Some(tv) => match options.iter().find(|(l, _)| literal_eq(tv, l)) {
                    Some((_, b)) => self.check(b, value, path, out, depth + 1),
                    None => self.not_allowed(tv, &all, &path.key(&tag), out),
                },
            }
            return;
        }
        // General case: accept if any branch accepts; otherwise report the closest one.
        let mut best: Option<(usize, Vec<Problem>)> = None;
        let mut expected_types: Vec<&str> = Vec::new();
        for b in &branches {
            let resolved = resolve_ref(self.root, b);
            let types = schema_types(resolved);
            let type_ok = types.is_empty() || types.iter().any(|t| type_matches(t, value));
            for t in &types {
                let l = type_label(t);
                if !expected_types.contains(&l) {
                    expected_types.push(l);
                }
            }
            let mut probs = Vec::new();
            self.check(b, value, path, &mut probs, depth + 1);
            if probs.is_empty() {
                return;
            }
            if !type_ok {
                continue;
            }
            if best.as_ref().is_none_or(|(n, _)| probs.len() < *n) {
                best = Some((probs.len(), probs));
            }
        }
        match best {
            Some((_, probs)) => out.extend(probs),
            None => Self::problem(
                out,
                path,
                format!(
                    "wrong type: expected {}, found {}",
                    if expected_types.is_empty() {
                        "something else".to_string()
                    } else {
                        expected_types.join(" or ")
                    },
                    describe(value)
                ),
                None,
            ),
        }
    }

    /// For branches that are all tables sharing a property with a literal value (a serde
    /// tag), that property and each branch's literal.
    fn discriminator(&self, branches: &[&'a Json]) -> Option<(String, Vec<(Json, &'a Json)>)> {
        let first = resolve_ref(self.root, branches.first()?);
        let props = first.get("properties")?.as_object()?;
        'candidates: for key in props.keys() {
            let mut options = Vec::new();
            for b in branches {
                let rb = resolve_ref(self.root, b);
                let Some(p) = rb.get("properties").and_then(|p| p.get(key)) else {
                    continue 'candidates;
                };
                let Some(lits) = literal_values(self.root, p) else {
                    continue 'candidates;
                };
                // A tag has exactly one value per variant, distinct across variants.
                let [l] = lits.as_slice() else {
                    continue 'candidates;
                };
                if options.iter().any(|(o, _)| o == l) {
                    continue 'candidates;
                }
                options.push((l.clone(), *b));
            }
            return Some((key.clone(), options));
        }
        None
    }
}

/// Test scenario types (shared with the reference tests).
#[cfg(test)]
#[allow(dead_code)]
pub(crate) mod test_types {
    use schemars::JsonSchema;
    use serde::Deserialize;

    /// A test scenario.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Scenario {
        /// Scenario name.
        pub name: String,
        /// Time horizon.
        pub horizon: Horizon,
        /// Countries.
        pub countries: Vec<Country>,
        /// Optional seed.
        pub seed: Option<u64>,
        /// Regime.
        #[serde(default)]
        pub regime: Regime,
        /// Trust decay.
        #[serde(default = "default_kappa")]
        #[schemars(range(min = 0.0, max = 1.0))]
        pub kappa: f64,
        pub weights: Vec<f64>,
        pub shock: Option<Shock>,
        /// Named extra weights.
        #[serde(default)]
        pub tags: std::collections::BTreeMap<String, f64>,
        /// Policy instrument.
        pub policy: Option<Policy>,
    }

    /// An externally tagged enum (serde's default representation).
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case", deny_unknown_fields)]
    pub enum Policy {
        Laissez,
        Cap { level: f64 },
    }
    fn default_kappa() -> f64 {
        0.25
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Horizon {
        pub start: String,
        pub end: String,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Country {
        /// ISO code.
        pub code: String,
        pub culture: Culture,
    }

    /// Hofstede dimensions.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct Culture {
        /// Power distance.
        #[schemars(range(min = 0, max = 120))]
        pub pdi: u32,
        #[schemars(range(min = 0, max = 120))]
        pub uai: u32,
    }

    /// Policy regime.
    #[derive(Debug, Default, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Regime {
        /// Open.
        #[default]
        Open,
        Closed,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Plain {
        A,
        B,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum Shock {
        Flood { severity: f64 },
        Pandemic { waves: u8 },
    }
}

#[cfg(test)]
mod tests {
    use super::test_types::*;
    use super::*;
    use crate::scenario::document::{SourceFile, resolve, resolve_source};
    use std::path::{Path, PathBuf};

    fn no_builtin(_: &str) -> Option<&'static str> {
        None
    }

    fn doc(text: &str) -> ResolvedDocument {
        resolve_source(
            SourceFile {
                path: PathBuf::from("scenarios/x.toml"),
                text: text.to_string(),
            },
            &no_builtin,
        )
        .expect("test document resolves")
    }

    const GOOD: &str = r#"name = "test"
weights = [1, 2.5]

[horizon]
start = "1992Q1"
end = "2030Q4"

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
"#;

    fn messages(ds: &[Diagnostic]) -> Vec<String> {
        ds.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn valid_document_has_no_problems_and_deserializes() {
        let d = doc(GOOD);
        assert_eq!(messages(&check::<Scenario>(&d)), Vec::<String>::new());
        let s: Scenario = deserialize(&d).unwrap();
        assert_eq!(s.countries[1].culture.uai, 30);
        assert_eq!(s.kappa, 0.25);
        assert!(matches!(s.regime, Regime::Open));
        // integers are accepted where floats are expected
        assert_eq!(s.weights, vec![1.0, 2.5]);
        assert!(s.seed.is_none());
    }

    #[test]
    fn unknown_key_reports_suggestion_allowed_keys_and_line() {
        let text = GOOD.replace("uai = 30", "uia = 30");
        let ds = check::<Scenario>(&doc(&text));
        let msgs = messages(&ds);
        assert!(
            msgs.contains(&"scenarios/x.toml:18:1: countries[1].culture.uia: unknown key 'uia'; did you mean 'uai'? allowed keys: pdi, uai".to_string()),
            "{msgs:#?}"
        );
        // ... and the now-missing required key, located at the culture table.
        assert!(
            msgs.iter()
                .any(|m| m.contains("countries[1].culture.uai: missing required key 'uai'")),
            "{msgs:#?}"
        );
    }

    #[test]
    fn unknown_key_without_close_match_has_no_suggestion() {
        let text = format!("zzzzzz = 1\n{GOOD}");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(ds.len(), 1, "{:#?}", messages(&ds));
        assert_eq!(ds[0].line, Some(1));
        assert_eq!(ds[0].message, "unknown key 'zzzzzz'");
        assert!(ds[0].allowed.as_deref().unwrap_or("").contains("countries"));
    }

    #[test]
    fn all_problems_reported_together_in_source_order() {
        let text = GOOD
            .replace("name = \"test\"", "name = 5")
            .replace("uai = 92", "uai = 140");
        let ds = check::<Scenario>(&doc(&text));
        let msgs = messages(&ds);
        assert_eq!(ds.len(), 2, "{msgs:#?}");
        assert_eq!(
            msgs[0],
            "scenarios/x.toml:1:1: name: wrong type: expected string, found integer 5"
        );
        assert_eq!(
            msgs[1],
            "scenarios/x.toml:12:1: countries[0].culture.uai: value 140 is out of range; allowed: 0 to 120"
        );
    }

    #[test]
    fn wrong_type_names_expected_and_found() {
        let text = GOOD.replace("pdi = 54", "pdi = \"high\"");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].key_path, "countries[0].culture.pdi");
        assert_eq!(
            ds[0].message,
            "wrong type: expected integer, found string \"high\""
        );
        // a float where an integer is expected is a wrong type too
        let text = GOOD.replace("pdi = 54", "pdi = 54.5");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(
            ds[0].message,
            "wrong type: expected integer, found float 54.5"
        );
        // a table where a string is expected
        let text = GOOD.replace("name = \"test\"", "name = { x = 1 }");
        let ds = check::<Scenario>(&doc(&text));
        assert!(
            ds[0].message.contains("expected string, found table"),
            "{:?}",
            ds[0]
        );
    }

    #[test]
    fn float_out_of_range_shows_range_and_default_is_not_required() {
        let text = format!("kappa = 1.5\n{GOOD}");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].message, "value 1.5 is out of range");
        assert_eq!(ds[0].allowed.as_deref(), Some("0.0 to 1.0"));
        // integer accepted for a float in range
        let text = format!("kappa = 1\n{GOOD}");
        assert!(check::<Scenario>(&doc(&text)).is_empty());
    }

    #[test]
    fn missing_required_keys_are_located_at_parent_table() {
        let text = GOOD.replace("end = \"2030Q4\"\n", "");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].key_path, "horizon.end");
        assert_eq!(ds[0].message, "missing required key 'end'");
        assert_eq!(ds[0].line, Some(4));
    }

    #[test]
    fn enum_value_not_allowed_lists_allowed_values_with_suggestion() {
        let text = format!("regime = \"opne\"\n{GOOD}");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(messages(&ds), vec![
            "scenarios/x.toml:1:1: regime: value \"opne\" is not allowed; did you mean 'open'? allowed: closed, open".to_string()
        ]);
        let text = format!("regime = \"closed\"\n{GOOD}");
        assert!(check::<Scenario>(&doc(&text)).is_empty());
        let text = format!("regime = 3\n{GOOD}");
        let ds = check::<Scenario>(&doc(&text));
        assert!(
            ds[0].message.contains("expected string, found integer 3"),
            "{:?}",
            ds[0]
        );
    }

    #[test]
    fn option_fields_check_inner_type() {
        let text = format!("seed = 42\n{GOOD}");
        assert!(check::<Scenario>(&doc(&text)).is_empty());
        let text = format!("seed = -1\n{GOOD}");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].message, "value -1 is out of range");
        let text = format!("seed = \"x\"\n{GOOD}");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(
            ds[0].message,
            "wrong type: expected integer, found string \"x\""
        );
    }

    #[test]
    fn internally_tagged_enum_checks_tag_then_variant_fields() {
        let ok = format!("{GOOD}\n[shock]\nkind = \"flood\"\nseverity = 0.5\n");
        assert!(check::<Scenario>(&doc(&ok)).is_empty());
        let d = doc(&ok);
        let s: Scenario = deserialize(&d).unwrap();
        assert!(matches!(s.shock, Some(Shock::Flood { .. })));
        let bad_tag = format!("{GOOD}\n[shock]\nkind = \"fire\"\nseverity = 0.5\n");
        let ds = check::<Scenario>(&doc(&bad_tag));
        assert_eq!(ds.len(), 1, "{:#?}", messages(&ds));
        assert_eq!(ds[0].key_path, "shock.kind");
        assert_eq!(ds[0].allowed.as_deref(), Some("flood, pandemic"));
        let bad_field = format!("{GOOD}\n[shock]\nkind = \"pandemic\"\nwaves = 300\n");
        let ds = check::<Scenario>(&doc(&bad_field));
        assert_eq!(ds.len(), 1, "{:#?}", messages(&ds));
        assert_eq!(ds[0].key_path, "shock.waves");
        assert_eq!(ds[0].allowed.as_deref(), Some("0 to 255"));
    }

    #[test]
    fn map_values_are_checked_against_value_schema() {
        let ok = format!("{GOOD}\n[tags]\nfoo = 1\nbar = 2.5\n");
        assert!(check::<Scenario>(&doc(&ok)).is_empty());
        let bad = format!("{GOOD}\n[tags]\nfoo = \"x\"\n");
        let ds = check::<Scenario>(&doc(&bad));
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].key_path, "tags.foo");
    }

    #[test]
    fn externally_tagged_enum_accepts_unit_and_table_variants() {
        for ok in ["policy = \"laissez\"", "policy = { cap = { level = 2 } }"] {
            let text = format!("{ok}\n{GOOD}");
            let d = doc(&text);
            assert!(check::<Scenario>(&d).is_empty(), "{ok}");
            assert!(deserialize::<Scenario>(&d).is_ok(), "{ok}");
        }
        let text = format!("policy = {{ cap = {{ levl = 2 }} }}\n{GOOD}");
        let msgs = messages(&check::<Scenario>(&doc(&text)));
        assert!(
            msgs.iter()
                .any(|m| m.contains("policy.cap.levl: unknown key 'levl'; did you mean 'level'?")),
            "{msgs:#?}"
        );
        let text = format!("policy = \"laisez\"\n{GOOD}");
        let msgs = messages(&check::<Scenario>(&doc(&text)));
        assert!(msgs[0].contains("did you mean 'laissez'?"), "{msgs:#?}");
    }

    #[test]
    fn datetime_where_string_expected_is_wrong_type() {
        let text = GOOD.replace("start = \"1992Q1\"", "start = 1992-01-01");
        let ds = check::<Scenario>(&doc(&text));
        assert_eq!(ds.len(), 1);
        assert!(
            ds[0].message.contains("found datetime 1992-01-01"),
            "{:?}",
            ds[0]
        );
    }

    #[test]
    fn problem_in_base_file_is_located_in_base_file() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.toml");
        std::fs::write(&base, GOOD.replace("pdi = 54", "pdi = 500")).unwrap();
        let v = dir.path().join("v.toml");
        std::fs::write(
            &v,
            "extends = \"base.toml\"\n[[countries]]\ncode = \"VNM\"\nculture.uai = 121\n",
        )
        .unwrap();
        let d = resolve(&v, &no_builtin).unwrap();
        let ds = check::<Scenario>(&d);
        assert_eq!(ds.len(), 2, "{:#?}", messages(&ds));
        // most-derived file first
        assert_eq!((ds[0].file.as_path(), ds[0].line), (v.as_path(), Some(4)));
        assert_eq!(ds[0].key_path, "countries[1].culture.uai");
        assert_eq!(
            (ds[1].file.as_path(), ds[1].line),
            (base.as_path(), Some(11))
        );
        assert_eq!(ds[1].key_path, "countries[0].culture.pdi");
    }

    #[test]
    fn set_override_problem_is_located_on_command_line() {
        let mut d = doc(GOOD);
        d.apply_set("countries[VNM].culture.uai=200").unwrap();
        let ds = check::<Scenario>(&d);
        assert_eq!(ds.len(), 1);
        assert_eq!(
            ds[0].to_string(),
            "<command line: --set countries[VNM].culture.uai=200>: countries[1].culture.uai: value 200 is out of range; allowed: 0 to 120"
        );
    }

    #[test]
    fn deserialize_error_names_key_path_and_location() {
        let text = GOOD.replace("pdi = 70", "pdi = \"x\"");
        let d = doc(&text);
        let err = deserialize::<Scenario>(&d).unwrap_err();
        assert_eq!(err.0.len(), 1);
        let e = &err.0[0];
        assert_eq!(e.key_path, "countries[1].culture.pdi");
        assert_eq!(e.file, Path::new("scenarios/x.toml"));
        assert_eq!(e.line, Some(17));
        assert!(e.message.contains("invalid type"), "{}", e.message);
    }

    #[test]
    fn suggest_prefers_closest_and_rejects_far_words() {
        assert_eq!(suggest("uia", ["pdi", "uai", "mas"]), Some("uai"));
        assert_eq!(suggest("Kappa", ["kappa", "gamma"]), Some("kappa"));
        assert_eq!(suggest("horizn", ["horizon", "name"]), Some("horizon"));
        assert_eq!(suggest("zzzzzz", ["horizon", "name"]), None);
    }

    #[test]
    fn check_never_panics_on_odd_documents() {
        for text in [
            "name = [[1], {a = 1}]",
            "countries = 3",
            "countries = [1, \"x\", []]",
            "[[countries]]\n[[countries.culture]]\npdi = 1",
            "horizon = { start = 1979-05-27T07:32:00Z }",
            "weights = [inf, nan, -0.0]",
        ] {
            let d = doc(text);
            let ds = check::<Scenario>(&d);
            assert!(!ds.is_empty(), "{text}");
            assert!(deserialize::<Scenario>(&d).is_err());
        }
    }
}

#[cfg(test)]
mod no_panic_tests {
    use super::test_types::Scenario;
    use super::*;
    use crate::scenario::document::{SourceFile, resolve_source};
    use crate::scenario::keypath::KeyPath;
    use proptest::prelude::*;

    fn builtin(name: &str) -> Option<&'static str> {
        (name == "base.toml").then_some("name = \"b\"\n[[countries]]\ncode = \"JPN\"\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary text never panics anywhere in the pipeline.
        #[test]
        fn arbitrary_text_never_panics(text in "(extends = \"base.toml\"\n)?[a-z\\[\\]\"=. 0-9\n{},]{0,80}",
                                      set in "[a-z\\[\\]\"=. 0-9A-Z]{0,30}") {
            let _ = KeyPath::parse(&set);
            if let Ok(mut d) = resolve_source(
                SourceFile { path: "x.toml".into(), text },
                &builtin,
            ) {
                let _ = d.apply_set(&set);
                let _ = check::<Scenario>(&d);
                let _ = deserialize::<Scenario>(&d);
                let _ = d.locate(&set);
                let _ = d.to_toml_string();
            }
        }
    }
}
