"""Answers to exercise set 06_putting_it_together, the capstone (practice case A, the notebook's default
``CASE_NAME``; a few for practice case B), each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The solution's tables are in ``my_tables`` (text); each mistake edits one value of one table with
``_edit`` and hands the result to the question's variable.
"""

from __future__ import annotations

#: ``_edit(table, key, column, value)``: the solution's tables with one value changed (``value=None`` drops the
#: row); ``_frame(table)``: one table as text columns.
_EDIT = (
    "def _frame(table):\n"
    "    return capstone.frames(my_tables)[table]\n"
    "def _edit(table, key, column, value, tables=None):\n"
    "    tables = dict(tables or my_tables)\n"
    "    frame = capstone.frames(tables)[table]\n"
    "    rows = frame[frame.columns[0]] == key\n"
    "    frame = frame[~rows] if value is None else frame.assign(**{column: frame[column].where(~rows, value)})\n"
    "    tables[table] = frame.to_csv(index=False)\n"
    "    return tables\n"
)

#: Practice case B's own key as a student's tables, with the notebook switched to that case (CASE_NAME): an
#: instructor who gives the capstone on case B gets checks that accept its key and refuse case A's tables.
_CASE_B = "CASE_NAME = 'practice_b'\n_key_b = capstone.read_tables(capstone.case_dir('practice_b'))\n"

#: Question 5's answers built right, then changed by the code that follows.
_MAP = (
    "tables = load_all(data_dir=WORK)\n"
    "my_map = gpd.GeoDataFrame(tables['places'], geometry=gpd.points_from_xy(tables['places']['lon'], "
    "tables['places']['lat']), crs='EPSG:4326')\n"
)

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_tables": [
        (_EDIT + "my_tables = _edit('places', 'chongjin', 'name_it', 'Chongjin')", None),
        (_EDIT + "my_tables = _edit('places', 'kazan', 'geo_precision', '5')", "geo_precision"),
        (_EDIT + "my_tables = _edit('places', 'kazan', 'lat', '')", None),
        (_EDIT + "my_tables = _edit('events', 'putin_kazan_remarks', 'place_id', 'kazan_city')", "kazan_city"),
        (_EDIT + "my_tables = _edit('events', 'putin_kazan_remarks', 'event_start', '2024-10-32')", "2024-10-32"),
        (_EDIT + "my_tables = _edit('claims', 'c10', 'credibility', 'improbable')", "credibility"),
        ("my_tables = dict(my_tables, claims=my_tables['claims'].splitlines()[0] + '\\n')", "no data rows"),
        ("my_tables = str(WORK / 'tables')", "should be a dict"),
        ("my_tables = load_all(data_dir=WORK)", "should be the text of the CSV file"),
        ("my_tables = {'places': my_tables['places']}", "lacks the table(s)"),
    ],
    "q2_places": [
        (_EDIT + "my_places_tables = _edit('places', 'chongjin', None, None)", None),
        (_EDIT + "my_places_tables = _edit('places', 'nampo', None, None)", "A place is missing: the article's 'porto"),
        (
            _EDIT + "my_places_tables = _edit('places', 'moscow', 'geo_precision', '3')",
            "geo_precision 3, the key's is 1",
        ),
        (_EDIT + "my_places_tables = _edit('places', 'kursk_region', 'geo_precision', '1')", "the key's is 3"),
        (
            _EDIT + "_t = _edit('places', 'kazan', 'lat', '49.1221')\nmy_places_tables = _edit('places', 'kazan', "
            "'lon', '55.7887', _t)",
            "swapped",
        ),
        (_EDIT + "my_places_tables = _edit('places', 'vladivostok', 'lon', '121.8735')", "km from the key's"),
        (_EDIT + "my_places_tables = _edit('places', 'seoul', 'lat', 'x')", "The course's loaders reject"),
        ("CASE_NAME = '../data'\nmy_places_tables = my_tables", "CASE_NAME should be one of"),
        (_CASE_B + "my_places_tables = _key_b", None),
        (_CASE_B + "my_places_tables = my_tables", "A place is missing"),
    ],
    "q3_events": [
        (_EDIT + "my_events_tables = _edit('events', 'first_clash_kursk', 'event_start', '2024-10-25')", None),
        (
            _EDIT + "_t = _edit('events', 'troops_to_vladivostok', 'event_start', '2024-10-18')\n"
            "my_events_tables = _edit('events', 'troops_to_vladivostok', 'event_end', '2024-10-18', _t)",
            "is the day it was reported, not the day it happened",
        ),
        (
            _EDIT + "my_events_tables = _edit('events', 'troops_to_vladivostok', 'time_precision', '1')",
            "time_precision 1, the key's is 2",
        ),
        (_EDIT + "my_events_tables = _edit('events', 'gerasimov_report', None, None)", "An event is missing"),
        (
            _EDIT + "my_events_tables = _edit('events', 'troops_to_vladivostok', 'place_id', 'nampo')",
            "the key places it at vladivostok",
        ),
        (
            _EDIT + "my_events_tables = _edit('events', 'rutte_confirms_kursk', 'event_end', '2024-10-29')",
            "outside the key's interval",
        ),
        (_CASE_B + "my_events_tables = _key_b", None),
        (_CASE_B + "my_events_tables = my_tables", "An event is missing"),
    ],
    "q4_claims": [
        (_EDIT + "my_claims_tables = _edit('claims', 'c10', 'credibility', '4')", None),
        (_EDIT + "my_claims_tables = _edit('claims', 'c10', 'credibility', '1')", "The key's reason: Improbable"),
        (_EDIT + "my_claims_tables = _edit('claims', 'c17', 'attribution', 'unnamed')", "the key's is 'named'"),
        (_EDIT + "my_claims_tables = _edit('claims', 'c22', None, None)", "at least 5 claims"),
        (
            _EDIT + "my_claims_tables = _edit('claims', 'c17', 'quote_it', 'Il 28 ottobre Mark Rutte ha confermato')",
            "word for word",
        ),
        (
            _EDIT + "my_claims_tables = _edit('claims', 'c17', 'quote_it', 'Le rivelazioni di Seul')",
            "the key has no claim with this quote",
        ),
        (_CASE_B + "my_claims_tables = _key_b", None),
        (_CASE_B + "my_claims_tables = my_tables", "word for word"),
    ],
    "q5_map_timeline": [
        (_MAP + "my_timeline = my_timeline.assign(event_start=my_timeline['event_start'].astype(str))", None),
        (
            _MAP + "my_map = my_map.set_geometry(gpd.points_from_xy(my_map['lat'], my_map['lon'], crs='EPSG:4326'))",
            "Latitude and longitude are swapped",
        ),
        (_MAP + "my_map = my_map.set_crs(None, allow_override=True)", "Set the CRS"),
        ("my_map = pd.DataFrame(my_map)", "should be a GeoDataFrame"),
        (
            "my_timeline = my_timeline.sort_values(['report_date', 'event_id']).reset_index(drop=True)",
            "Sort `my_timeline` by when the events happened",
        ),
        ("my_timeline = my_timeline.assign(lag_days=-my_timeline['lag_days'])", "wrong sign"),
        ("my_timeline = my_timeline.drop(columns=['lag_days'])", "lacks the column(s) lag_days"),
    ],
}
