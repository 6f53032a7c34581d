//! A Markdown reference of every key of a scenario type, generated from its JSON schema.
//!
//! One row per key path (arrays of tables shown as `countries[].culture.uai`, maps as
//! `name.<key>.field`) with the columns key, type, default, allowed (range or enum values)
//! and meaning (the doc comment). The output is deterministic: keys appear in the order of
//! the schema's `properties` (alphabetical with the default `serde_json` map), parents
//! before children, and nothing depends on the environment.

use schemars::JsonSchema;
use serde_json::Value as Json;

use super::schema_check::{
    json_as_toml, literal_list, literal_values, non_null_branches, range_text, resolve_ref,
    schema_types,
};

struct Row {
    key: String,
    ty: String,
    default: String,
    allowed: String,
    meaning: String,
}

/// The Markdown reference of every key path of `T` (see the module documentation).
pub fn reference_markdown<T: JsonSchema>(title: &str) -> String {
    let schema = schemars::schema_for!(T);
    let root = schema.as_value();
    let mut rows = Vec::new();
    let mut stack = Vec::new();
    let w = Walker { root };
    w.walk_object(root, "", &mut rows, &mut stack, None);

    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", one_line(title)));
    out.push_str("<!-- Generated from the scenario types; do not edit by hand. -->\n\n");
    if let Some(d) = description(root) {
        out.push_str(&format!("{}\n\n", d.trim()));
    }
    out.push_str(
        "Key paths: `a.b` is key `b` of table `a`; `countries[]` is every element of the \
         array of tables `countries` (select one with `countries[0]` or by its code \
         `countries[VNM]` in `--set`); `<key>` stands for any key of a map. Default \
         *required* means the key must be given; *optional* means it may be left out. \
         Any scenario file may also say `extends = \"base.toml\"` to start from another \
         file (arrays of tables with `code`/`id` keys are merged element by element).\n\n",
    );
    out.push_str("| Key | Type | Default | Allowed | Meaning |\n");
    out.push_str("|---|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            cell(&r.key),
            cell(&r.ty),
            cell(&r.default),
            cell(&r.allowed),
            cell(&r.meaning)
        ));
    }
    out
}

/// One key path of a scenario type as the reference documents it.
pub struct KeyDoc {
    /// In the `countries[].culture.uai` form.
    pub key: String,
    /// Range or allowed values, Markdown.
    pub allowed: String,
    /// The doc comment, one line.
    pub meaning: String,
}

/// Every key path of `T` with its allowed values and meaning.
pub fn key_docs<T: JsonSchema>() -> Vec<KeyDoc> {
    let schema = schemars::schema_for!(T);
    let root = schema.as_value();
    let mut rows = Vec::new();
    Walker { root }.walk_object(root, "", &mut rows, &mut Vec::new(), None);
    dedup_rows(&mut rows);
    rows.into_iter()
        .map(|r| KeyDoc {
            key: r.key,
            allowed: one_line(&r.allowed),
            meaning: one_line(&r.meaning),
        })
        .collect()
}

/// Every key path of `T` (in the `countries[].culture.uai` form of the reference) with its
/// meaning (the doc comment, one line).
pub fn key_meanings<T: JsonSchema>() -> Vec<(String, String)> {
    key_docs::<T>()
        .into_iter()
        .map(|d| (d.key, d.meaning))
        .collect()
}

/// A readable label for a scenario key path such as `countries[VNM].culture.uai`, from the
/// key's doc comment: `VNM: uncertainty avoidance, Hofstede score` (selectors first, then the
/// meaning up to its first sentence end, then the unit in its `[…]`). `None` for an unknown key.
pub fn key_label(key: &str) -> Option<String> {
    use std::sync::OnceLock;
    static MEANINGS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let meanings = MEANINGS.get_or_init(|| key_meanings::<crate::scenario::raw::RawScenario>());
    let (generic, selectors) = generic_key(key);
    let meaning = &meanings.iter().find(|(k, _)| *k == generic)?.1;
    Some(label_from_meaning(meaning, &selectors))
}

/// `donors[JICA].recipients[0].x` → (`donors[].recipients[].x`, [`JICA`, `0`]).
fn generic_key(key: &str) -> (String, Vec<String>) {
    let mut generic = String::new();
    let mut selectors = Vec::new();
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        generic.push_str(&rest[..open]);
        generic.push_str("[]");
        selectors.push(rest[open + 1..open + close].trim_matches('"').to_string());
        rest = &rest[open + close + 1..];
    }
    generic.push_str(rest);
    (generic, selectors)
}

