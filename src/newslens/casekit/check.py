"""``python -m newslens case check CASE``: validate a case folder and list what it still lacks.

Two passes, both over the case's own ``datapackage.json``:

1. **Validation** with the course's loaders (:mod:`newslens.data`): every table of the four the lessons read, the
   lab's corpus when the case has one, and the article. A :class:`~newslens.data.DataError` is printed as the
   loaders word it (file, row, line, column). A table that refers to a table that does not load cannot be
   checked itself; the report says so.
2. **The to-do list**, read from the CSV cells themselves (so it is complete even where a table does not load):
   what a person must still supply before the case is complete.

What "complete" means, row by row (the course's finished data, ``data/`` and ``cases/practice_*``, passes):

- a **place** has ``lat`` and ``lon``, unless ``geo_precision`` is 4 (the sources never disclose where it is; the
  schema leaves the coordinates empty then); a vague place (``geo_precision`` 2 or 3) also has what the map needs to
  show its vagueness: an ``uncertainty_radius_km`` or a ``geometry_ref`` area in the course's basemaps;
- an **event** has a ``report_date`` (the day its source first reported it). When the first report cannot be dated
  (the course's own data has such events; their notes say why), a dated report of the event in ``evidence_url``
  and ``evidence_date`` stands in: an event with neither has no date of report at all;
- a **claim** has a source, a credibility grade and its reason (``source_id``, ``credibility``,
  ``credibility_reason``); a **source** has its reliability grade and reason, and a URL and its date
  (``evidence_url``, ``evidence_date``), unless it is a source nobody can link to: unnamed experts, this article
  itself, or a source whose identity is unknown (``observation`` = unknown);
- no row is still a draft: ``case new`` records every row it drafts in ``draft/rows.csv`` with ``status = draft``
  until a person has checked it and set ``checked`` (a ``status`` column in a table counts the same way). A case
  without either has no drafts.

Exit status: 0 the case is valid and complete, 1 it is invalid or incomplete, 2 the argument is not a case folder.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .. import paths
from ..data import CORPUS_TABLES, TABLES, DataError, Problem, load_article, load_table

__all__ = ["CaseNotFound", "Todo", "find_case", "validate", "todos", "report", "run"]

#: Exit statuses of :func:`run`.
COMPLETE, INCOMPLETE, USAGE = 0, 1, 2
#: Sources that cannot have a URL of their own: nobody can look them up.
UNLINKABLE_SOURCE_TYPES = frozenset({"unnamed_experts", "this_article"})
#: The id column of each table, to name a row by more than its number.
ID_COLUMNS = {"places": "place_id", "events": "event_id", "sources": "source_id", "claims": "claim_id"}


class CaseNotFound(Exception):
    """The argument names no case folder (missing, not a folder, or without ``datapackage.json``)."""


@dataclass(frozen=True)
class Todo:
    """One thing a person must still do to one row."""

    file: str  # the table's path inside the case, e.g. "tables/places.csv"
    row: int  # 1-based data row, the header not counted (as the loaders count)
    line: int  # 1-based line in the file
    row_id: str  # the row's id (place_id, event_id, ...), or "" when the id cell is empty
    what: str  # what is missing, e.g. "no coordinates"
    fix: str  # what to fill in

    def __str__(self) -> str:
        name = f" {self.row_id}" if self.row_id else ""
        return f"row {self.row} (line {self.line}){name}: {self.what}: {self.fix}"


# --------------------------------------------------------------------------------------------
# Finding the case


def find_case(case_dir: Path | str) -> Path:
    """The case folder ``case_dir`` names, as an absolute path.

    A relative path is read from the current folder, then from the course's folder (so ``cases/practice_a`` and
    ``data`` work from anywhere inside the course). Raises :class:`CaseNotFound` with a message that says what
    is wrong and what a case folder holds.
    """
    given = Path(case_dir)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, paths.REPO_ROOT / given]
    folder = next((c for c in candidates if c.exists()), None)
    hint = (
        "a case folder holds datapackage.json, article/ and tables/, e.g. cases/practice_a; "
        "draft a new one with: python -m newslens case new ARTICLE --lang it --anchor YYYY-MM-DD"
    )
    if folder is None:
        raise CaseNotFound(f"{case_dir}: no such folder ({hint})")
    if not folder.is_dir():
        raise CaseNotFound(f"{case_dir}: not a folder ({hint})")
    if not (folder / "datapackage.json").is_file():
        raise CaseNotFound(f"{case_dir}: not a case, it has no datapackage.json ({hint})")
    return folder.resolve()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.REPO_ROOT))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------------------------
# Pass 1: validation with the course's loaders


@dataclass(frozen=True)
class Validation:
    """What the loaders said: the errors (one per file), the tables that loaded (name -> rows), and notes."""

    errors: list[DataError]
    loaded: dict[str, int]
    notes: list[str]


def _resources(case: Path) -> dict[str, dict[str, Any]]:
    """The case's resources by name, read straight from its descriptor ({} when it cannot be read)."""
    try:
        package = json.loads((case / "datapackage.json").read_text(encoding="utf-8"))
        return {str(r["name"]): r for r in package.get("resources", []) if isinstance(r, dict) and "name" in r}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def validate(case: Path) -> Validation:
    """Load every table of ``case`` with the course's loaders (judgements included: the case check reads them all)."""
    errors: list[DataError] = []
    seen: set[Path] = set()
    loaded: dict[str, int] = {}
    notes: list[str] = []

    def record(error: DataError) -> None:
        where = error.path.resolve()
        if where not in seen:
            seen.add(where)
            errors.append(error)

    resources = _resources(case)
    optional = [name for name in CORPUS_TABLES if name in resources and (case / resources[name]["path"]).is_file()]
    for name in (*TABLES, *optional):
        try:
            loaded[name] = len(load_table(name, case, judgements=True))
        except DataError as error:
            own = name in resources and error.path.resolve() == (case / str(resources[name]["path"])).resolve()
            record(error)
            if not own and name in resources:
                notes.append(
                    f"{resources[name]['path']} was not checked: it refers to {_shown(error.path)}, which does not load"
                )
    missing_corpus = [name for name in CORPUS_TABLES if name not in optional]
    if missing_corpus:
        notes.append(f"no lab corpus ({', '.join(missing_corpus)}): optional, only the lateral-reading lab reads it")
    try:
        load_article(data_dir=case)
    except DataError as error:
        record(error)
    except ValueError as error:  # a malformed "newslens:language"
        record(DataError(case / "datapackage.json", [Problem(f"the article cannot be found: {error}")]))
    return Validation(errors, loaded, notes)


