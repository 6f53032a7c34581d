//! Typed tables and their Parquet encoding (`--format parquet`, `docs/OUTPUTS.md`).
//!
//! The CSV writers in `output` and `sweep` stay the reference; a [`Table`] holds the same rows
//! with a type per column (64-bit integers, doubles, UTF-8 strings; missing values as nulls) and
//! is encoded with the low-level writer of the `parquet` crate (no Arrow): one row group per
//! 2^20 rows, Snappy pages, the writer's default statistics. Nothing in the encoding depends on
//! the clock or the thread count, so the bytes are a function of the rows alone.

use parquet::basic::{Compression, IntType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::sync::Arc;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// 64-bit signed integers, never missing.
    Int(Vec<i64>),
    /// Unsigned 64-bit integers (seeds), never missing; Parquet `INT64` annotated unsigned.
    UInt(Vec<u64>),
    /// Integers that may be missing (`recovery_quarters` of a run that did not recover).
    OptInt(Vec<Option<i64>>),
    /// Doubles that may be missing (an empty CSV cell).
    Float(Vec<Option<f64>>),
    /// UTF-8 strings, never missing.
    Str(Vec<String>),
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::UInt(v) => v.len(),
            Values::OptInt(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Str(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of the type as the docs give it.
    pub fn type_label(&self) -> &'static str {
        match self {
            Values::Int(_) => "int64",
            Values::UInt(_) => "uint64",
            Values::OptInt(_) => "int64 (nullable)",
            Values::Float(_) => "double (nullable)",
            Values::Str(_) => "string",
        }
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Values,
}

/// Columns of equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
}

/// Rows per row group.
const ROW_GROUP_ROWS: usize = 1 << 20;

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    /// Appends a column (builder style).
    pub fn push(&mut self, name: impl Into<String>, values: Values) {
        self.columns.push(Column {
            name: name.into(),
            values,
        });
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }

    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }

    /// The Parquet file of this table.
    pub fn to_parquet(&self) -> Result<Vec<u8>, String> {
        let rows = self.rows();
        if let Some(c) = self.columns.iter().find(|c| c.values.len() != rows) {
            return Err(format!(
                "column {} has {} rows, the first column {rows} (a bug)",
                c.name,
                c.values.len()
            ));
        }
        let err = |e: parquet::errors::ParquetError| format!("parquet encoding: {e}");
        let mut fields = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let (physical, logical, repetition) = match &c.values {
                Values::Int(_) => (Physical::INT64, None, Repetition::REQUIRED),
                Values::UInt(_) => (
                    Physical::INT64,
                    Some(LogicalType::Integer(IntType {
                        bit_width: 64,
                        is_signed: false,
                    })),
                    Repetition::REQUIRED,
                ),
                Values::OptInt(_) => (Physical::INT64, None, Repetition::OPTIONAL),
                Values::Float(_) => (Physical::DOUBLE, None, Repetition::OPTIONAL),
                Values::Str(_) => (
                    Physical::BYTE_ARRAY,
                    Some(LogicalType::String),
                    Repetition::REQUIRED,
                ),
            };
            let field = Type::primitive_type_builder(&c.name, physical)
                .with_repetition(repetition)
                .with_logical_type(logical)
                .build()
                .map_err(err)?;
            fields.push(Arc::new(field));
        }
        let schema = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()
            .map_err(err)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let mut buf = Vec::new();
        let mut writer =
            SerializedFileWriter::new(&mut buf, Arc::new(schema), Arc::new(props)).map_err(err)?;
        let mut start = 0;
        // At least one row group, so that an empty table still has its schema and types.
        loop {
            let end = (start + ROW_GROUP_ROWS).min(rows);
            let mut group = writer.next_row_group().map_err(err)?;
            for c in &self.columns {
                let mut col = group
                    .next_column()
                    .map_err(err)?
                    .ok_or_else(|| format!("parquet encoding: no column writer for {}", c.name))?;
                match &c.values {
                    Values::Int(v) => {
                        col.typed::<Int64Type>()
                            .write_batch(&v[start..end], None, None)
                            .map_err(err)?;
                    }
                    Values::UInt(v) => {
                        // Parquet stores unsigned 64-bit integers in INT64 (two's complement
                        // bits); the logical type tells readers to read them as unsigned.
                        let bits: Vec<i64> = v[start..end].iter().map(|&x| x as i64).collect();
                        col.typed::<Int64Type>()
                            .write_batch(&bits, None, None)
                            .map_err(err)?;
                    }
                    Values::OptInt(v) => {
                        let (vals, defs) = split_optional(&v[start..end]);
                        col.typed::<Int64Type>()
                            .write_batch(&vals, Some(&defs), None)
                            .map_err(err)?;
                    }
                    Values::Float(v) => {
                        let (vals, defs) = split_optional(&v[start..end]);
                        col.typed::<DoubleType>()
                            .write_batch(&vals, Some(&defs), None)
                            .map_err(err)?;
                    }
                    Values::Str(v) => {
                        let vals: Vec<ByteArray> = v[start..end]
                            .iter()
                            .map(|s| ByteArray::from(s.as_str()))
                            .collect();
                        col.typed::<ByteArrayType>()
                            .write_batch(&vals, None, None)
                            .map_err(err)?;
                    }
                }
                col.close().map_err(err)?;
            }
            group.close().map_err(err)?;
            start = end;
            if start >= rows {
                break;
            }
        }
        writer.close().map_err(err)?;
        Ok(buf)
    }
}

