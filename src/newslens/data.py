"""Load the course's tables as typed DataFrames, validated against ``data/datapackage.json``.

The Data Package's Table Schemas are the single source of truth: this module reads field types,
constraints, primary and foreign keys from it and has no column list of its own. Any problem in a
CSV raises :class:`DataError`, which names the file, the row (and its line in the file) and the
column. Nothing is ever dropped or coerced silently: a table either loads whole or not at all.

Examples
--------
>>> from newslens.data import load_places
>>> places = load_places()
>>> places.loc[places["place_id"] == "pyongyang", ["name_en", "lat", "lon"]]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import pandas as pd

from . import paths

__all__ = [
    "DataError",
    "MissingResourceError",
    "Problem",
    "TABLES",
    "load_table",
    "load_places",
    "load_events",
    "load_sources",
    "load_claims",
    "load_all",
    "load_article",
    "article_blocks",
    "article_language",
    "CORPUS_TABLES",
    "load_site_profiles",
    "load_search_results",
    "load_corpus",
    "schema_fields",
    "JUDGEMENT",
    "judgement_columns",
]

#: The tables of the Data Package, in an order where every foreign key points backwards.
TABLES: tuple[str, ...] = ("places", "sources", "events", "claims")

#: The lateral-reading lab's corpus (``newslens.lab``): resources every package declares but that
#: :func:`load_all` does not read, so a case folder without its corpus still loads.
CORPUS_TABLES: tuple[str, ...] = ("site_profiles", "search_results")

#: The Table Schema field property that marks a column as the course's judgement (a grade, its reason, a
#: distortion tag, the course's coding of attribution and hedges). The loaders withhold those columns unless
#: asked (``judgements=True``), so that an exercise's judgement question cannot be answered by reading a column.
JUDGEMENT = "newslens:judgement"
#: The field property that marks the course's research findings: what other reports say of a claim
#: (corroboration, contradiction) and the course's notes on a place or an event. The course's own data shows
#: them (lesson 5 teaches from them); on a practice case (top-level ``"newslens:practice": true``) finding them
#: is the student's task, so the fact-only view withholds them there too.
RESEARCH = "newslens:research"
PRACTICE = "newslens:practice"

_MAX_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell, row or file."""

    message: str
    row: int | None = None  # 1-based data row, the header not counted
    line: int | None = None  # 1-based physical line in the file
    column: str | None = None

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row} (line {self.line})" if self.line else f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


class DataError(ValueError):
    """A course data file does not match its schema.

    ``str(error)`` names the file, then every problem with its row, line and column.
    ``error.problems`` holds them as :class:`Problem` objects.
    """

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = Path(path)
        self.problems = problems
        shown = problems[:_MAX_PROBLEMS_SHOWN]
        lines = [f"{_display(self.path)}: {len(problems)} problem(s) found, nothing was loaded."]
        for p in shown:
            where = p.where()
            lines.append(f"  - {where}: {p.message}" if where else f"  - {p.message}")
        if len(problems) > len(shown):
            lines.append(f"  ... and {len(problems) - len(shown)} more.")
        super().__init__("\n".join(lines))