# --------------------------------------------------------------------------------------------
# Pass 2: the to-do list, from the cells


@dataclass(frozen=True)
class _Row:
    number: int
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


def _read_rows(path: Path) -> list[_Row] | None:
    """The data rows of a CSV as dicts of stripped text, with row and line numbers; None if it cannot be read."""
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader)
        rows: list[_Row] = []
        line = reader.line_num + 1
        for cells in reader:
            if cells:
                rows.append(_Row(len(rows) + 1, line, dict(zip(header, cells, strict=False))))
            line = reader.line_num + 1
        return rows
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration):
        return None


Rule = Callable[[_Row], Iterable[tuple[str, str]]]


def _place_rule(known_areas: Callable[[str], bool]) -> Rule:
    def rule(row: _Row) -> Iterable[tuple[str, str]]:
        precision = row.get("geo_precision")
        has_point = bool(row.get("lat") and row.get("lon"))
        if not has_point and precision != "4":
            yield (
                "no coordinates",
                "fill lat and lon (WGS84 degrees), or set geo_precision 4 if the sources never disclose where it is",
            )
        area = row.get("geometry_ref")
        if area and not known_areas(area):
            yield (
                f"geometry_ref {area!r} is not an area of the course's basemaps",
                "use layer:feature_id from data/geo (e.g. countries:PRK, admin1:RU-KRS)",
            )
        if has_point and precision in ("2", "3") and not row.get("uncertainty_radius_km") and not area:
            yield (
                f"geo_precision {precision} with neither a radius nor an area, so no map can show how vague it is",
                "fill uncertainty_radius_km, or geometry_ref with the area it lies in",
            )

    return rule


def _event_rule(row: _Row) -> Iterable[tuple[str, str]]:
    if not row.get("report_date") and not (row.get("evidence_url") and row.get("evidence_date")):
        yield (
            "no report date",
            "fill report_date (the day source_id first reported it); if that day cannot be known, give a dated "
            "report of the event in evidence_url and evidence_date",
        )


def _source_rule(row: _Row) -> Iterable[tuple[str, str]]:
    if not row.get("reliability"):
        yield "no reliability grade", "fill reliability (A to F, the Admiralty scale)"
    if not row.get("reliability_reason"):
        yield "no reason for its reliability grade", "fill reliability_reason"
    unlinkable = row.get("source_type") in UNLINKABLE_SOURCE_TYPES or row.get("observation") == "unknown"
    if unlinkable:
        return
    missing = [c for c in ("evidence_url", "evidence_date") if not row.get(c)]
    if missing:
        what = "no URL and date" if len(missing) == 2 else f"no {'URL' if missing == ['evidence_url'] else 'date'}"
        yield (
            what,
            f"fill {' and '.join(missing)} (a dated report by or about the source; only unnamed experts, the "
            "article itself and sources of unknown identity go without)",
        )