/// Present values and definition levels (1 present, 0 null) of an optional column.
fn split_optional<T: Copy>(v: &[Option<T>]) -> (Vec<T>, Vec<i16>) {
    let vals = v.iter().filter_map(|x| *x).collect();
    let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
    (vals, defs)
}

/// The output formats of `kizuna run` and `kizuna sweep` (`--format csv,parquet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// CSV with a header row (`docs/OUTPUTS.md`); the plots and `kizuna fit`/`plot`/`brief` read it.
    Csv,
    /// Apache Parquet: the same tables typed, plus the long `timeseries_long.parquet`.
    Parquet,
}

/// Which formats a list of `--format` values selects (at least one; duplicates ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub csv: bool,
    pub parquet: bool,
}

impl Default for Formats {
    /// Both: CSV for spreadsheets and the commands that read a run back, Parquet for typed loads.
    fn default() -> Self {
        Formats {
            csv: true,
            parquet: true,
        }
    }
}

impl Formats {
    pub fn from_list(list: &[Format]) -> Formats {
        if list.is_empty() {
            return Formats::default();
        }
        Formats {
            csv: list.contains(&Format::Csv),
            parquet: list.contains(&Format::Parquet),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    fn sample() -> Table {
        let mut t = Table::new();
        t.push("replication", Values::Int(vec![0, 1, 2]));
        t.push("seed", Values::UInt(vec![u64::MAX, 1, 2]));
        t.push(
            "recovery_quarters",
            Values::OptInt(vec![Some(4), None, Some(0)]),
        );
        t.push("x.VNM-JPN", Values::Float(vec![Some(0.0), Some(1.5), None]));
        t.push(
            "shock_id",
            Values::Str(vec!["a".into(), "b".into(), "é".into()]),
        );
        t
    }

    #[test]
    fn parquet_round_trip_keeps_rows_types_and_nulls() {
        let bytes = sample().to_parquet().unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 3);
        let schema = meta.schema_descr();
        let physical: Vec<Physical> = (0..schema.num_columns())
            .map(|i| schema.column(i).physical_type())
            .collect();
        assert_eq!(
            physical,
            [
                Physical::INT64,
                Physical::INT64,
                Physical::INT64,
                Physical::DOUBLE,
                Physical::BYTE_ARRAY
            ]
        );
        let rows: Vec<Vec<Field>> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                r.unwrap()
                    .into_columns()
                    .into_iter()
                    .map(|(_, f)| f)
                    .collect()
            })
            .collect();
        assert_eq!(rows[0][1], Field::ULong(u64::MAX));
        assert_eq!(rows[1][2], Field::Null);
        assert_eq!(rows[1][3], Field::Double(1.5));
        assert_eq!(rows[2][3], Field::Null);
        assert_eq!(rows[2][4], Field::Str("é".into()));
    }

    #[test]
    fn parquet_bytes_depend_only_on_the_rows() {
        assert_eq!(
            sample().to_parquet().unwrap(),
            sample().to_parquet().unwrap()
        );
        let mut other = sample();
        other.columns[3].values = Values::Float(vec![Some(0.0), Some(1.25), None]);
        assert_ne!(sample().to_parquet().unwrap(), other.to_parquet().unwrap());
    }

    #[test]
    fn an_empty_table_still_carries_its_schema() {
        let mut t = Table::new();
        t.push("replication", Values::Int(vec![]));
        let bytes = t.to_parquet().unwrap();
        let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
        assert_eq!(
            reader
                .metadata()
                .file_metadata()
                .schema_descr()
                .num_columns(),
            1
        );
    }

    #[test]
    fn columns_of_unequal_length_are_refused() {
        let mut t = sample();
        t.push("short", Values::Int(vec![1]));
        assert!(t.to_parquet().unwrap_err().contains("short"));
    }

    #[test]
    fn an_empty_format_list_means_both_and_a_list_selects() {
        assert_eq!(Formats::from_list(&[]), Formats::default());
        assert_eq!(
            Formats::from_list(&[Format::Parquet]),
            Formats {
                csv: false,
                parquet: true
            }
        );
    }
}
