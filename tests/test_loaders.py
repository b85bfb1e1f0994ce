"""Bad input gets one clear error naming file, row and column, and a table never loads short.

Each test damages a private copy of the course data (the ``data_copy`` fixture) the way a student or
a spreadsheet might, then checks the message a student would read.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newslens.data import TABLES, DataError, load_all, load_table, schema_fields


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[row][rows[0].index(column)] = value
    _write_rows(path, rows)


def test_every_table_loads_with_the_schema_columns_and_types():
    tables = load_all(judgements=True)
    for name in TABLES:
        frame = tables[name]
        fields = schema_fields(name)
        assert list(frame.columns) == [f["name"] for f in fields]
        assert len(frame) > 0
        for field in fields:
            dtype = frame[field["name"]].dtype
            if field["type"] == "date":
                assert pd.api.types.is_datetime64_any_dtype(dtype), field["name"]
            elif field["type"] == "number":
                assert pd.api.types.is_float_dtype(dtype), field["name"]
            elif field["type"] == "integer":
                assert str(dtype) == "Int64", field["name"]


def test_rows_match_the_csv_exactly(data_copy: Path):
    for name in TABLES:
        csv_rows = _rows(data_copy / "tables" / f"{name}.csv")[1:]
        assert len(load_table(name, data_copy)) == len(csv_rows)


def test_missing_column_is_named(data_copy: Path):
    path = data_copy / "tables" / "places.csv"
    rows = _rows(path)
    index = rows[0].index("geo_precision")
    _write_rows(path, [r[:index] + r[index + 1 :] for r in rows])
    with pytest.raises(DataError) as info:
        load_table("places", data_copy)
    message = str(info.value)
    assert "places.csv" in message and "'geo_precision'" in message and "missing" in message


def test_unparsable_date_names_file_row_and_column(data_copy: Path):
    path = data_copy / "tables" / "events.csv"
    _set_cell(path, 3, "event_start", "26/12/2025")
    with pytest.raises(DataError) as info:
        load_table("events", data_copy)
    message = str(info.value)
    assert "events.csv" in message
    assert "row 3 (line 4)" in message
    assert "'event_start'" in message and "26/12/2025" in message and "YYYY-MM-DD" in message


def test_impossible_calendar_date_is_rejected(data_copy: Path):
    _set_cell(data_copy / "tables" / "events.csv", 1, "event_end", "2025-02-30")
    with pytest.raises(DataError, match=r"row 1 .*'event_end'.*not a real calendar date"):
        load_table("events", data_copy)


def test_latitude_out_of_range(data_copy: Path):
    path = data_copy / "tables" / "places.csv"
    rows = _rows(path)
    lat = rows[0].index("lat")
    row = next(i for i, r in enumerate(rows) if i > 0 and r[lat])
    _set_cell(path, row, "lat", "125.74")
    with pytest.raises(DataError) as info:
        load_table("places", data_copy)
    assert f"row {row} (line {row + 1}), column 'lat': 125.74 is above the maximum 90" in str(info.value)


def test_unknown_foreign_key(data_copy: Path):
    _set_cell(data_copy / "tables" / "events.csv", 2, "place_id", "atlantis")
    with pytest.raises(DataError) as info:
        load_table("events", data_copy)
    message = str(info.value)
    assert "events.csv" in message and "row 2" in message and "'place_id'" in message
    assert "'atlantis' is not a known place_id in places.csv" in message


def test_duplicate_id_names_both_rows(data_copy: Path):
    path = data_copy / "tables" / "claims.csv"
    rows = _rows(path)
    first_id = rows[1][0]
    _set_cell(path, 4, "claim_id", first_id)
    with pytest.raises(DataError) as info:
        load_table("claims", data_copy)
    message = str(info.value)
    assert f"duplicate id '{first_id}'" in message and "row 4" in message and "row 1" in message


def test_empty_file(data_copy: Path):
    (data_copy / "tables" / "sources.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"sources\.csv.*\n.*empty"):
        load_table("sources", data_copy)


def test_header_only_file_is_not_an_empty_table(data_copy: Path):
    path = data_copy / "tables" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="no data rows"):
        load_table("sources", data_copy)


def test_wrong_encoding_names_the_line(data_copy: Path):
    path = data_copy / "tables" / "places.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-8").replace(b"\n", "\nPyongyang àè,".encode("latin-1"), 1))
    with pytest.raises(DataError) as info:
        load_table("places", data_copy)
    message = str(info.value)
    assert "places.csv" in message and "not UTF-8" in message and "line 2" in message


def test_blank_row_in_the_middle_is_reported_not_skipped(data_copy: Path):
    path = data_copy / "tables" / "claims.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match="row 3 .*blank"):
        load_table("claims", data_copy)


def test_all_problems_are_reported_at_once(data_copy: Path):
    path = data_copy / "tables" / "places.csv"
    _set_cell(path, 1, "geo_precision", "7")
    _set_cell(path, 2, "kind", "planet")
    with pytest.raises(DataError) as info:
        load_table("places", data_copy)
    assert len(info.value.problems) == 2
    assert {p.column for p in info.value.problems} == {"geo_precision", "kind"}


# Property: whatever a random edit does to a CSV, the table either loads with every row or fails loudly.
_EDITS = st.sampled_from(["insert", "delete", "replace"])
_CHARS = st.sampled_from(list(',"\n\r;x9-\u2019 ') + ["\x00", "\ufffd"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=st.sampled_from(TABLES),
    edits=st.lists(st.tuples(_EDITS, st.floats(0, 1, exclude_max=True), _CHARS), min_size=1, max_size=3),
)
def test_random_corruption_never_yields_a_silently_shorter_table(data_copy: Path, table: str, edits):
    path = data_copy / "tables" / f"{table}.csv"
    original = path.read_text(encoding="utf-8")
    expected_rows = len(_rows(path)) - 1
    text = original
    for kind, where, char in edits:
        at = int(where * len(text))
        if kind == "insert":
            text = text[:at] + char + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    path.write_text(text, encoding="utf-8")
    try:
        frame = load_table(table, data_copy)
    except DataError as err:
        assert str(err).startswith(f"{path}") or f"{table}.csv" in str(err)
    else:
        assert len(frame) == expected_rows, "a corrupted file loaded with a different number of rows"
    finally:
        path.write_text(original, encoding="utf-8")
