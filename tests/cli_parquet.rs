//! Parquet output of `kizuna run` and `kizuna sweep` (`--format`), read back with the `parquet`
//! crate's reader: every Parquet file has the rows, column names and values of its CSV twin,
//! typed (integers as INT64, numbers as DOUBLE, names as UTF-8 strings, empty cells as nulls);
//! `timeseries_long.parquet` has one row per replication, quarter and indicator with its unit;
//! `--format` leaves out what is not asked for. (`scripts/check_parquet.py` checks the same
//! files with pyarrow in CI.)

#[path = "cli_support.rs"]
mod support;

use parquet::basic::{LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::*;

/// The default scenario, 2 replications, full horizon (so resilience is measured), no plots.
fn default_run() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_parquet");
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(&base).unwrap();
        let out = base.join("run");
        kizuna([
            "run",
            "--no-plots",
            "-q",
            "--replications",
            "2",
            "--out",
            out.to_str().unwrap(),
        ])
        .expect_code(0)
        .expect_no_panic();
        out
    })
}

struct Parquet {
    names: Vec<String>,
    physical: Vec<Physical>,
    logical: Vec<Option<LogicalType>>,
    rows: Vec<Vec<Field>>,
}

fn read_parquet(path: &Path) -> Parquet {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = SerializedFileReader::new(file).unwrap();
    let meta = reader.metadata().file_metadata();
    let schema = meta.schema_descr();
    let columns: Vec<_> = (0..schema.num_columns())
        .map(|i| schema.column(i))
        .collect();
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
    assert_eq!(rows.len() as i64, meta.num_rows(), "{}", path.display());
    Parquet {
        names: columns.iter().map(|c| c.name().to_string()).collect(),
        physical: columns.iter().map(|c| c.physical_type()).collect(),
        logical: columns
            .iter()
            .map(|c| c.logical_type_ref().cloned())
            .collect(),
        rows,
    }
}

/// The CSV cell a Parquet value stands for (kizuna's CSV writes floats in shortest round-trip
/// form with a decimal point, so the comparison is exact).
fn cell_matches(field: &Field, cell: &str) -> bool {
    match field {
        Field::Null => cell.is_empty(),
        Field::Long(v) => cell == v.to_string(),
        Field::ULong(v) => cell == v.to_string(),
        Field::Double(v) => cell.parse::<f64>().is_ok_and(|c| c == *v) && cell.contains('.'),
        Field::Str(s) => cell == s,
        other => panic!("unexpected Parquet value {other:?}"),
    }
}

/// Same columns, rows and values as the CSV twin; returns the row count.
fn assert_matches_csv(dir: &Path, stem: &str) -> usize {
    let pq = read_parquet(&dir.join(format!("{stem}.parquet")));
    let mut csv = csv::Reader::from_path(dir.join(format!("{stem}.csv"))).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(pq.names, header, "{stem}: column names");
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(pq.rows.len(), records.len(), "{stem}: rows");
    for (i, (row, rec)) in pq.rows.iter().zip(&records).enumerate() {
        for (j, (field, cell)) in row.iter().zip(rec.iter()).enumerate() {
            assert!(
                cell_matches(field, cell),
                "{stem} row {i}, column {}: {field:?} in Parquet, {cell:?} in the CSV",
                header[j]
            );
        }
    }
    records.len()
}

fn physical_of(pq: &Parquet, name: &str) -> Physical {
    pq.physical[pq.names.iter().position(|n| n == name).unwrap()]
}

#[test]
fn run_parquet_files_have_the_rows_columns_and_values_of_the_csvs() {
    let dir = default_run();
    let rows = assert_matches_csv(dir, "timeseries");
    assert_eq!(rows, 2 * 196, "2 replications × 196 quarters");
    assert!(assert_matches_csv(dir, "resilience") > 0);
    assert_eq!(assert_matches_csv(dir, "summary"), 2);
    assert!(assert_matches_csv(dir, "resilience_paths") > 0);
}

#[test]
fn run_parquet_columns_are_typed() {
    let dir = default_run();
    let ts = read_parquet(&dir.join("timeseries.parquet"));
    for index in ["replication", "step", "year", "quarter"] {
        assert_eq!(physical_of(&ts, index), Physical::INT64, "{index}");
    }
    assert!(ts.physical[4..].iter().all(|p| *p == Physical::DOUBLE));
    let res = read_parquet(&dir.join("resilience.parquet"));
    assert_eq!(physical_of(&res, "shock_id"), Physical::BYTE_ARRAY);
    let shock_id = res.names.iter().position(|n| n == "shock_id").unwrap();
    assert_eq!(res.logical[shock_id], Some(LogicalType::String));
    assert_eq!(physical_of(&res, "recovery_quarters"), Physical::INT64);
    assert_eq!(physical_of(&res, "depth"), Physical::DOUBLE);
}

