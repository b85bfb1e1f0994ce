"""The capstone (exercise set ``06_putting_it_together``): the student's own tables of a practice case, and their
comparison with the case's answer key.

The student builds a practice case's places, events, sources and claims as CSV files in a folder of their work
area (:func:`setup_folder` lays it out: a copy of the course's ``datapackage.json`` and a header-only CSV per
table) and hands them in as plain data, ``{table: CSV text}`` (:func:`read_tables`), which the sandboxed grader
exports as it is. The checks write that text back into a fresh folder and run the course's loaders on it
(:func:`loader_problems`: the loader's own message, naming file, row and column, is the feedback), then compare
the tables with the case's (:func:`place_differences`, :func:`event_differences`, :func:`claim_differences`),
one sentence per difference.

The key's places and events are read fact-only (they need no judgement). The key's grades and reasons are read
from the case's ``claims.csv`` directly, not through the loaders, and only inside a check, after the student has
answered: what a check reveals is the course's judgement *after* the student's, which is the point of the
exercise (the loaders' audit, ``newslens.load``, records what a notebook could show before an answer).
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths
from .data import TABLES, load_all, load_article, load_events, load_places, schema_fields

#: How far (in points of the 1-6 credibility scale) a student's grade may be from the key's.
GRADE_TOLERANCE = 1
#: The fewest claims the student must build.
MIN_CLAIMS = 5
#: The practice cases a capstone may be built on (the notebook's ``CASE_NAME``).
CASES = ("practice_a", "practice_b")


def case_dir(case: str) -> Path:
    """The folder of practice case ``case``, one of :data:`CASES` (anything else is refused: the name comes from
    the student's notebook)."""
    if case not in CASES:
        raise ValueError(f"CASE_NAME should be one of {', '.join(CASES)}, not {case!r}")
    return paths.REPO_ROOT / "cases" / case


def setup_folder(folder: Path | str) -> Path:
    """Lay out ``folder`` for the student's tables and return it: ``datapackage.json`` (a copy of the course's,
    the schema the loaders check) and ``tables/<table>.csv`` with the header row only, for each table that does
    not exist yet. Files already there are never overwritten."""
    folder = Path(folder)
    (folder / "tables").mkdir(parents=True, exist_ok=True)
    shutil.copy(paths.DATA_DIR / "datapackage.json", folder / "datapackage.json")
    for name in TABLES:
        path = folder / "tables" / f"{name}.csv"
        if not path.exists():
            header = [field["name"] for field in schema_fields(name)]
            path.write_text(",".join(header) + "\n", encoding="utf-8")
    return folder


def read_tables(folder: Path | str) -> dict[str, str]:
    """The student's tables as plain data: ``{table: the text of tables/<table>.csv}``."""
    folder = Path(folder)
    return {name: (folder / "tables" / f"{name}.csv").read_text(encoding="utf-8") for name in TABLES}


def _shape_problem(tables: object) -> str | None:
    if not isinstance(tables, dict):
        return f"`my_tables` should be a dict {{table: CSV text}} (read_tables(WORK)), not {type(tables).__name__}."
    missing = [name for name in TABLES if name not in tables]
    if missing:
        return f"`my_tables` lacks the table(s) {', '.join(missing)}: build it with read_tables(WORK)."
    wrong = [name for name in TABLES if not isinstance(tables[name], str)]
    if wrong:
        return f"`my_tables[{wrong[0]!r}]` should be the text of the CSV file, a string."
    return None


def loader_problems(tables: object) -> list[str]:
    """Why the course's loaders reject ``tables`` (empty when they accept them): the tables are written into a
    fresh folder with the course's ``datapackage.json`` and loaded with :func:`newslens.data.load_all`."""
    shape = _shape_problem(tables)
    if shape:
        return [shape]
    assert isinstance(tables, dict)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tables").mkdir()
        shutil.copy(paths.DATA_DIR / "datapackage.json", folder / "datapackage.json")
        for name in TABLES:
            (folder / "tables" / f"{name}.csv").write_text(tables[name], encoding="utf-8")
        try:
            load_all(data_dir=folder)
        except Exception as err:  # the loader's message names file, row and column
            return [f"The course's loaders reject your tables: {err}"]
    return []


def frames(tables: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The student's tables as text columns (every value a string, missing values empty)."""
    return {
        name: pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
        for name, text in tables.items()
    }


def _norm(text: object) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(d)))