fn label_from_meaning(meaning: &str, selectors: &[String]) -> String {
    // The unit is the last `[…]`; a leading symbol such as `φ₀:` or `S_dc:` is dropped.
    let (text, unit) = match (meaning.rfind('['), meaning.rfind(']')) {
        (Some(a), Some(b)) if a < b => (
            format!("{}{}", &meaning[..a], &meaning[b + 1..]),
            meaning[a + 1..b].trim().to_string(),
        ),
        _ => (meaning.to_string(), String::new()),
    };
    let text = match text.split_once(": ") {
        Some((sym, rest)) if !sym.contains(' ') && sym.chars().count() <= 12 => rest.to_string(),
        _ => text,
    };
    let text = text
        .split(['.', ';'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches(',')
        .to_string();
    let mut label = String::new();
    if !selectors.is_empty() {
        label.push_str(&selectors.join(" "));
        label.push_str(": ");
        let mut c = text.chars();
        if let Some(first) = c.next() {
            label.extend(first.to_lowercase());
            label.push_str(c.as_str());
        }
    } else {
        let mut c = text.chars();
        if let Some(first) = c.next() {
            label.extend(first.to_uppercase());
            label.push_str(c.as_str());
        }
    }
    if !unit.is_empty() {
        label.push_str(", ");
        label.push_str(&unit);
    }
    label
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn description(schema: &Json) -> Option<String> {
    schema
        .get("description")
        .and_then(Json::as_str)
        .map(str::to_string)
}

fn code(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("`{}`", s.replace('`', "'"))
    }
}

struct Walker<'a> {
    root: &'a Json,
}

impl<'a> Walker<'a> {
    /// Rows for the properties of an object schema, under `prefix`.
    /// `condition` (for variants of a tagged enum) is added to each meaning.
    fn walk_object(
        &self,
        schema: &'a Json,
        prefix: &str,
        rows: &mut Vec<Row>,
        stack: &mut Vec<String>,
        condition: Option<(&str, &str)>,
    ) {
        let schema = resolve_ref(self.root, schema);
        let Some(props) = schema.get("properties").and_then(Json::as_object) else {
            return;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        for (name, prop) in props {
            let key = if prefix.is_empty() {
                name.clone()
            } else {
                format!(
                    "{prefix}.{}",
                    super::keypath::KeyPath(vec![super::keypath::Segment::Key(name.clone())])
                )
            };
            // The tag of a variant is documented without the variant condition.
            let cond = condition.filter(|(tag, _)| tag != name).map(|(_, c)| c);
            self.property(
                prop,
                &key,
                required.contains(&name.as_str()),
                rows,
                stack,
                cond,
            );
        }
    }

    fn property(
        &self,
        prop: &'a Json,
        key: &str,
        required: bool,
        rows: &mut Vec<Row>,
        stack: &mut Vec<String>,
        condition: Option<&str>,
    ) {
        let ref_name = prop.get("$ref").and_then(Json::as_str).map(str::to_string);
        if let Some(r) = &ref_name
            && stack.contains(r)
        {
            rows.push(Row {
                key: key.to_string(),
                ty: format!("recursive ({})", r.rsplit('/').next().unwrap_or(r)),
                default: String::new(),
                allowed: String::new(),
                meaning: description(prop).unwrap_or_default(),
            });
            return;
        }
        if let Some(r) = &ref_name {
            stack.push(r.clone());
        }
        let resolved = resolve_ref(self.root, prop);
        let target = self.unwrap_option(resolved).unwrap_or(resolved);
        let target = resolve_ref(self.root, target);

        let default = prop
            .get("default")
            .or_else(|| resolved.get("default"))
            .map(|d| code(&json_as_toml(d)))
            .unwrap_or_else(|| {
                if required {
                    "*required*".into()
                } else {
                    "*optional*".into()
                }
            });
        let mut meaning = description(prop)
            .or_else(|| description(resolved))
            .or_else(|| description(target))
            .unwrap_or_default();
        if let Some(c) = condition {
            meaning = if meaning.is_empty() {
                format!("({c})")
            } else {
                format!("{meaning} ({c})")
            };
        }
        rows.push(Row {
            key: key.to_string(),
            ty: self.type_name(target),
            default,
            allowed: self.allowed(target),
            meaning,
        });
        self.children(target, key, rows, stack);
        if ref_name.is_some() {
            stack.pop();
        }
    }

    /// Rows below a value of schema `target` at `key`.
    fn children(&self, target: &'a Json, key: &str, rows: &mut Vec<Row>, stack: &mut Vec<String>) {
        let types = schema_types(target);
        if types.contains(&"array") {
            if let Some(items) = target.get("items") {
                let ref_name = items.get("$ref").and_then(Json::as_str).map(str::to_string);
                if let Some(r) = &ref_name {
                    if stack.contains(r) {
                        return;
                    }
                    stack.push(r.clone());
                }
                let item = resolve_ref(self.root, items);
                let item = self
                    .unwrap_option(item)
                    .map(|i| resolve_ref(self.root, i))
                    .unwrap_or(item);
                self.children(item, &format!("{key}[]"), rows, stack);
                if ref_name.is_some() {
                    stack.pop();
                }
            }
            return;
        }
        if target.get("properties").is_some() {
            self.walk_object(target, key, rows, stack, None);
        } else if let Some(add @ Json::Object(_)) = target.get("additionalProperties") {
            let map_key = format!("{key}.<key>");
            self.property(add, &map_key, false, rows, stack, None);
        } else if let Some(branches) = non_null_branches(self.root, target)
            && literal_values(self.root, target).is_none()
        {
            // Tagged enum: document each variant's fields, marked with the variant.
            for b in branches {
                let rb = resolve_ref(self.root, b);
                let tag = rb
                    .get("properties")
                    .and_then(Json::as_object)
                    .and_then(|p| {
                        p.iter().find_map(|(k, v)| {
                            literal_values(self.root, v)
                                .filter(|l| l.len() == 1)
                                .map(|l| (k.clone(), format!("when {k} = {}", json_as_toml(&l[0]))))
                        })
                    });
                let tag = tag.or_else(|| {
                    // Externally tagged: a single required key naming the variant.
                    let req = rb.get("required").and_then(Json::as_array)?;
                    let variant = req.first()?.as_str()?;
                    (req.len() == 1).then(|| (String::new(), format!("variant {variant}")))
                });
                self.walk_object(
                    rb,
                    key,
                    rows,
                    stack,
                    tag.as_ref().map(|(k, c)| (k.as_str(), c.as_str())),
                );
            }
            dedup_rows(rows);
        }
    }

    /// The inner schema of `Option<T>` (`anyOf: [T, null]`), if that is what this is.
    fn unwrap_option(&self, schema: &'a Json) -> Option<&'a Json> {
        let all = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Json::as_array)?;
        let branches = non_null_branches(self.root, schema)?;
        (branches.len() == 1 && all.len() == 2).then(|| branches[0])
    }

    fn type_name(&self, schema: &'a Json) -> String {
        let schema = resolve_ref(self.root, schema);
        if let Some(lits) = literal_values(self.root, schema) {
            let all_strings = lits.iter().all(Json::is_string);
            return if all_strings {
                "string (one of)".into()
            } else {
                "value (one of)".into()
            };
        }
        if let Some(branches) = non_null_branches(self.root, schema) {
            if branches.len() == 1 {
                return self.type_name(branches[0]);
            }
            let mut names: Vec<String> = Vec::new();
            for b in branches {
                let n = self.type_name(b);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            return names.join(" or ");
        }
        let types = schema_types(schema);
        let mut names = Vec::new();
        for t in types {
            let n = match t {
                "number" => "float".to_string(),
                "integer" => "integer".to_string(),
                "string" => "string".to_string(),
                "boolean" => "boolean".to_string(),
                "array" => match schema.get("items") {
                    Some(items) => {
                        let item = resolve_ref(self.root, items);
                        if is_table(self.root, item) {
                            "array of tables".to_string()
                        } else {
                            format!("array of {}", self.type_name(items))
                        }
                    }
                    None => "array".to_string(),
                },
                "object" => match schema.get("additionalProperties") {
                    Some(add @ Json::Object(_)) if schema.get("properties").is_none() => {
                        format!("table of {}", self.type_name(add))
                    }
                    _ => "table".to_string(),
                },
                other => other.to_string(),
            };
            names.push(n);
        }
        if names.is_empty() {
            "any".into()
        } else {
            names.join(" or ")
        }
    }

    fn allowed(&self, schema: &'a Json) -> String {
        let schema = resolve_ref(self.root, schema);
        if let Some(lits) = literal_values(self.root, schema) {
            return literal_list(&lits);
        }
        if let Some(branches) = non_null_branches(self.root, schema) {
            // Mixed enum: unit variants (literals) and variants with fields (tables).
            let mut parts: Vec<String> = Vec::new();
            for b in branches {
                let rb = resolve_ref(self.root, b);
                if let Some(lits) = literal_values(self.root, rb) {
                    parts.push(literal_list(&lits));
                } else if let Some(req) = rb.get("required").and_then(Json::as_array)
                    && let [Json::String(variant)] = req.as_slice()
                    && rb.get("additionalProperties") == Some(&Json::Bool(false))
                {
                    parts.push(format!("{variant} (table)"));
                } else {
                    let a = self.allowed(rb);
                    if !a.is_empty() {
                        parts.push(a);
                    }
                }
            }
            return parts.join(", ");
        }
        let types = schema_types(schema);
        if types.contains(&"integer") || types.contains(&"number") {
            return range_text(schema).unwrap_or_default();
        }
        if types.contains(&"array")
            && let Some(items) = schema.get("items")
        {
            let inner = self.allowed(items);
            if !inner.is_empty() {
                return format!("each: {inner}");
            }
        }
        String::new()
    }
}

fn is_table(root: &Json, schema: &Json) -> bool {
    let s = resolve_ref(root, schema);
    schema_types(s) == ["object"]
        || s.get("properties").is_some()
        || non_null_branches(root, s)
            .is_some_and(|bs| !bs.is_empty() && bs.iter().all(|b| is_table(root, b)))
}

/// Merge rows with the same key (variant fields shared by several variants): the first
/// row stays, the allowed values of later ones are appended when different.
fn dedup_rows(rows: &mut Vec<Row>) {
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for r in rows.drain(..) {
        match out.iter_mut().find(|o| o.key == r.key) {
            Some(o) => {
                if !r.allowed.is_empty() && !o.allowed.split(", ").any(|a| a == r.allowed) {
                    o.allowed = if o.allowed.is_empty() {
                        r.allowed
                    } else {
                        format!("{}, {}", o.allowed, r.allowed)
                    };
                }
            }
            None => out.push(r),
        }
    }
    *rows = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema_check::test_types::Scenario;

    #[test]
    fn reference_lists_every_key_path_with_type_default_allowed_meaning() {
        let md = reference_markdown::<Scenario>("Scenario keys");
        assert!(md.starts_with("# Scenario keys\n"), "{md}");
        for row in [
            "| `countries` | array of tables | *required* |  | Countries. |",
            "| `countries[].code` | string | *required* |  | ISO code. |",
            "| `countries[].culture` | table | *required* |  | Hofstede dimensions. |",
            "| `countries[].culture.pdi` | integer | *required* | 0 to 120 | Power distance. |",
            "| `countries[].culture.uai` | integer | *required* | 0 to 120 |  |",
            "| `kappa` | float | `0.25` | 0.0 to 1.0 | Trust decay. |",
            "| `regime` | string (one of) | *optional* | closed, open | Regime. |",
            "| `seed` | integer | *optional* | >= 0 | Optional seed. |",
            "| `weights` | array of float | *required* |  |  |",
            "| `tags` | table of float | `{}` |  | Named extra weights. |",
            "| `tags.<key>` | float | *optional* |  |  |",
            "| `policy` | string (one of) or table | *optional* | laissez, cap (table) | Policy instrument. |",
            "| `policy.cap` | table | *required* |  | (variant cap) |",
            "| `policy.cap.level` | float | *required* |  |  |",
            "| `horizon.start` | string | *required* |  |  |",
            "| `shock` | table | *optional* |  |  |",
            "| `shock.kind` | string (one of) | *required* | flood, pandemic |  |",
            "| `shock.severity` | float | *required* |  | (when kind = \"flood\") |",
            "| `shock.waves` | integer | *required* | 0 to 255 | (when kind = \"pandemic\") |",
        ] {
            assert!(md.contains(row), "missing row {row}\n{md}");
        }
        // parents come before their children
        let pos = |s: &str| md.find(s).unwrap_or(usize::MAX);
        assert!(pos("| `countries` |") < pos("| `countries[].code` |"));
    }

    #[test]
    fn key_labels_come_from_the_doc_comments() {
        assert_eq!(
            key_label("countries[VNM].culture.uai").as_deref(),
            Some("VNM: uncertainty avoidance, Hofstede score")
        );
        assert_eq!(
            key_label("donors[JICA].recipients[0].strategic_weight").as_deref(),
            Some("JICA 0: strategic weight of the recipient for this donor, dimensionless")
        );
        assert_eq!(
            key_label("parameters.friction.base").as_deref(),
            Some("Friction every partnership has whatever the distance, friction units")
        );
        assert_eq!(
            key_label("shocks[largest_donor_cut].ramp_quarters").as_deref(),
            Some("largest_donor_cut: quarters over which the shock builds up")
        );
        assert_eq!(key_label("no.such.key"), None);
    }

    #[test]
    fn reference_is_deterministic() {
        assert_eq!(
            reference_markdown::<Scenario>("T"),
            reference_markdown::<Scenario>("T")
        );
    }

    #[test]
    fn table_cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a | b\n  c"), "a \\| b c");
    }
}