def _claim_rule(row: _Row) -> Iterable[tuple[str, str]]:
    if not row.get("source_id"):
        yield "no source", "fill source_id (who the article says or implies the claim comes from)"
    if not row.get("credibility"):
        yield "no grade", "fill credibility (1 to 6, the Admiralty scale)"
    if not row.get("credibility_reason"):
        yield "no reason for its grade", "fill credibility_reason"


def _draft_rule(row: _Row) -> Iterable[tuple[str, str]]:
    if row.get("status") == "draft":
        yield "still a draft (status = draft)", "check the row against its evidence, then set status to checked"


#: Where ``case new`` records each drafted row's status (the course's tables have no status column).
DRAFT_ROWS = Path("draft") / "rows.csv"


def _drafted(case: Path) -> dict[tuple[str, str], _Row]:
    """The rows ``draft/rows.csv`` still marks ``status = draft``, by (table, row id); {} without that file."""
    rows = _read_rows(case / DRAFT_ROWS) or []
    return {(r.get("table"), r.get("row_id")): r for r in rows if r.get("status") == "draft"}


def _area_checker() -> Callable[[str], bool]:
    """Whether a ``layer:feature_id`` names an area of data/geo (each layer read once, only if a row needs one)."""
    from ..geo import GeoDataError, layer_names, load_layer

    features: dict[str, set[str]] = {}

    def known(ref: str) -> bool:
        layer, sep, feature_id = ref.partition(":")
        if not sep or layer not in layer_names():
            return False
        if layer not in features:
            try:
                features[layer] = set(load_layer(layer)["feature_id"])
            except GeoDataError:
                features[layer] = set()
        return feature_id in features[layer]

    return known


def todos(case: Path) -> list[Todo]:
    """Everything still missing for ``case`` to be complete, table by table, in row order."""
    resources = _resources(case)
    rules: dict[str, list[Rule]] = {
        "places": [_place_rule(_area_checker()), _draft_rule],
        "sources": [_source_rule, _draft_rule],
        "events": [_event_rule, _draft_rule],
        "claims": [_claim_rule, _draft_rule],
    }
    drafted = _drafted(case)
    found: list[Todo] = []
    for name in ("places", "events", "sources", "claims"):
        if name not in resources:
            continue
        relative = str(resources[name]["path"])
        rows = _read_rows(case / relative)
        for row in rows or []:
            row_id = row.get(ID_COLUMNS[name])
            for rule in rules[name]:
                for what, fix in rule(row):
                    found.append(Todo(relative, row.number, row.line, row_id, what, fix))
            marked = drafted.get((name, row_id))
            if marked is not None:
                found.append(
                    Todo(
                        relative,
                        row.number,
                        row.line,
                        row_id,
                        f"still a draft ({DRAFT_ROWS.as_posix()} line {marked.line}: status = draft)",
                        "check every cell against the evidence quote, then set its status to checked",
                    )
                )
    return found


# --------------------------------------------------------------------------------------------
# The report


def report(case: Path, out: TextIO) -> int:
    """Check ``case`` (an existing case folder), print the report to ``out``, return the exit status."""
    try:
        package = json.loads((case / "datapackage.json").read_text(encoding="utf-8"))
        title = str(package.get("title", "")) if isinstance(package, dict) else ""
    except (OSError, ValueError):
        title = ""
    print(f"Case {_shown(case)}" + (f": {title}" if title else ""), file=out)

    checked = validate(case)
    if checked.errors:
        print(f"\nNot valid: {len(checked.errors)} file(s) do not load with the course's loaders.", file=out)
        for error in checked.errors:
            print(str(error), file=out)
    else:
        counts = ", ".join(f"{name} {rows}" for name, rows in checked.loaded.items())
        print(f"\nValid: every table loads with the course's loaders (rows: {counts}).", file=out)
    for note in checked.notes:
        print(f"Note: {note}", file=out)

    found = todos(case)
    if found:
        print(f"\nTo do ({len(found)}):", file=out)
        for file in dict.fromkeys(t.file for t in found):
            print(f"  {file}", file=out)
            for todo in (t for t in found if t.file == file):
                print(f"    [ ] {todo}", file=out)
    else:
        print("\nTo do: nothing is missing.", file=out)

    if checked.errors or found:
        parts = [f"{len(checked.errors)} file(s) do not load"] if checked.errors else []
        parts += [f"{len(found)} thing(s) to do"] if found else []
        print(f"\nNot complete: {', '.join(parts)}. Fix them and run the check again.", file=out)
        return INCOMPLETE
    print("\nComplete: the case workbook (instructors/case_workbook.ipynb) can run on it.", file=out)
    return COMPLETE


def run(case_dir: Path) -> int:
    """``newslens case check CASE``: print the check of the case folder ``case_dir``; return the exit status
    (0 complete, 1 invalid or incomplete, 2 not a case folder)."""
    try:
        case = find_case(case_dir)
    except CaseNotFound as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return USAGE
    return report(case, sys.stdout)