def _number(text: object) -> float | None:
    try:
        value = float(str(text))
    except ValueError:
        return None
    return None if math.isnan(value) else value


def match_places(tables: dict[str, str], case: str) -> dict[str, str]:
    """``{key place_id: the student's place_id}`` for each place of the key the student has: same id or name
    (English, Italian, the article's mention), else a place of the same kind within 30 km."""
    key = load_places(data_dir=case_dir(case))
    mine = frames(tables)["places"]
    found: dict[str, str] = {}
    for _, k in key.iterrows():
        names = {_norm(k[c]) for c in ("place_id", "name_en", "name_it", "article_mention_it") if pd.notna(k[c])}
        for _, m in mine.iterrows():
            mine_names = {_norm(m.get(c, "")) for c in ("place_id", "name_en", "name_it", "article_mention_it")}
            if names & (mine_names - {""}):
                found[str(k["place_id"])] = str(m["place_id"])
                break
        else:
            for _, m in mine.iterrows():
                lat, lon = _number(m.get("lat")), _number(m.get("lon"))
                if lat is None or lon is None or m.get("kind") != k["kind"] or pd.isna(k["lat"]):
                    continue
                if _km(lat, lon, float(k["lat"]), float(k["lon"])) < 30:
                    found[str(k["place_id"])] = str(m["place_id"])
                    break
    return found


def place_differences(tables: dict[str, str], case: str) -> list[str]:
    """Each difference between the student's places and the key's places named in the article: a place
    missing, a geo_precision off, coordinates far from the key's."""
    key = load_places(data_dir=case_dir(case)).set_index("place_id")
    mine = frames(tables)["places"].set_index("place_id")
    matched = match_places(tables, case)
    out = []
    for pid, k in key[key["article_mention_it"].notna()].iterrows():
        if pid not in matched:
            out.append(
                f"A place is missing: the article's '{k['article_mention_it']}' ({k['name_en']}, a {k['kind']}); "
                "find it in the gazetteer."
            )
            continue
        m = mine.loc[matched[pid]]
        if str(m["geo_precision"]) != str(int(k["geo_precision"])):
            out.append(
                f"{matched[pid]}: geo_precision {m['geo_precision']}, the key's is {int(k['geo_precision'])} "
                f"(a {k['kind']}; data/README.md says what each level means)."
            )
        lat, lon = _number(m["lat"]), _number(m["lon"])
        if lat is not None and lon is not None and pd.notna(k["lat"]):
            if _km(lon, lat, float(k["lat"]), float(k["lon"])) < 30 < _km(lat, lon, float(k["lat"]), float(k["lon"])):
                out.append(f"{matched[pid]}: lat and lon are swapped (latitude is north-south, lon east-west).")
            elif _km(lat, lon, float(k["lat"]), float(k["lon"])) > 30:
                far = _km(lat, lon, float(k["lat"]), float(k["lon"]))
                out.append(f"{matched[pid]}: its point is {far:,.0f} km from the key's (take it from the gazetteer).")
    return out


def _event_pairs(keys: list[pd.Series], mine: list[dict[Any, Any]], places: dict[str, str]) -> dict[int, int]:
    """``{key event: the student's event}``, the closest pairs first: the same event_id, else the same place
    (or a start within three days), scored by the days between the two starts plus the days between the two
    ends (20 more for another place); pairs scored above 60 are not the same event."""
    scored = []
    for j, k in enumerate(keys):
        k_start, k_end = pd.Timestamp(k["event_start"]), pd.Timestamp(k["event_end"])
        for i, m in enumerate(mine):
            start = pd.to_datetime(m["event_start"], errors="coerce")
            end = pd.to_datetime(m["event_end"], errors="coerce")
            if pd.isna(start) or pd.isna(end):
                continue
            same_place = places.get(str(k["place_id"])) == m["place_id"]
            days = abs((start - k_start).days) + abs((end - k_end).days)
            if m["event_id"] == k["event_id"]:
                scored.append((-1.0, j, i))
            elif (same_place or abs((start - k_start).days) <= 3) and days + (0 if same_place else 20) <= 60:
                scored.append((float(days + (0 if same_place else 20)), j, i))
    pairs: dict[int, int] = {}
    for _, j, i in sorted(scored):
        if j not in pairs and i not in pairs.values():
            pairs[j] = i
    return pairs


