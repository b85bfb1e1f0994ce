"""Every practice case in cases/ is a data folder like the course's: same schema, loads, validates, quotes its text.

The cases are written in parallel with this test, so it runs over whatever case folders hold a datapackage.json;
the answer key of each case is its data (the `distortion` tags), checked here only for its size (5-7 departures).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

# The course's own list of the columns that must be verbatim spans of the article (hedges are ';'-separated).
from test_data_integrity import VERBATIM_COLUMNS

from newslens import paths
from newslens.data import (
    CORPUS_TABLES,
    TABLES,
    DataError,
    MissingResourceError,
    article_blocks,
    article_language,
    load_all,
    load_article,
    load_corpus,
    load_search_results,
)

CASES_DIR = paths.REPO_ROOT / "cases"
CASE_FOLDERS = sorted(p for p in CASES_DIR.glob("*") if p.is_dir()) if CASES_DIR.is_dir() else []
#: The case folders that hold a Data Package (a case being written may not have one yet).
CASES = [p for p in CASE_FOLDERS if (p / "datapackage.json").is_file()]

NOTICE = {
    "it": re.compile(
        r"\[Testo scritto per esercitazione dal corso newslens: eventi e fonti reali, \d+ dettagli modificati di "
        r"proposito\. Non è una notizia da citare\.\]"
    ),
    "en": re.compile(
        r"\[Written for practice by the newslens course: real events and sources, \d+ details changed on purpose\. "
        r"Not news to cite\.\]"
    ),
}


def _package(folder: Path) -> dict[str, Any]:
    package: dict[str, Any] = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return package


def _without_course_marks(field: dict[str, Any]) -> dict[str, Any]:
    """A field without the course's own ``newslens:`` properties (e.g. the judgement marks, read from the course)."""
    return {key: value for key, value in field.items() if not key.startswith("newslens:")}


COURSE = _package(paths.DATA_DIR)
COURSE_RESOURCES = {r["name"]: r for r in COURSE["resources"]}


def test_the_course_package_declares_six_tables_and_its_language():
    assert list(COURSE_RESOURCES) == [*TABLES, *CORPUS_TABLES]
    assert COURSE["newslens:language"] == article_language() == "it"


def test_data_readme_documents_every_column_of_every_table():
    readme = (paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    for name, resource in COURSE_RESOURCES.items():
        heading = f"## {Path(resource['path']).name}"
        assert heading in readme, f"data/README.md has no section {heading!r}"
        section = readme.split(heading, 1)[1].split("\n## ", 1)[0]
        for field in resource["schema"]["fields"]:
            assert f"`{field['name']}`" in section, f"data/README.md's {name} section does not describe {field['name']}"


def test_there_are_at_least_two_practice_cases():
    assert len(CASE_FOLDERS) >= 2, f"issue 14 asks for at least two cases in cases/, found {CASE_FOLDERS}"


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case_schema_equals_the_course_schema_field_by_field(case):
    package = _package(case)
    assert package.get("newslens:language") in NOTICE, f"{case.name}: top-level newslens:language must be it or en"
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == list(COURSE_RESOURCES), f"{case.name}: resources differ from data/datapackage.json"
    for name, course in COURSE_RESOURCES.items():
        mine = resources[name]
        assert mine["path"] == course["path"], f"{case.name}/{name}: path"
        course_fields, case_fields = course["schema"]["fields"], mine["schema"]["fields"]
        assert [f["name"] for f in case_fields] == [f["name"] for f in course_fields], f"{case.name}/{name}: columns"
        for theirs, ours in zip(case_fields, course_fields, strict=True):
            assert _without_course_marks(theirs) == _without_course_marks(ours), f"{case.name}/{name}.{ours['name']}"
        for key in ("primaryKey", "foreignKeys", "missingValues"):
            assert mine["schema"].get(key) == course["schema"].get(key), f"{case.name}/{name}: schema {key}"


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case_loads_with_the_course_loaders_and_validates_with_frictionless(case):
    tables = load_all(case, judgements=True)
    corpus = load_corpus(case)
    assert all(len(frame) for frame in [*tables.values(), *corpus.values()])
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(case / "datapackage.json"))
    errors = [e.message for task in report.tasks for e in task.errors][:5] + [e.message for e in report.errors][:5]
    assert report.valid, f"frictionless validate cases/{case.name}/datapackage.json failed:\n" + "\n".join(errors)


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case_quotes_are_verbatim_spans_of_its_article(case):
    tables = load_all(case, judgements=True)
    article = load_article(data_dir=case)
    missing = []
    for table, column in VERBATIM_COLUMNS:
        frame = tables[table]
        for row_id, value in zip(frame[frame.columns[0]], frame[column], strict=True):
            if pd.isna(value):
                continue
            for quote in str(value).split(";") if column == "hedges_it" else [str(value)]:
                if not quote.strip() or quote.strip() not in article:
                    missing.append(f"{table}.{column} of {row_id}: {quote!r}")
    assert not missing, f"cases/{case.name}: not verbatim in its article:\n" + "\n".join(missing)


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case_article_opens_with_the_practice_notice(case):
    language = article_language(case)
    first_line = load_article(data_dir=case).splitlines()[0]
    assert NOTICE[language].fullmatch(first_line), f"cases/{case.name}: first line is not the notice: {first_line!r}"


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case_plants_five_to_seven_tagged_departures(case):
    claims = load_all(case, judgements=True)["claims"]
    tagged = claims.loc[claims["distortion"].notna(), "claim_id"].tolist()
    assert 5 <= len(tagged) <= 7, f"cases/{case.name}: {len(tagged)} claims carry a distortion tag: {tagged}"


# --- The loaders on any data folder: a case without a corpus still loads; missing files are named. ---


def test_a_folder_without_a_corpus_still_loads_and_the_corpus_loader_names_the_missing_file(data_copy):
    for name in CORPUS_TABLES:
        (data_copy / "tables" / f"{name}.csv").unlink()
    assert set(load_all(data_copy)) == set(TABLES)
    with pytest.raises(DataError, match=r"(?s)site_profiles\.csv: .*the file does not exist"):
        load_corpus(data_copy)


def test_a_missing_article_is_an_error_naming_its_file(data_copy):
    with pytest.raises(DataError, match=r"(?s)article/it\.txt: .*the article file does not exist"):
        load_article(data_dir=data_copy)
    (data_copy / "article").mkdir()
    (data_copy / "article" / "it.txt").write_text("[notice]\nUna riga.\n", encoding="utf-8")
    assert load_article(data_dir=data_copy).splitlines() == ["[notice]", "Una riga."]


def test_the_article_language_comes_from_the_package(data_copy):
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["newslens:language"] = "en"
    (data_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    (data_copy / "article").mkdir()
    (data_copy / "article" / "en.txt").write_text("First.\n\nSecond.\n", encoding="utf-8")
    assert article_language(data_copy) == "en"
    assert article_blocks(data_dir=data_copy) == ["First.", "Second."]


def test_a_missing_resource_is_an_error_naming_the_descriptor(data_copy):
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] != "search_results"]
    (data_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(MissingResourceError, match=r"(?s)datapackage\.json: .*no table named 'search_results'"):
        load_search_results(data_copy)
    with pytest.raises(KeyError):  # as before the change: code that caught KeyError still does
        load_search_results(data_copy)
