//! The JSON Schema of scenario files, as printed by `kizuna schema scenario`: the schemars schema
//! of the raw types ([`RawScenario`], the same one `schema_check` walks), with `$schema`, `$id`
//! and a title, for editors that validate TOML against a JSON Schema (docs/EDITORS.md).
//!
//! A file with `extends` changes only what differs, so every key is optional in it (an element of
//! an array of tables may name just its `code` or `id` and the fields it changes): the schema
//! holds each definition twice, complete (`X`) and with nothing required (`partial.X`), and picks
//! the partial ones with `if extends then … else …`. Types, ranges, enums and unknown keys are
//! checked in both.

use super::raw::RawScenario;
use serde_json::{Map, Value};

/// `$id` of the scenario schema (a name, not a download location).
pub const SCENARIO_SCHEMA_ID: &str = "urn:kizuna:schema:scenario";

const DEFS: &str = "#/$defs/";

/// Removes every `required` and points `$ref`s at the `partial.` definitions.
fn partial(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, val) in o {
                match (k.as_str(), val) {
                    ("required", _) => {}
                    ("$ref", Value::String(r)) if r.starts_with(DEFS) => {
                        out.insert(
                            k.clone(),
                            Value::String(format!("{DEFS}partial.{}", &r[DEFS.len()..])),
                        );
                    }
                    _ => {
                        out.insert(k.clone(), partial(val));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(partial).collect()),
        other => other.clone(),
    }
}

/// The scenario file schema (JSON Schema draft 2020-12).
pub fn json_schema() -> Value {
    let schema = schemars::schema_for!(RawScenario);
    let Value::Object(mut full) = schema.as_value().clone() else {
        return schema.as_value().clone();
    };
    let mut defs = match full.remove("$defs") {
        Some(Value::Object(d)) => d,
        _ => Map::new(),
    };
    let partial_defs: Vec<(String, Value)> = defs
        .iter()
        .map(|(k, v)| (format!("partial.{k}"), partial(v)))
        .collect();
    defs.extend(partial_defs);
    let mut properties = match full.remove("properties") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };
    properties.insert(
        "extends".into(),
        serde_json::json!({
            "type": "string",
            "description": "Another scenario file (relative to this one) or built-in name; this \
                            file then changes only what differs."
        }),
    );
    let required = full.remove("required").unwrap_or(Value::Array(vec![]));
    let partial_properties = partial(&Value::Object(properties.clone()));
    // The root lists every key (so unknown keys are refused either way); the constraints on each
    // come from the branch.
    let root_keys: Map<String, Value> = properties
        .keys()
        .map(|k| (k.clone(), Value::Bool(true)))
        .collect();
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        Value::String("https://json-schema.org/draft/2020-12/schema".into()),
    );
    out.insert("$id".into(), Value::String(SCENARIO_SCHEMA_ID.into()));
    out.insert(
        "title".into(),
        Value::String(format!(
            "kizuna {} scenario file",
            env!("CARGO_PKG_VERSION")
        )),
    );
    if let Some(d) = full.remove("description") {
        out.insert("description".into(), d);
    }
    out.insert("type".into(), Value::String("object".into()));
    out.insert("properties".into(), Value::Object(root_keys));
    out.insert("additionalProperties".into(), Value::Bool(false));
    out.insert("if".into(), serde_json::json!({ "required": ["extends"] }));
    out.insert(
        "then".into(),
        serde_json::json!({ "properties": partial_properties }),
    );
    out.insert(
        "else".into(),
        serde_json::json!({ "properties": properties, "required": required }),
    );
    out.insert("$defs".into(), Value::Object(defs));
    Value::Object(out)
}

/// `$schema`, `$id` and `title` first, then the rest of a schemars root schema (for the sweep and
/// calibration schemas, which need no `extends` handling).
pub fn with_header(schema: Value, id: &str, title: &str) -> Value {
    let Value::Object(rest) = schema else {
        return schema;
    };
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        Value::String("https://json-schema.org/draft/2020-12/schema".into()),
    );
    out.insert("$id".into(), Value::String(id.into()));
    out.insert("title".into(), Value::String(title.into()));
    for (k, v) in rest {
        if !matches!(k.as_str(), "$schema" | "$id" | "title") {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}