def event_differences(tables: dict[str, str], case: str) -> list[str]:
    """Each difference between the student's events and the key's events that the article dates: an event
    missing, a date outside the key's interval, a time_precision off, another place."""
    key = load_events(data_dir=case_dir(case))
    key = key[key["in_article"] & key["date_phrase_it"].notna()].sort_values(["event_start", "event_id"])
    mine = frames(tables)["events"].to_dict("records")
    places = match_places(tables, case)
    keys = [k for _, k in key.iterrows()]
    pairs = _event_pairs(keys, mine, places)
    out = []
    for j, k in enumerate(keys):
        if j not in pairs:
            out.append(
                f"An event is missing: '{k['date_phrase_it']}' in the article ({k['label_en']}), "
                f"{k['event_start']:%Y-%m-%d} to {k['event_end']:%Y-%m-%d} in the key."
            )
            continue
        m = mine[pairs[j]]
        start, end = str(m["event_start"]), str(m["event_end"])
        k_start, k_end = f"{k['event_start']:%Y-%m-%d}", f"{k['event_end']:%Y-%m-%d}"
        if start < k_start or end > k_end:
            also = ""
            if pd.notna(k["report_date"]) and f"{k['report_date']:%Y-%m-%d}" in (start, end):
                also = f" {k['report_date']:%Y-%m-%d} is the day it was reported, not the day it happened."
            out.append(
                f"{m['event_id']}: {start} to {end} lies outside the key's interval, {k_start} to {k_end} "
                f"({k['label_en']}).{also}"
            )
        if str(m["time_precision"]) != str(int(k["time_precision"])):
            out.append(
                f"{m['event_id']}: time_precision {m['time_precision']}, the key's is {int(k['time_precision'])} "
                f"({k_start} to {k_end})."
            )
        if str(k["place_id"]) in places and places[str(k["place_id"])] != m["place_id"]:
            out.append(f"{m['event_id']}: placed at {m['place_id']}, the key places it at {k['place_id']}.")
    return out


def _key_claims(case: str) -> list[dict[str, str]]:
    with open(case_dir(case) / "tables" / "claims.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def claim_differences(tables: dict[str, str], case: str) -> list[str]:
    """Each difference between the student's claims and the key's: fewer than five, a quote not verbatim in the
    article or in no claim of the key, an attribution coded otherwise, a grade far from the key's (the student's
    reason, then the key's)."""
    mine = frames(tables)["claims"]
    out = []
    if len(mine) < MIN_CLAIMS:
        out.append(f"Build at least {MIN_CLAIMS} claims: claims.csv has {len(mine)}.")
    article = _norm(load_article(data_dir=case_dir(case)))
    key = _key_claims(case)
    for _, m in mine.iterrows():
        quote = _norm(m["quote_it"])
        cid = m["claim_id"]
        if not quote or quote not in article:
            out.append(f"{cid}: the quote is not in the article word for word: copy it from the text.")
            continue
        best, overlap = None, 0.0
        for k in key:
            kq = _norm(k["quote_it"])
            words, k_words = set(quote.split()), set(kq.split())
            share = len(words & k_words) / max(1, min(len(words), len(k_words)))
            if quote in kq or kq in quote:
                share = 1.0
            if share > overlap:
                best, overlap = k, share
        if best is None or overlap < 0.6:
            out.append(f"{cid}: the key has no claim with this quote: choose a sentence that states a fact.")
            continue
        if m["attribution"] != best["attribution"]:
            out.append(
                f"{cid}: attribution '{m['attribution']}', the key's is '{best['attribution']}' "
                f"({best['attribution_phrase_it'] or 'no attribution in the sentence'})."
            )
        grade = _number(m["credibility"])
        if grade is not None and abs(grade - float(best["credibility"])) > GRADE_TOLERANCE:
            out.append(
                f"{cid}: graded {grade:.0f}, far from the key's {best['credibility']}. Your reason: "
                f"{m['credibility_reason']} The key's reason: {best['credibility_reason']}"
            )
    return out
