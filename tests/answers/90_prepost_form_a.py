"""Answers to the pre/post assessment, form A (practice case A), each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). Form B (``91_prepost_form_b``) has the same questions and the same kinds of mistake.
"""

from __future__ import annotations

#: Question 6's timeline built right, then changed by the code that follows it.
_TIMELINE = (
    "timeline = events.loc[events['in_article'], ['event_id', 'event_start', 'report_date']].copy()\n"
    "timeline['lag_days'] = (timeline['report_date'] - timeline['event_start']).dt.days\n"
)

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q2_event_dates": [
        ("import datetime as dt\nevent_dates = (dt.date(2024, 10, 8), dt.date(2024, 10, 13))", None),
        ("event_dates = ['2024-10-08', '2024-10-13']", None),
        ("event_dates = ('2024-10-18', '2024-10-18')", "the day the NIS made its statement"),
        ("event_dates = ('2024-10-08', '2024-10-18')", "the day the NIS made its statement"),
        ("event_dates = ('2024-10-13', '2024-10-08')", "The first day comes first"),
        ("event_dates = '2024-10-08'", "tuple of two dates"),
        ("event_dates = ('8 ottobre 2024', '13 ottobre 2024')", "YYYY-MM-DD"),
        ("event_dates = ('2024-10-08', '2024-10-08')", "Not the days the sources give"),
    ],
    "q3_place": [
        ("place_name = 'Hamhung'", None),
        ("place_name = 'near Chongjin and Hamhung'", None),
        ("place_name = 'Musudan'", None),
        ("place_name = 'Nampo'", "where the article says the ships sailed from"),
        ("place_name = 'Vladivostok'", "where the soldiers landed"),
        ("place_name = 'Wonsan'", "Not a place the sources give"),
        ("place_name = ('Chongjin',)", "should be a string"),
    ],
    "q4_origin": [
        ("origin_source = 'afp'", "AFP relays it"),
        ("origin_source = 'kbs'", "KBS relays it"),
        ("origin_source = 'nato'", "ten days later"),
        ("origin_source = 'us_gov'", "second origin"),
        ("origin_source = 'article'", "only repeats the report"),
        ("origin_source = 'NIS'", "is not a source_id"),
        ("origin_source = 'kcna'", "Not the origin of this report"),
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
        ("key_places = key_places[key_places['place_id'] != 'nampo']", "one row per place of KEY_PLACES"),
        ("key_places = pd.DataFrame(key_places)", "should be a GeoDataFrame"),
        (
            "off_by_km = float(((a['lon'] - b['lon']) ** 2 + (a['lat'] - b['lat']) ** 2) ** 0.5)",
            "distance in degrees",
        ),
        ("off_by_km = off_by_km * 1000", "That is metres"),
        ("off_by_km = 503.2", "not the nearest one"),
        ("off_by_km = 100.0", "is not the geodesic distance"),
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
        ("report_dated_event = 'first_clash_kursk'", "a report date given as a report date"),
        ("report_dated_event = 'dprk_troops_in_kursk'", "gives it no date"),
        ("report_dated_event = 'dprk_un_denial'", "gives it no date"),
        ("report_dated_event = 'rutte_confirms_kursk'", "is not its report date"),
        ("report_dated_event = 'pentagon_kursk_10000_report'", "is not the event_id of an event in the article"),
    ],
}