#[test]
fn long_timeseries_has_one_row_per_quarter_and_indicator_with_its_unit() {
    let dir = default_run();
    let long = read_parquet(&dir.join("timeseries_long.parquet"));
    assert_eq!(
        long.names,
        [
            "replication",
            "scenario",
            "step",
            "year",
            "quarter",
            "indicator",
            "scope",
            "value",
            "unit"
        ]
    );
    let mut wide = csv::Reader::from_path(dir.join("timeseries.csv")).unwrap();
    let header: Vec<String> = wide.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = wide.records().map(|r| r.unwrap()).collect();
    let columns = &header[4..];
    assert_eq!(long.rows.len(), records.len() * columns.len());
    let mut k = 0;
    for rec in &records {
        for (j, column) in columns.iter().enumerate() {
            let row = &long.rows[k];
            let (spec, scope) = kizuna::indicators::lookup(column).expect("a catalogued column");
            assert_eq!(row[1], Field::Str("vietnam_japan".into()));
            assert!(cell_matches(&row[0], &rec[0]) && cell_matches(&row[2], &rec[1]));
            assert!(cell_matches(&row[3], &rec[2]) && cell_matches(&row[4], &rec[3]));
            assert_eq!(row[5], Field::Str(spec.name.into()), "row {k}");
            assert_eq!(row[6], Field::Str(scope.into()), "row {k}");
            assert!(cell_matches(&row[7], &rec[4 + j]), "row {k}: {:?}", row[7]);
            assert_eq!(row[8], Field::Str(spec.unit.into()), "row {k}");
            k += 1;
        }
    }
}

#[test]
fn format_selects_the_files_written() {
    let tmp = tempfile::tempdir().unwrap();
    let only_parquet = tmp.path().join("parquet");
    let only_csv = tmp.path().join("csv");
    let mut args: Vec<&str> = vec!["run", "-q", "--replications", "1"];
    args.extend(SHORT);
    let run = |out: &Path, format: &str, plots: bool| {
        let mut a = args.clone();
        a.extend(["--format", format, "--out", out.to_str().unwrap()]);
        if !plots {
            a.push("--no-plots");
        }
        kizuna(a).expect_code(0).expect_no_panic();
    };
    // Plots are drawn from the CSV tables even when only Parquet is kept.
    run(&only_parquet, "parquet", true);
    run(&only_csv, "csv", false);
    let files = entries(&only_parquet);
    for f in [
        "timeseries.csv",
        "summary.csv",
        "resilience.csv",
        "resilience_paths.csv",
    ] {
        assert!(
            !files.contains(&f.to_string()),
            "{f} written with --format parquet"
        );
        let twin = f.replace(".csv", ".parquet");
        assert!(files.contains(&twin), "{twin} missing");
    }
    assert!(files.contains(&"timeseries_long.parquet".to_string()));
    assert!(
        fs::read_dir(only_parquet.join("plots")).unwrap().count() > 0,
        "no plots with --format parquet"
    );
    assert!(
        entries(&only_csv).iter().all(|f| !f.ends_with(".parquet")),
        "Parquet written with --format csv"
    );
    kizuna(["run", "--format", "xlsx"])
        .expect_code(2)
        .expect_stderr("possible values: csv, parquet");
}

#[test]
fn sweep_parquet_matches_its_csvs_and_parquet_alone_needs_no_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = repo_root().join("scripts/slurm/ci-sweep.toml");
    let out = tmp.path().join("sweep");
    let mut args = vec![
        "-q",
        "sweep",
        sweep.to_str().unwrap(),
        "--no-plots",
        "--out",
    ];
    args.push(out.to_str().unwrap());
    args.extend(SHORT);
    kizuna(args.clone()).expect_code(0).expect_no_panic();
    let runs = assert_matches_csv(&out, "runs");
    let points = assert_matches_csv(&out, "points");
    assert_eq!(runs, 12);
    assert_eq!(points, 6);
    let pq = read_parquet(&out.join("runs.parquet"));
    assert_eq!(physical_of(&pq, "seed"), Physical::INT64);
    assert!(matches!(
        pq.logical[2],
        Some(LogicalType::Integer(ref t)) if t.bit_width == 64 && !t.is_signed
    ));

    let refused = tmp.path().join("refused");
    let mut args = vec![
        "sweep",
        sweep.to_str().unwrap(),
        "--format",
        "parquet",
        "--out",
    ];
    args.push(refused.to_str().unwrap());
    kizuna(args)
        .expect_code(2)
        .expect_stderr("add csv (--format csv,parquet) or pass --no-plots");
    assert!(
        !refused.exists(),
        "a refused sweep wrote {}",
        refused.display()
    );
}
