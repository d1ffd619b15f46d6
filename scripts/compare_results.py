#!/usr/bin/env python3
"""Compares the stored rows of two results databases (a refactor check).

    python3 scripts/compare_results.py BEFORE.sqlite AFTER.sqlite

Rows of `results` are matched by (design_hash, workload_hash) over the latest run of each
database, and `op_results` by (design_hash, workload_hash, op_index). Every column both
databases have is compared exactly (a renamed metric column is matched by its former name: see
RENAMED); columns only one side has are listed. Exits 1 when a shared column differs.
"""
import sqlite3
import sys

# Current name -> former name of renamed results columns (the metric catalogue's formerNames).
RENAMED = {"items_per_s": "throughput_per_s"}


def rows(path, table, key_sql, join=""):
    """{key: {column: value}} of `table` for the latest run of the database at `path`."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    run = db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    run_filter = "r.run_id = ?" if join else "x.run_id = ?"
    cursor = db.execute(f"SELECT {key_sql} AS k, x.* FROM {table} x {join} WHERE {run_filter}", (run,))
    out = {}
    for row in cursor:
        values = dict(row)
        out[values.pop("k")] = values
    return out


def compare(before, after, table, ignore):
    b_cols = set(next(iter(before.values())).keys()) if before else set()
    a_cols = set(next(iter(after.values())).keys()) if after else set()
    shared = {c: c for c in a_cols & b_cols}
    for new, old in RENAMED.items():
        if new in a_cols and old in b_cols:
            shared[new] = old
    shared = {a: b for a, b in shared.items() if a not in ignore}
    print(f"{table}: {len(before)} rows before, {len(after)} after; {len(shared)} shared columns")
    print(f"  only after: {sorted(a_cols - b_cols - set(RENAMED))}")
    print(f"  only before: {sorted(b_cols - a_cols - set(RENAMED.values()))}")
    differing = {}
    for key in before.keys() & after.keys():
        for a, b in shared.items():
            if before[key][b] != after[key][a]:
                differing.setdefault(a, []).append((key, before[key][b], after[key][a]))
    missing = len(before.keys() ^ after.keys())
    for column, diffs in sorted(differing.items()):
        print(f"  DIFFERS {column}: {len(diffs)} rows, e.g. {diffs[0]}")
    if missing:
        print(f"  {missing} keys on one side only")
    return not differing and not missing


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = sys.argv[1:]
    ok = compare(rows(before, "results", "x.design_hash || '|' || x.workload_hash"),
                 rows(after, "results", "x.design_hash || '|' || x.workload_hash"), "results", {"id", "run_id"})
    key = "r.design_hash || '|' || r.workload_hash || '|' || x.op_index"
    join = "JOIN results r ON r.id = x.result_id"
    ok &= compare(rows(before, "op_results", key, join), rows(after, "op_results", key, join), "op_results", {"result_id"})
    sys.exit(0 if ok else 1)


main()