def _display(path: Path) -> str:
    """Show paths relative to the repository when they are inside it, for shorter messages."""
    try:
        return str(path.resolve().relative_to(paths.REPO_ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------------
# Schema


def _datapackage_path(data_dir: Path | None) -> Path:
    return (Path(data_dir) if data_dir else paths.DATA_DIR) / "datapackage.json"


@cache
def _read_datapackage(path: Path) -> dict[str, Any]:
    try:
        package: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return package
    except FileNotFoundError:
        raise DataError(path, [Problem("the Data Package descriptor is missing")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataError(path, [Problem(f"not valid JSON: {err}")]) from None


class MissingResourceError(DataError, KeyError):
    """The Data Package has no resource of that name (a :class:`DataError` naming the descriptor)."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return DataError.__str__(self)


def _resource(name: str, data_dir: Path | None) -> dict[str, Any]:
    path = _datapackage_path(data_dir).resolve()
    package = _read_datapackage(path)
    for resource in package["resources"]:
        if resource["name"] == name:
            return cast(dict[str, Any], resource)
    known = ", ".join(r["name"] for r in package["resources"])
    raise MissingResourceError(path, [Problem(f"no table named {name!r} in the Data Package (known: {known})")])


def schema_fields(name: str, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Return the Table Schema fields of table ``name`` (a list of dicts, in column order)."""
    return cast(list[dict[str, Any]], _resource(name, data_dir)["schema"]["fields"])


# --------------------------------------------------------------------------------------------
# Cell parsing: one function per Table Schema type, each returning a value or raising ValueError
# with a message written for a student.

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_string(text: str, field: dict[str, Any]) -> str:
    if field.get("format") == "uri" and not re.match(r"https?://\S+$", text):
        raise ValueError(f"{text!r} is not a web address (expected http:// or https://...)")
    return text


def _parse_number(text: str, field: dict[str, Any]) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number (use a dot for decimals, e.g. 39.0194)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _parse_integer(text: str, field: dict[str, Any]) -> int:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def _parse_date(text: str, field: dict[str, Any]) -> dt.date:
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a date in ISO format YYYY-MM-DD (e.g. 2025-12-26)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"{text!r} is not a real calendar date ({err})") from None


def _parse_boolean(text: str, field: dict[str, Any]) -> bool:
    true_values = field.get("trueValues", ["true", "True", "TRUE", "1"])
    false_values = field.get("falseValues", ["false", "False", "FALSE", "0"])
    if text in true_values:
        return True
    if text in false_values:
        return False
    raise ValueError(f"{text!r} is not a boolean (expected one of {true_values + false_values})")


_PARSERS = {
    "string": _parse_string,
    "number": _parse_number,
    "integer": _parse_integer,
    "date": _parse_date,
    "boolean": _parse_boolean,
}


def _check_constraints(value: Any, text: str, field: dict[str, Any]) -> None:
    constraints = field.get("constraints", {})
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], text):
        raise ValueError(f"{text!r} does not match the pattern {constraints['pattern']!r}")
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(str(v) for v in constraints["enum"])
        raise ValueError(f"{text!r} is not an allowed value (allowed: {allowed})")
    if "minimum" in constraints and value < constraints["minimum"]:
        raise ValueError(f"{text} is below the minimum {constraints['minimum']}")
    if "maximum" in constraints and value > constraints["maximum"]:
        raise ValueError(f"{text} is above the maximum {constraints['maximum']}")


# --------------------------------------------------------------------------------------------
# Reading one table


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            path,
            [
                Problem(
                    f"the file is not UTF-8: byte 0x{raw[err.start]:02x} on line {line} cannot be decoded. "
                    "Save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8').",
                    line=line,
                )
            ],
        ) from None
    return text.removeprefix("\ufeff")  # a byte-order mark is harmless: some editors add one


