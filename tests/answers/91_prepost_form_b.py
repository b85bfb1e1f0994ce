"""Answers to the pre/post assessment, form B (practice case B), each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). Form A (``90_prepost_form_a``) has the same questions and the same kinds of mistake.
"""

from __future__ import annotations

#: Question 6's timeline built right, then changed by the code that follows it.
_TIMELINE = (
    "timeline = events.loc[events['in_article'], ['event_id', 'event_start', 'report_date']].copy()\n"
    "timeline['lag_days'] = (timeline['report_date'] - timeline['event_start']).dt.days\n"
)

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q2_event_dates": [
        ("import datetime as dt\nevent_dates = (dt.date(2024, 12, 4), dt.date(2024, 12, 4))", None),
        ("event_dates = ['2024-12-04', '2024-12-04']", None),
        ("event_dates = ('2024-12-05', '2024-12-05')", "the day KCNA reported"),
        ("event_dates = ('2024-12-04', '2024-12-05')", "the day KCNA reported"),
        ("event_dates = '2024-12-04'", "tuple of two dates"),
        ("event_dates = ('4 December 2024', '4 December 2024')", "YYYY-MM-DD"),
        ("event_dates = ('2024-11-11', '2024-11-11')", "Not the day the sources give"),
    ],
    "q3_place": [
        ("place_name = 'moscow'", None),
        ("place_name = 'Mosca'", None),
        ("place_name = 'Pyongyang'", "where the article puts the exchange"),
        ("place_name = 'Seoul'", "South Korea reacted"),
        ("place_name = 'Beijing'", "Not the city the sources give"),
        ("place_name = ['Moscow']", "should be a string"),
    ],
    "q4_origin": [
        ("origin_source = 'interfax'", "Interfax relays it"),
        ("origin_source = 'russia_gov'", "second, independent origin"),
        ("origin_source = 'article'", "only repeats the report"),
        ("origin_source = 'KCNA'", "is not a source_id"),
        ("origin_source = 'ap'", "Not the origin of this report"),
    ],
    "q5_map": [
        (
            "key_places = gpd.GeoDataFrame(places[places['place_id'].isin(KEY_PLACES)], geometry=gpd.points_from_xy("
            "places[places['place_id'].isin(KEY_PLACES)]['lon'], places[places['place_id'].isin(KEY_PLACES)]['lat']"
            ")).set_crs(4326)",
            None,
        ),
        (
            "key_places = key_places.set_geometry(gpd.points_from_xy(key_places['lat'], key_places['lon'], "
            "crs='EPSG:4326'))",
            "Latitude and longitude are swapped",
        ),
        ("key_places = key_places.set_crs(None, allow_override=True)", "Set the CRS"),
        ("key_places = key_places[key_places['place_id'] == 'moscow']", "one row per place of KEY_PLACES"),
        ("key_places = pd.DataFrame(key_places)", "should be a GeoDataFrame"),
        (
            "off_by_km = float(((a['lon'] - b['lon']) ** 2 + (a['lat'] - b['lat']) ** 2) ** 0.5)",
            "distance in degrees",
        ),
        ("off_by_km = off_by_km * 1000", "That is metres"),
        ("off_by_km = 1000.0", "is not the geodesic distance"),
        ("off_by_km = 0.0", "Zero"),
        ("off_by_km = str(off_by_km)", "should be a number of kilometres"),
    ],
    "q6_timeline": [
        (_TIMELINE + "timeline = timeline.sort_values(['event_start', 'event_id'], ignore_index=True)", None),
        (
            _TIMELINE + "timeline = timeline.sort_values(['report_date', 'event_id']).reset_index(drop=True)",
            "order of the reports",
        ),
        (
            "timeline = timeline.assign(lag_days=(timeline['event_start'] - timeline['report_date']).dt.days)",
            "wrong sign",
        ),
        ("timeline = timeline.drop(columns='lag_days')", "lacks the column(s) lag_days"),
        ("timeline = timeline.iloc[1:]", "with in_article true, and only those"),
        ("report_dated_event = 'kim_ratification_decree'", "true of both days"),
        ("report_dated_event = 'putin_visit'", "time zones"),
        ("report_dated_event = 'putin_ratification_law'", "order of events"),
        ("report_dated_event = 'treaty_signed'", "is not its report date"),
        ("report_dated_event = 'kremlin_treaty_announcement'", "is not the event_id of an event in the article"),
    ],
}
