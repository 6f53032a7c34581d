#!/usr/bin/env python3
"""Checks the Parquet files of kizuna output directories with pyarrow (a reader other than the
writer) against their CSV twins.

    python3 scripts/check_parquet.py DIR [DIR ...]

For every `X.parquet` with an `X.csv` beside it: the same column names in the same order, the
same number of rows, a type per column that matches what the CSV holds (integers → int64, or
uint64 for `seed`; numbers with a decimal point → double; anything else → string; an empty CSV
cell → null; a column of empty cells only may be either numeric type, all null) and the same values (doubles compared exactly: the CSV writes the shortest
round-trip form). `timeseries_long.parquet` is checked against `timeseries.csv`: one row per
replication, quarter and indicator column, `indicator.scope` splitting the column name, the value
of the wide table, and a unit for every indicator. Exits 1 with one line per problem.

When polars is installed too, every CSV with a Parquet twin is also read with
`polars.read_csv(path)` and its default settings: the same columns and rows, and each column
inferred as the type the Parquet file has (integer, float, string; a column of empty cells only
may come back as anything, all null) — the CSVs load typed in a dataframe library as written.

The CI installs both into a venv (`pip install --only-binary=:all: pyarrow polars`, two wheels).
"""

import csv
import re
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

try:
    import polars as pl
except ImportError:
    pl = None

INT = re.compile(r"^-?[0-9]+$")


def csv_columns(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = {name: [r[i] for r in body] for i, name in enumerate(header)}
    return header, len(body), cols


def expected_kind(cells):
    filled = [c for c in cells if c != ""]
    if cells and not filled:
        return "empty"
    if all(INT.match(c) for c in filled):
        return "int"
    try:
        for c in filled:
            float(c)
    except ValueError:
        return "string"
    return "double"


def kind_of(arrow_type):
    if pa.types.is_integer(arrow_type):
        return "int"
    if pa.types.is_floating(arrow_type):
        return "double"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    return str(arrow_type)


def parse(cell, kind):
    if cell == "":
        return None
    if kind == "int":
        return int(cell)
    if kind == "double":
        return float(cell)
    return cell


def check_pair(pq_path, csv_path, problems):
    table = pq.read_table(pq_path)
    header, rows, cols = csv_columns(csv_path)
    where = pq_path
    if table.column_names != header:
        problems.append(f"{where}: columns differ from {csv_path.name}")
        return 0
    if table.num_rows != rows:
        problems.append(f"{where}: {table.num_rows} rows, {csv_path.name} has {rows}")
        return 0
    for name in header:
        column = table.column(name)
        want = expected_kind(cols[name])
        got = kind_of(column.type)
        if want == "empty" and got in ("int", "double"):
            # Nothing in the CSV says int or double (a metric never defined): all nulls.
            if column.null_count != rows:
                problems.append(f"{where}: column {name} has values, the CSV none")
            continue
        if want != got:
            problems.append(f"{where}: column {name} is {column.type}, the CSV holds {want} values")
            continue
        if name == "seed" and not pa.types.is_uint64(column.type):
            problems.append(f"{where}: column seed is {column.type}, expected uint64")
        values = column.to_pylist()
        for i, (cell, value) in enumerate(zip(cols[name], values)):
            if parse(cell, want) != value:
                problems.append(
                    f"{where}: row {i}, column {name}: {value!r} in Parquet, {cell!r} in the CSV"
                )
                break
    return rows


def polars_kind(dtype):
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "double"
    if dtype == pl.String:
        return "string"
    return str(dtype)


def check_polars(pq_path, csv_path, problems):
    """The CSV read by polars with default settings has the Parquet file's columns and types."""
    frame = pl.read_csv(csv_path)
    schema = pq.read_schema(pq_path)
    if frame.columns != schema.names:
        problems.append(f"{csv_path}: polars reads columns {frame.columns[:5]}…, not the Parquet ones")
        return
    rows = pq.read_metadata(pq_path).num_rows
    if frame.height != rows:
        problems.append(f"{csv_path}: polars reads {frame.height} rows, the Parquet file has {rows}")
        return
    for name in schema.names:
        want = kind_of(schema.field(name).type)
        got = polars_kind(frame.schema[name])
        if got != want and frame[name].null_count() != frame.height:
            problems.append(
                f"{csv_path}: polars infers column {name} as {frame.schema[name]}, the Parquet file "
                f"has {schema.field(name).type}"
            )


def check_long(long_path, wide_csv, problems):
    table = pq.read_table(long_path)
    header, rows, cols = csv_columns(wide_csv)
    indicators = header[4:]
    want_cols = ["replication", "scenario", "step", "year", "quarter", "indicator", "scope",
                 "value", "unit"]
    if table.column_names != want_cols:
        problems.append(f"{long_path}: columns {table.column_names}, expected {want_cols}")
        return 0
    if table.num_rows != rows * len(indicators):
        problems.append(
            f"{long_path}: {table.num_rows} rows, expected {rows} quarters × {len(indicators)} columns"
        )
        return 0
    types = {n: kind_of(table.column(n).type) for n in want_cols}
    want_types = {"replication": "int", "scenario": "string", "step": "int", "year": "int",
                  "quarter": "int", "indicator": "string", "scope": "string", "value": "double",
                  "unit": "string"}
    if types != want_types:
        problems.append(f"{long_path}: column types {types}, expected {want_types}")
        return 0
    data = {n: table.column(n).to_pylist() for n in want_cols}
    k = 0
    for r in range(rows):
        for name in indicators:
            column = f"{data['indicator'][k]}.{data['scope'][k]}"
            key = (data["replication"][k], data["step"][k], data["year"][k], data["quarter"][k])
            wide = tuple(int(cols[c][r]) for c in ("replication", "step", "year", "quarter"))
            if column != name or key != wide or data["value"][k] != float(cols[name][r]):
                problems.append(
                    f"{long_path}: row {k} ({column} {key} = {data['value'][k]!r}) is not "
                    f"{name} {wide} = {cols[name][r]} of {wide_csv.name} row {r}"
                )
                return table.num_rows
            if data["unit"][k] == "":
                problems.append(f"{long_path}: row {k}: {column} has no unit")
                return table.num_rows
            k += 1
    return table.num_rows


def main(dirs):
    problems = []
    checked = 0
    for d in map(Path, dirs):
        files = sorted(d.glob("*.parquet"))
        if not files:
            problems.append(f"{d}: no Parquet files")
        for p in files:
            if p.name == "timeseries_long.parquet":
                n = check_long(p, d / "timeseries.csv", problems)
            elif p.with_suffix(".csv").exists():
                n = check_pair(p, p.with_suffix(".csv"), problems)
                if pl is not None:
                    check_polars(p, p.with_suffix(".csv"), problems)
            else:
                problems.append(f"{p}: no {p.with_suffix('.csv').name} to check it against")
                continue
            checked += 1
            print(f"{p}: {n} rows, {len(pq.read_schema(p).names)} columns, as the CSV")
    for line in problems:
        print(f"FAIL: {line}")
    if problems:
        return 1
    readers = f"pyarrow {pa.__version__}" + (f", polars {pl.__version__} on the CSVs" if pl else "")
    print(f"check_parquet: {checked} Parquet files match their CSV twins ({readers})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