def _read_rows(path: Path, text: str) -> tuple[list[str], list[tuple[int, int, list[str]]]]:
    """Split CSV text into the header and (row number, line number, cells) triples."""
    if not text.strip():
        raise DataError(path, [Problem("the file is empty (expected a header row and data rows)")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows: list[tuple[int, int, list[str]]] = []
        start_line = reader.line_num + 1
        for cells in reader:
            rows.append((len(rows) + 1, start_line, cells))
            start_line = reader.line_num + 1
    except csv.Error as err:
        raise DataError(path, [Problem(f"the CSV cannot be read: {err}", line=reader.line_num)]) from None
    # Trailing blank lines are an editor's habit, not data; a blank row elsewhere is reported below.
    while rows and rows[-1][2] == []:
        rows.pop()
    return header, rows


def _check_header(path: Path, header: list[str], fields: list[dict[str, Any]]) -> list[Problem]:
    expected = [f["name"] for f in fields]
    problems = []
    for name in sorted({h for h in header if header.count(h) > 1}):
        problems.append(Problem(f"the header repeats the column '{name}'", column=name))
    for name in expected:
        if name not in header:
            problems.append(Problem("this column is missing from the header", column=name))
    for name in header:
        if name not in expected:
            problems.append(
                Problem(f"unknown column (the schema has: {', '.join(expected)})", column=name or "(blank)")
            )
    return problems


def _parse_table(path: Path, fields: list[dict[str, Any]]) -> tuple[dict[str, list[Any]], list[int]]:
    """Parse and validate every cell. Returns columns of Python values and the line of each row."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(path, [Problem("the file does not exist")]) from None
    header, rows = _read_rows(path, _decode(path, raw))
    problems = _check_header(path, header, fields)
    if problems:
        raise DataError(path, problems)

    by_name = {f["name"]: f for f in fields}
    columns: dict[str, list[Any]] = {f["name"]: [] for f in fields}
    lines: list[int] = []
    for row_no, line_no, cells in rows:
        lines.append(line_no)
        if cells == []:
            problems.append(Problem("the row is blank; delete it or fill it in", row=row_no, line=line_no))
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    f"the row has {len(cells)} cells but the header has {len(header)} columns "
                    "(a missing or extra comma, or an unquoted comma inside a text)",
                    row=row_no,
                    line=line_no,
                )
            )
            continue
        for name, text in zip(header, cells, strict=True):
            field = by_name[name]
            missing = text in field.get("missingValues", [""]) or text == ""
            if missing:
                if field.get("constraints", {}).get("required"):
                    problems.append(Problem("a value is required here", row=row_no, line=line_no, column=name))
                columns[name].append(None)
                continue
            try:
                value = _PARSERS[field.get("type", "string")](text, field)
                _check_constraints(value, text, field)
            except ValueError as err:
                problems.append(Problem(str(err), row=row_no, line=line_no, column=name))
                columns[name].append(None)
                continue
            columns[name].append(value)
    if problems:
        raise DataError(path, problems)
    if not lines:
        raise DataError(path, [Problem("the file has a header but no data rows")])
    return columns, lines


def _check_unique(path: Path, schema: dict[str, Any], columns: dict[str, list[Any]], lines: list[int]) -> None:
    problems = []
    unique = set(schema.get("primaryKey", []))
    unique |= {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("unique")}
    for name in sorted(unique):
        first_seen: dict[Any, int] = {}
        for i, value in enumerate(columns[name]):
            if value is None:
                continue
            if value in first_seen:
                problems.append(
                    Problem(
                        f"duplicate id {value!r}: already used in row {first_seen[value] + 1} "
                        f"(line {lines[first_seen[value]]}); ids must be unique",
                        row=i + 1,
                        line=lines[i],
                        column=name,
                    )
                )
            else:
                first_seen[value] = i
    if problems:
        raise DataError(path, problems)


def _to_frame(columns: dict[str, list[Any]], fields: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a DataFrame with one dtype per schema type, missing values as <NA> or NaT."""
    data = {}
    for field in fields:
        values = columns[field["name"]]
        kind = field.get("type", "string")
        if kind == "number":
            data[field["name"]] = pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
        elif kind == "integer":
            data[field["name"]] = pd.Series(values, dtype="Int64")
        elif kind == "date":
            data[field["name"]] = pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
        elif kind == "boolean":
            required = field.get("constraints", {}).get("required")
            data[field["name"]] = pd.Series(values, dtype="bool" if required else "boolean")
        else:
            data[field["name"]] = pd.Series(values, dtype="string")
    return cast(pd.DataFrame, pd.DataFrame(data))


def _table_path(resource: dict[str, Any], data_dir: Path | None) -> Path:
    return (Path(data_dir) if data_dir else paths.DATA_DIR) / str(resource["path"])


def _load_validated(name: str, data_dir: Path | None, loaded: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Load ``name`` and, first, every table its foreign keys point to (kept in ``loaded``)."""
    if name in loaded:
        return loaded[name]
    resource = _resource(name, data_dir)
    schema = resource["schema"]
    path = _table_path(resource, data_dir)
    columns, lines = _parse_table(path, schema["fields"])
    _check_unique(path, schema, columns, lines)

    problems = []
    for fk in schema.get("foreignKeys", []):
        (column,) = fk["fields"]
        target = fk["reference"]["resource"] or name
        (target_column,) = fk["reference"]["fields"]
        if target == name:
            known = set(columns[target_column])
        else:
            known = set(_load_validated(target, data_dir, loaded)[target_column].dropna())
        target_file = _table_path(_resource(target, data_dir), data_dir).name
        for i, value in enumerate(columns[column]):
            if value is not None and value not in known:
                problems.append(
                    Problem(
                        f"{value!r} is not a known {target_column} in {target_file} (unknown foreign key)",
                        row=i + 1,
                        line=lines[i],
                        column=column,
                    )
                )
    if problems:
        raise DataError(path, problems)
    frame = _to_frame(columns, schema["fields"])
    frame.attrs["source_file"] = str(path)
    loaded[name] = frame
    return frame


def judgement_columns(name: str, data_dir: Path | str | None = None) -> list[str]:
    """The columns of table ``name`` that hold the course's judgements, in column order.

    They are the fields marked ``"newslens:judgement": true`` in the table's schema. A case folder's columns
    of the same name count too when the course's own schema (``data/datapackage.json``) marks them: that
    schema is the one list, so a case's copy of it cannot forget a mark. On a practice case the research
    findings (fields marked ``"newslens:research": true``) are withheld too: see :data:`RESEARCH`.
    """
    folder = Path(data_dir) if data_dir else None
    fields = schema_fields(name, folder)
    marks = (
        (JUDGEMENT, RESEARCH) if _read_datapackage(_datapackage_path(folder)).get(PRACTICE) is True else (JUDGEMENT,)
    )
    marked = {f["name"] for f in fields if any(f.get(m) is True for m in marks)}
    course_tables = {r["name"] for r in _read_datapackage(paths.DATAPACKAGE.resolve())["resources"]}
    if folder is not None and name in course_tables:
        marked |= {f["name"] for f in schema_fields(name, None) if any(f.get(m) is True for m in marks)}
    return [f["name"] for f in fields if f["name"] in marked]


def _view(name: str, frame: pd.DataFrame, data_dir: Path | None, judgements: bool) -> pd.DataFrame:
    """A copy of ``frame``, without its judgement columns unless ``judgements``; the columns returned are
    announced as the audit event ``newslens.load`` (table, columns), which the course's runner records."""
    withheld = [] if judgements else judgement_columns(name, data_dir)
    view = cast(pd.DataFrame, frame.drop(columns=withheld).copy())
    view.attrs["withheld_columns"] = withheld
    sys.audit("newslens.load", name, tuple(str(c) for c in view.columns))
    return view


def load_table(name: str, data_dir: Path | str | None = None, *, judgements: bool = False) -> pd.DataFrame:
    """Load and validate one table of the Data Package.

    Parameters
    ----------
    name : one of :data:`TABLES` ("places", "sources", "events", "claims") or :data:`CORPUS_TABLES`.
    data_dir : a folder laid out like ``data/`` (with its own datapackage.json); default: the course's.
    judgements : also return the columns that hold the course's judgements (:func:`judgement_columns`:
        reliability and credibility grades, their reasons, distortion tags, the coding of attribution and
        hedges). Default False: a fact-only view, the one every exercise uses, so that a judgement is made
        before the course's is seen. The whole table is validated either way.

    Returns
    -------
    A DataFrame with the schema's columns in order: text as ``string``, numbers as ``float64``,
    integers as ``Int64``, dates as ``datetime64[ns]``, booleans as ``bool``; missing values as NA.
    ``frame.attrs["withheld_columns"]`` lists the judgement columns left out.

    Raises
    ------
    DataError : naming the file, row, line and column of every problem found.
    """
    folder = Path(data_dir) if data_dir else None
    return _view(name, _load_validated(name, folder, {}), folder, judgements)


def load_all(data_dir: Path | str | None = None, *, judgements: bool = False) -> dict[str, pd.DataFrame]:
    """Load every table at once (each file is read and validated once); ``judgements`` as in :func:`load_table`."""
    folder = Path(data_dir) if data_dir else None
    loaded: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        _load_validated(name, folder, loaded)
    return {name: _view(name, loaded[name], folder, judgements) for name in TABLES}


def load_places(data_dir: Path | str | None = None, *, judgements: bool = False) -> pd.DataFrame:
    """Places the article names or implies (``data/tables/places.csv``). See :func:`load_table`."""
    return load_table("places", data_dir, judgements=judgements)


def load_sources(data_dir: Path | str | None = None, *, judgements: bool = False) -> pd.DataFrame:
    """Sources the article relies on and its copying chain (``data/tables/sources.csv``).

    Fact-only by default: ``judgements=True`` adds the course's reliability grade and its reason."""
    return load_table("sources", data_dir, judgements=judgements)


def load_events(data_dir: Path | str | None = None, *, judgements: bool = False) -> pd.DataFrame:
    """Dated or datable events in and around the article (``data/tables/events.csv``)."""
    return load_table("events", data_dir, judgements=judgements)


def load_claims(data_dir: Path | str | None = None, *, judgements: bool = False) -> pd.DataFrame:
    """The article's factual claims (``data/tables/claims.csv``).

    Fact-only by default: ``judgements=True`` adds the course's credibility grade and its reason, the
    distortion tag and the coding of attribution and hedges."""
    return load_table("claims", data_dir, judgements=judgements)


def load_site_profiles(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The lab's site profiles: who runs each site a search result comes from (``tables/site_profiles.csv``)."""
    return load_table("site_profiles", data_dir)


def load_search_results(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The lab's corpus of search-result records (``tables/search_results.csv``), checked against the site
    profiles (every ``site`` must have a profile)."""
    return load_table("search_results", data_dir)


def load_corpus(data_dir: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Load :data:`CORPUS_TABLES` at once. A case without a corpus raises :class:`DataError` naming the file."""
    data_dir = Path(data_dir) if data_dir else None
    loaded: dict[str, pd.DataFrame] = {}
    for name in CORPUS_TABLES:
        _load_validated(name, data_dir, loaded)
    return {name: loaded[name].copy() for name in CORPUS_TABLES}


# --------------------------------------------------------------------------------------------
# The article. The course's own data keeps ``article/it.txt`` (the original) and ``article/en.md`` (our
# translation); a case folder keeps its article in ``article/<lang>.txt``, where ``lang`` is the package's
# top-level ``"newslens:language"``.


def article_language(data_dir: Path | str | None = None) -> str:
    """The language of the article a data folder studies: its Data Package's ``"newslens:language"`` (``"it"``
    when the descriptor does not say)."""
    path = _datapackage_path(Path(data_dir) if data_dir else None).resolve()
    return str(_read_datapackage(path).get("newslens:language", "it"))


def _article_path(lang: str | None, data_dir: Path | str | None) -> tuple[str, Path]:
    folder = (Path(data_dir) if data_dir else paths.DATA_DIR) / "article"
    lang = lang or article_language(data_dir)
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise ValueError(f"lang must be a language code such as 'it' or 'en', not {lang!r}")
    candidates = [folder / f"{lang}.txt", folder / f"{lang}.md"]
    for path in candidates:
        if path.is_file():
            return lang, path
    raise DataError(candidates[0], [Problem(f"the article file does not exist (no article/{lang}.txt in this folder)")])


def load_article(lang: str | None = None, data_dir: Path | str | None = None) -> str:
    """Return the article's text in ``lang``.

    For the course (``data_dir`` None): ``"it"`` the Italian original, ``"en"`` our English translation. For a
    case folder (``data_dir="cases/practice_a"``) the default is the case's own language, read from
    ``article/<lang>.txt``. A missing file raises :class:`DataError` naming it.
    """
    return _article_path(lang, data_dir)[1].read_text(encoding="utf-8")


def article_blocks(lang: str | None = None, data_dir: Path | str | None = None) -> list[str]:
    """The article as a list of blocks (paragraphs and headings), aligned between languages.

    A ``.txt`` article has one block per line; the course's English file (``en.md``) has blocks separated
    by blank lines, headings marked ``## `` (the marker is removed here) and a translator's note in an HTML
    comment at the top (skipped).
    """
    lang, path = _article_path(lang, data_dir)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        return [line for line in text.splitlines() if line.strip()]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return [block.strip().removeprefix("## ") for block in re.split(r"\n\s*\n", text) if block.strip()]
