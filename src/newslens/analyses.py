"""The course's core analyses for any case: the case workbook's helpers (``instructors/case_workbook.ipynb``).

Each analysis is the one a lesson teaches, made to take any case folder (the course's ``data/`` or a folder of
``cases/``) instead of the course's own article, and to say what it leaves out instead of failing:

- :func:`place_map`: the map with honest precision (lesson "Mapping the places"): a dot only for a place known to
  the town (``geo_precision`` 1), a circle of its ``uncertainty_radius_km`` for one known to within a radius, the
  area it lies in, hatched, for a site whose location is not disclosed, and the outline of its area for a country,
  region or sea; a place that cannot be drawn honestly is listed, never dropped silently;
- :func:`timeline`: one row per event, a dot for an exact day or a bar for an interval coloured by
  ``time_precision``, the report date as a white diamond, and the article's publication window (lesson "Charting
  the timeline");
- :func:`copy_chain`: the relay chain from the article back to its primary source, documented and inferred links
  (lesson "Evaluating the sources");
- :func:`grade_matrix`: the Admiralty grid, source reliability against information credibility, one count per
  graded claim (same lesson).

The lessons keep their own code, written out where they teach it; this module follows their rules and their
colours (:mod:`newslens.style`), and reads the tables only through :mod:`newslens.data` and the basemaps only through
:mod:`newslens.geo`. Every artist that draws a place, an event, a source or a grade carries a matplotlib ``gid``
(``place:<id>``, ``event:<id>``, ``source:<id>``, ``grade:<letter><number>``) so that tests can count them.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter
from pyproj import Geod
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry
from shapely.plotting import patch_from_polygon

from . import paths, style
from .data import TABLES, DataError, load_all, load_table
from .geo import GeoDataError, area_for, load_layer

__all__ = [
    "Case",
    "open_case",
    "PlaceMap",
    "place_marks",
    "place_map",
    "Timeline",
    "publication_window",
    "timeline",
    "CopyChain",
    "copy_chain",
    "GradeMatrix",
    "grade_matrix",
]

WGS84 = "EPSG:4326"
_GEOD = Geod(ellps="WGS84")
#: Kinds of place that are sites: an undisclosed site is drawn as the area it lies in, hatched (the mapping lesson).
SITE_KINDS = ("facility", "city", "area")
#: The smallest circle the overview map draws (a few pixels on a continental map; the zoom draws true radii).
MIN_CIRCLE_KM = 150.0
#: Places within this distance of the busiest one share the zoomed panel of the map.
ZOOM_RADIUS_KM = 900.0

DOT = style.PALETTE[0]
CIRCLE = style.PALETTE[1]
HATCH = style.PALETTE[3]
AREA = style.PALETTE[2]
PRECISION_COLOURS = {1: style.PALETTE[0], 2: style.PALETTE[2], 3: style.PALETTE[1], 4: style.PALETTE[3]}
PRECISION_LABELS = {1: "1: exact day", 2: "2: within a week", 3: "3: within a month", 4: "4: vaguer than a month"}
ONE_DAY = pd.Timedelta(days=1)
NOON = pd.Timedelta(hours=12)


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples()``, its rows typed loosely (a row's cells are of many types)."""
    return iter(frame.itertuples())


def _note(text: str) -> None:
    """A note the workbook prints where an analysis leaves something out (never an exception)."""
    print(f"Note: {text}")


# --------------------------------------------------------------------------------------------
# The case


@dataclass
class Case:
    """A case folder and the tables of it that load (all four, for a complete case)."""

    folder: Path
    label: str
    title: str
    language: str
    tables: dict[str, pd.DataFrame]
    problems: list[str] = field(default_factory=list)
    todo_count: int = 0

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or None (with a printed note) when it did not load."""
        if name not in self.tables:
            _note(f"the {name} table of {self.label} did not load (see above), so this analysis is skipped.")
            return None
        return self.tables[name]

    @property
    def source_note(self) -> str:
        """Where a figure's data comes from, for its source line."""
        return f"Data: {self.label}/tables"


def _case_folder(case: str | Path) -> tuple[Path, str]:
    given = Path(case)
    folder = given if given.is_absolute() else paths.REPO_ROOT / given
    try:
        label = folder.resolve().relative_to(paths.REPO_ROOT).as_posix()
    except ValueError:
        label = str(folder)
    return folder, label


def open_case(case: str | Path) -> Case:
    """Load the case ``case`` (``"data"``, ``"cases/practice_a"``, or any path) with its judgements.

    Prints what loaded. A table that does not load is reported as the loaders word it and left out (the analyses
    that need it say so); the case check's to-do list (:mod:`newslens.casekit.check`) is counted, not repeated.
    """
    from .casekit.check import CaseNotFound, find_case, todos

    folder, label = _case_folder(case)
    try:
        folder = find_case(folder)
    except CaseNotFound as err:
        raise FileNotFoundError(f"CASE = {str(case)!r}: {err}") from None
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    result = Case(folder, label, str(package.get("title", "")), str(package.get("newslens:language", "it")), {})
    try:
        result.tables = load_all(folder, judgements=True)
    except DataError:
        for name in TABLES:
            try:
                result.tables[name] = load_table(name, folder, judgements=True)
            except DataError as err:
                if str(err) not in result.problems:
                    result.problems.append(str(err))
    result.todo_count = len(todos(folder))
    print(f"Case {label}: {result.title}")
    print(f"Article language: {result.language}")
    for name in TABLES:
        shown = f"{len(result.tables[name])} rows" if name in result.tables else "did NOT load"
        print(f"  {name}: {shown}")
    for problem in result.problems:
        print(problem)
    if result.problems or result.todo_count:
        _note(
            f"this case is not complete ({len(result.problems)} table(s) do not load, {result.todo_count} thing(s) "
            f"to do): run `python -m newslens case check {label}` for the list. The analyses below show what the "
            "tables hold and say what they leave out."
        )
    return result


# --------------------------------------------------------------------------------------------
# The map with honest precision


def uncertainty_circle(lon: float, lat: float, radius_km: float) -> BaseGeometry:
    """A circle of ``radius_km`` around (lon, lat) on the ground, as a polygon in EPSG:4326 (the mapping lesson's)."""
    local_crs = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    circle = gpd.GeoSeries([Point(0, 0).buffer(radius_km * 1000, 64)], crs=local_crs)
    return circle.to_crs(WGS84).iloc[0]


def _area(ref: Any) -> BaseGeometry | None:
    """The shape a ``geometry_ref`` names, or None if it names none (read once per reference)."""
    return None if pd.isna(ref) else _area_shape(str(ref))


@cache
def _area_shape(ref: str) -> BaseGeometry | None:
    try:
        return area_for(ref).geometry.union_all()
    except GeoDataError:
        return None


def place_marks(places: pd.DataFrame) -> gpd.GeoDataFrame:
    """Every place with how the map draws it (``drawn_as``: dot, circle, hatched area, area, or not drawn), its
    shape in EPSG:4326 (None when not drawn) and a ``note`` saying why a place is drawn as it is or not at all.

    The mapping lesson's rule: a dot only for geo_precision 1 with coordinates; a circle of the uncertainty radius for a
    place known to within one; the area of ``geometry_ref`` otherwise, hatched for a site (facility, city, area)
    whose location is not disclosed; a place with none of these is not drawn, and listed.
    """
    rows = []
    for place in _rows(places):
        has_point = pd.notna(place.lat) and pd.notna(place.lon)
        area = _area(place.geometry_ref)
        if has_point and place.geo_precision == 1:
            drawn, shape, note = "dot", Point(place.lon, place.lat), "known to the town (precision 1)"
        elif has_point and pd.notna(place.uncertainty_radius_km):
            drawn = "circle"
            shape = uncertainty_circle(place.lon, place.lat, float(place.uncertainty_radius_km))
            note = f"known to within {place.uncertainty_radius_km:g} km (precision {place.geo_precision})"
        elif area is not None and place.kind in SITE_KINDS:
            drawn, shape = "hatched area", area
            note = f"location not disclosed: somewhere in {place.geometry_ref}"
        elif area is not None:
            drawn, shape, note = "area", area, f"the area {place.geometry_ref}"
        else:
            drawn, shape = "not drawn", None
            if pd.notna(place.geometry_ref):
                note = f"geometry_ref {place.geometry_ref!r} is not an area of the course's basemaps"
            elif not has_point:
                note = "no coordinates and no area"
            else:
                note = f"precision {place.geo_precision} with neither a radius nor an area: a dot would claim too much"
        rows.append(
            {
                "place_id": place.place_id,
                "name_en": place.name_en,
                "kind": place.kind,
                "geo_precision": place.geo_precision,
                "lon": place.lon,
                "lat": place.lat,
                "radius_km": float(place.uncertainty_radius_km) if drawn == "circle" else float("nan"),
                "drawn_as": drawn,
                "note": note,
                "geometry": shape,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


@dataclass
class PlaceMap:
    """The map of a case's places: its figure (None if nothing can be drawn) and how each place is drawn."""

    figure: Figure | None
    marks: gpd.GeoDataFrame
    zoom_ids: list[str]
    crs: list[str] = field(default_factory=list)  # the CRS of each panel, overview first


def _anchor_point(row: Any) -> Point:
    """Where a drawn place is, for the map's extent: its point, else its shape's representative point."""
    if pd.notna(row.lon) and pd.notna(row.lat):
        return Point(row.lon, row.lat)
    return row.geometry.representative_point()


def _km(a: Point, b: Point) -> float:
    return float(_GEOD.inv(a.x, a.y, b.x, b.y)[2]) / 1000


def _map_crs(bounds: tuple[float, float, float, float]) -> str:
    west, south, east, north = bounds
    lon, lat = (west + east) / 2, (south + north) / 2
    if east - west <= 70 and north - south <= 50:
        return f"+proj=laea +lat_0={lat:.3f} +lon_0={lon:.3f} +datum=WGS84 +units=m"
    return f"+proj=eqearth +lon_0={lon:.3f} +datum=WGS84 +units=m"


def _padded(bounds: tuple[float, float, float, float], pad: float, min_half: float) -> tuple[float, ...]:
    """``bounds`` (lon/lat) grown by ``pad`` on each side, at least ``min_half`` degrees from the centre either way,
    and at least half as tall as wide (a map of places spread east-west is not a strip), within the globe."""
    west, south, east, north = bounds
    cx, cy = (west + east) / 2, (south + north) / 2
    half_x = min(max((east - west) / 2 * (1 + pad), min_half), 179.9)
    half_y = min(max((north - south) / 2 * (1 + pad), min_half, 0.5 * half_x), 85.0)
    cy = min(max(cy, -85 + half_y), 85 - half_y)
    return (max(cx - half_x, -179.9), cy - half_y, min(cx + half_x, 179.9), cy + half_y)


def _km_ticks(ax: Any) -> None:
    in_km = FuncFormatter(lambda value, _: f"{value / 1000:,.0f}")
    ax.xaxis.set_major_formatter(in_km)
    ax.yaxis.set_major_formatter(in_km)
    ax.set_aspect("equal")


def _draw_panel(
    ax: Any, marks: gpd.GeoDataFrame, bounds: tuple[float, ...], basemap: str, min_circle_km: float, labelled: set[str]
) -> list[str]:
    """Draw the basemap and every mark inside ``bounds`` on ``ax``; return the place ids drawn."""
    crs = _map_crs(bounds)  # type: ignore[arg-type]
    frame = box(*bounds)
    ax.set_facecolor(style.WATER)
    land = load_layer(basemap).clip(frame).to_crs(crs)
    land.plot(ax=ax, color=style.LAND, edgecolor=style.BORDER, linewidth=0.4)
    drawn: list[str] = []
    order = {"area": 0, "hatched area": 1, "circle": 2, "dot": 3}
    shown = marks[marks["drawn_as"] != "not drawn"].copy()
    shown["order"] = shown["drawn_as"].map(order)
    for row in _rows(shown.sort_values("order")):
        shape = row.geometry
        if row.drawn_as == "circle" and row.radius_km < min_circle_km:
            shape = uncertainty_circle(row.lon, row.lat, min_circle_km)
        if not shape.intersects(frame):
            continue
        clipped = shape.intersection(frame) if row.drawn_as in ("area", "hatched area") else shape
        if row.drawn_as in ("area", "hatched area"):
            clipped = clipped.simplify(0.02)
        projected = gpd.GeoSeries([clipped], crs=WGS84).to_crs(crs).iloc[0]
        gid = f"place:{row.place_id}"
        if row.drawn_as == "dot":
            ax.plot(projected.x, projected.y, "o", color=DOT, markersize=6, zorder=5, gid=gid)
        elif projected.is_empty or projected.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        elif row.drawn_as == "circle":
            ax.add_patch(
                patch_from_polygon(
                    projected,
                    facecolor=style.translucent(CIRCLE, 0.2),
                    edgecolor=style.DARK_ORANGE,
                    linestyle="--",
                    linewidth=1.5,
                    zorder=4,
                    gid=gid,
                )
            )
        elif row.drawn_as == "hatched area":
            ax.add_patch(
                patch_from_polygon(
                    projected, facecolor="none", edgecolor=HATCH, hatch="///", linewidth=0.8, zorder=3, gid=gid
                )
            )
        else:
            ax.add_patch(
                patch_from_polygon(
                    projected,
                    facecolor="none",  # outlined, not tinted: tints stacked on tints would hide the marks above
                    edgecolor=style.DARK_GREEN,
                    linewidth=1.0,
                    zorder=2,
                    gid=gid,
                )
            )
        drawn.append(str(row.place_id))
        if row.place_id in labelled and row.drawn_as in ("dot", "circle"):
            centre = gpd.GeoSeries([Point(row.lon, row.lat)], crs=WGS84).to_crs(crs).iloc[0]
            ax.annotate(
                str(row.name_en).split(" (")[0],
                (centre.x, centre.y),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize=7,
                zorder=6,
            )
    corners = gpd.GeoSeries([box(*bounds).segmentize(0.5)], crs=WGS84).to_crs(crs)
    west, south, east, north = corners.total_bounds
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    _km_ticks(ax)
    ax.set_xlabel("easting (km)")
    ax.set_ylabel("northing (km)")
    return drawn


def place_map(case: Case) -> PlaceMap:
    """Draw the case's places with honest precision: an overview of every drawable place and, where several
    places crowd one part of it, a zoom on them at their true radii. Prints what is not drawn, and why."""
    places = case.table("places")
    if places is None:
        return PlaceMap(None, gpd.GeoDataFrame({"drawn_as": []}, geometry=[], crs=WGS84), [])
    marks = place_marks(places)
    not_drawn = marks[marks["drawn_as"] == "not drawn"]
    for row in _rows(not_drawn):
        _note(f"{row.place_id} is not on the map: {row.note}.")
    shown = marks[marks["drawn_as"] != "not drawn"]
    if shown.empty:
        _note("no place of this case can be drawn honestly: the map is skipped.")
        return PlaceMap(None, marks, [])

    anchors = [_anchor_point(r) for r in _rows(shown)]
    xs, ys = [p.x for p in anchors], [p.y for p in anchors]
    overview = _padded((min(xs), min(ys), max(xs), max(ys)), 0.15, 4.0)

    # The zoom: the located places (dots, circles, sites) within ZOOM_RADIUS_KM of the one with most neighbours.
    local = [(r.place_id, p) for r, p in zip(_rows(shown), anchors, strict=True) if r.kind not in ("country", "sea")]
    zoom_ids: list[str] = []
    if len(local) >= 2:
        counts = [sum(_km(p, q) <= ZOOM_RADIUS_KM for _, q in local) for _, p in local]
        centre = local[int(np.argmax(counts))][1]
        zoom_ids = [pid for pid, p in local if _km(centre, p) <= ZOOM_RADIUS_KM]
    zoom = None
    if len(zoom_ids) >= 2:
        zoomed = shown[shown["place_id"].isin(zoom_ids)]
        zw, zs, ze, zn = zoomed[zoomed["kind"] != "country"].total_bounds
        zoom = _padded((zw, zs, ze, zn), 0.3, 2.0)
        if (zoom[2] - zoom[0]) > 0.6 * (overview[2] - overview[0]):
            zoom = None  # the overview already shows them at this scale
    if zoom is None:
        zoom_ids = []

    if zoom is None:
        fig, ax_all = plt.subplots(figsize=(9, 6))
        axes = [ax_all]
    else:
        fig, (ax_all, ax_zoom) = plt.subplots(1, 2, figsize=(12, 6), width_ratios=[1.3, 1])
        axes = [ax_all, ax_zoom]
    outside_zoom = set(shown["place_id"]) - set(zoom_ids)
    _draw_panel(ax_all, marks, overview, "world", MIN_CIRCLE_KM, labelled=outside_zoom)
    crs = [_map_crs(overview)]  # type: ignore[arg-type]
    ax_all.set_title(f"All {len(shown)} places that can be drawn")
    if zoom is not None:
        _draw_panel(axes[1], marks, zoom, "countries", 0.0, labelled=set(zoom_ids))
        crs.append(_map_crs(zoom))  # type: ignore[arg-type]
        axes[1].set_title(f"Zoom: {len(zoom_ids)} places close together, true radii")
        ax_all.add_patch(
            patch_from_polygon(
                gpd.GeoSeries([box(*zoom)], crs=WGS84).to_crs(_map_crs(overview)).iloc[0],  # type: ignore[arg-type]
                facecolor="none",
                edgecolor="black",
                linewidth=1,
            )
        )
    legend = [
        Line2D([], [], marker="o", color=DOT, linestyle="none", label="exact place (precision 1)"),
        Patch(
            facecolor=style.translucent(CIRCLE, 0.2),
            edgecolor=style.DARK_ORANGE,
            linestyle="--",
            label=f"known within a radius (overview: at least {MIN_CIRCLE_KM:g} km)",
        ),
        Patch(facecolor="none", edgecolor=HATCH, hatch="///", label="location not disclosed: somewhere here"),
        Patch(facecolor="none", edgecolor=style.DARK_GREEN, label="country, region or sea (outline)"),
    ]
    fig.legend(handles=legend, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(f"Where: the places of {case.label}, as precisely as they are known", fontweight="bold")
    fig.text(0.01, 0.005, f"{case.source_note}/places.csv; basemap Natural Earth (data/geo)", fontsize=7)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    counts = shown["drawn_as"].value_counts()
    print(
        f"{len(marks)} places: "
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("dot", "circle", "hatched area", "area"))
        + f", {len(not_drawn)} not drawn."
    )
    return PlaceMap(fig, marks, zoom_ids, crs)


# --------------------------------------------------------------------------------------------
# The timeline


@dataclass(frozen=True)
class Window:
    """The days the article was most likely published on, and how the tables give them."""

    start: pd.Timestamp
    end: pd.Timestamp | None  # None: nothing in the tables bounds it from above
    basis: str


def publication_window(events: pd.DataFrame, sources: pd.DataFrame | None) -> Window | None:
    """The article's publication window from the case's tables.

    1. The case's own record, if it has one: an event of type ``publication`` whose source is the article
       (``source_type`` this_article), as the course's data records the article's window.
    2. Otherwise the clues the timeline lesson calls hard and soft: the article cannot be older than the newest
       first report of an event it mentions (``in_article``), and was probably written before the first report of
       later news it leaves out (an event not in the article, not itself a publication, first reported after that
       day). None when no event the article mentions has a report date.
    """
    article_ids: list[str] = []
    if sources is not None:
        article_ids = list(sources.loc[sources["source_type"] == "this_article", "source_id"])
    own = events[(events["event_type"] == "publication") & events["source_id"].isin(article_ids)]
    if len(own):
        ids = ", ".join(own["event_id"])
        return Window(own["event_start"].min(), own["event_end"].max(), f"recorded in the case as event {ids}")
    reported = events.loc[events["in_article"], "report_date"].dropna()
    if reported.empty:
        return None
    start = reported.max()
    later = events[
        ~events["in_article"] & (events["event_type"] != "publication") & (events["report_date"] > start)
    ].sort_values("report_date")
    basis = f"not before {start:%d %b %Y}, the newest report of an event the article mentions"
    if later.empty:
        return Window(start, None, basis + "; no later news in the tables bounds it from above")
    first = later.iloc[0]
    end = first["report_date"] - ONE_DAY
    return Window(
        start,
        end,
        basis + f"; probably before {first['report_date']:%d %b %Y}, when {first['event_id']} (not in the article) "
        "was first reported",
    )


@dataclass
class Timeline:
    """The case's timeline: its figure, one row per event in the order drawn, and the publication window."""

    figure: Figure | None
    rows: pd.DataFrame
    window: Window | None


def _draw_events(ax: Any, rows: pd.DataFrame) -> None:
    for row in _rows(rows):
        colour = PRECISION_COLOURS.get(int(row.time_precision), style.BORDER)
        gid = f"event:{row.event_id}"
        if row.width_days == 0:
            ax.plot(row.event_start + NOON, row.y, "o", color=colour, markersize=6, gid=gid)
        else:
            # A black outline: the lighter colours (orange is 2.3:1 on white) stand out by it (the timeline lesson).
            width = row.event_end - row.event_start + ONE_DAY
            bars = ax.barh(row.y, width, left=row.event_start, height=0.5, color=colour, edgecolor="black", lw=0.6)
            for bar in bars:
                bar.set_gid(gid)
        if pd.notna(row.report_date) and not (row.width_days == 0 and row.report_date == row.event_start):
            ax.plot([row.event_end + NOON, row.report_date + NOON], [row.y, row.y], ":", color="black", linewidth=1)
            ax.plot(row.report_date + NOON, row.y, "D", markerfacecolor="white", markeredgecolor="black", markersize=5)


def timeline(case: Case) -> Timeline:
    """Draw every event of the case as the timeline lesson does, with the publication window; print the window's
    basis and the events without a report date."""
    events = case.table("events")
    if events is None:
        return Timeline(None, pd.DataFrame(), None)
    rows = events.sort_values(["event_start", "event_end"], ignore_index=True)
    rows["y"] = range(len(rows))
    rows["width_days"] = (rows["event_end"] - rows["event_start"]).dt.days
    rows["report_lag_days"] = (rows["report_date"] - rows["event_end"]).dt.days
    rows["label"] = rows["label_en"].apply(lambda text: textwrap.shorten(str(text), width=44, placeholder="…"))
    unreported = rows[rows["report_date"].isna()]
    if len(unreported):
        dated = unreported["evidence_url"].notna() & unreported["evidence_date"].notna()
        _note(
            f"{len(unreported)} event(s) have no report date, so no diamond: {', '.join(unreported['event_id'])}"
            f" ({int(dated.sum())} of them with a dated report in evidence_url and evidence_date instead)."
        )
    window = publication_window(rows, case.tables.get("sources"))
    if window is None:
        _note("no event the article mentions (in_article) has a report date, so the tables give no publication window.")
    else:
        shown_end = f"{window.end:%d %b %Y}" if window.end is not None else "open"
        print(f"Publication window: {window.start:%d %b %Y} to {shown_end} ({window.basis}).")

    first = rows["event_start"].min()
    last = max(rows["event_end"].max(), rows["report_date"].max() if rows["report_date"].notna().any() else first)
    zoom = window is not None and (last - first).days > 180
    height = max(3.5, 0.24 * len(rows) + 2.2)
    if zoom:
        fig, (ax_all, ax_zoom) = plt.subplots(1, 2, sharey=True, figsize=(12, height), width_ratios=[1.3, 1])
        axes = [ax_all, ax_zoom]
    else:
        fig, ax_all = plt.subplots(figsize=(10, height))
        axes = [ax_all]
    for ax in axes:
        _draw_events(ax, rows)
        if window is not None:
            band_end = window.end if window.end is not None else last + 30 * ONE_DAY
            ax.axvspan(window.start, band_end + ONE_DAY, color=style.PALETTE[5], alpha=0.35)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel("date")
    ax_all.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax_all.xaxis.get_major_locator()))  # type: ignore[no-untyped-call]
    ax_all.set_yticks(rows["y"], rows["label"], fontsize=7)
    ax_all.set_ylim(len(rows) - 0.5, -0.5)
    ax_all.set_ylabel("event (earliest first)")
    ax_all.set_title("The whole story")
    if zoom and window is not None:
        end = window.end if window.end is not None else window.start
        start_zoom, end_zoom = window.start - 21 * ONE_DAY, end + 8 * ONE_DAY
        axes[1].set_xlim(start_zoom, end_zoom)
        axes[1].xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))  # type: ignore[no-untyped-call]
        axes[1].xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))  # type: ignore[no-untyped-call]
        axes[1].set_title(f"Zoom: {start_zoom:%d %b} to {end_zoom:%d %b %Y}")
    handles: list[Any] = [
        Line2D([], [], color=c, marker="s", linestyle="", markersize=8, label=PRECISION_LABELS[p])
        for p, c in PRECISION_COLOURS.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="D",
            markerfacecolor="white",
            markeredgecolor="black",
            linestyle=":",
            color="black",
            label="first reported on (if not the same day)",
        )
    )
    if window is not None:
        handles.append(Rectangle((0, 0), 1, 1, color=style.PALETTE[5], alpha=0.35, label="publication window"))
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(f"When: the {len(rows)} events of {case.label}, and when they were reported", fontweight="bold")
    fig.text(0.01, 0.005, f"{case.source_note}/events.csv (dates from the cited reports)", fontsize=7)
    fig.tight_layout(rect=(0, min(0.3, 0.8 / height), 1, 1))  # room for the legend's two rows
    return Timeline(fig, rows, window)


# --------------------------------------------------------------------------------------------
# The copy chain


@dataclass
class CopyChain:
    """The relay graph of a case's sources: the figure, the article's chain (primary source first) and its links."""

    figure: Figure | None
    chain: list[str]
    links: pd.DataFrame
    nodes: pd.DataFrame


def _trace(source_id: str, upstream: pd.Series) -> list[str]:
    """Source ids from the primary source down to ``source_id``, following relays_source_id (loops cut, noted)."""
    chain = [source_id]
    while pd.notna(upstream.get(chain[-1])):
        nxt = str(upstream[chain[-1]])
        if nxt in chain:
            _note(f"relays_source_id loops ({' -> '.join([*chain, nxt])}): the chain is cut there.")
            break
        chain.append(nxt)
    return chain[::-1]


def copy_chain(case: Case) -> CopyChain:
    """Trace how the story reached the article (the sources lesson) and draw every relay link of the sources table."""
    sources = case.table("sources")
    empty = CopyChain(None, [], pd.DataFrame(), pd.DataFrame())
    if sources is None:
        return empty
    by_id = sources.set_index("source_id")
    upstream = by_id["relays_source_id"]
    articles = sources.loc[sources["source_type"] == "this_article", "source_id"].tolist()
    chain: list[str] = []
    if not articles:
        _note("no source has source_type this_article, so the article's own chain cannot be traced.")
    else:
        chain = _trace(articles[0], upstream)
        print("The article's chain, primary source first: " + " -> ".join(chain))
        if len(chain) == 1:
            _note(
                "the article's row names no upstream (relays_source_id is empty): the tables do not say whom it copied."
            )
    links = pd.DataFrame({"copied_by": chain[1:], "copies_from": chain[:-1]})
    links["relay_basis"] = links["copied_by"].map(by_id["relay_basis"])

    alternatives = by_id["relay_alternatives"].dropna().str.split(";")
    members = set(sources.loc[sources["relays_source_id"].notna(), "source_id"])
    members |= set(sources["relays_source_id"].dropna())
    members |= {a.strip() for alts in alternatives for a in alts}
    members |= set(chain)
    members &= set(by_id.index)
    if not members:
        _note("no source relays another: there is no copy chain to draw.")
        return CopyChain(None, chain, links, pd.DataFrame())
    nodes = pd.DataFrame({"source_id": sorted(members)})
    nodes["name"] = nodes["source_id"].map(by_id["name"])
    nodes["relays_source_id"] = nodes["source_id"].map(upstream)
    nodes["step"] = [len(_trace(s, upstream)) - 1 for s in nodes["source_id"]]
    nodes["on_chain"] = nodes["source_id"].isin(chain)
    row_of: dict[str, float] = {}
    for _step, group in nodes.groupby("step"):
        on = group[group["on_chain"]]
        others = group[~group["on_chain"]].assign(parent_row=lambda g: g["relays_source_id"].map(row_of).fillna(0))
        others = others.sort_values(["parent_row", "source_id"])
        around = [r for k in range(1, len(others) + 1) for r in (-k, k)]
        free = around if len(on) else [0, *around]
        row_of.update(dict.fromkeys(on["source_id"], 0))
        row_of.update(zip(others["source_id"], sorted(free[: len(others)]), strict=True))
    nodes["row"] = nodes["source_id"].map(row_of)
    position = nodes.set_index("source_id")[["step", "row"]]

    height = max(3.0, 0.6 * (nodes["row"].max() - nodes["row"].min() + 1) + 2.2)  # a row per box of two lines
    fig, ax = plt.subplots(figsize=(10, height))
    dash = {"documented": "-", "inferred": "--"}

    def draw_link(child: str, parent: str, kind: str) -> None:
        on_chain = kind != "alternative" and child in chain and parent in chain
        start, end = position.loc[parent], position.loc[child]
        gap = 0.28 if end["step"] > start["step"] else 0.0
        ax.annotate(
            "",
            xy=(end["step"] - gap, end["row"]),
            xytext=(start["step"] + gap, start["row"]),
            arrowprops={
                "arrowstyle": "->",
                "lw": 2 if on_chain else 1.2,
                "linestyle": ":" if kind == "alternative" else dash.get(kind, "--"),
                "color": style.DARK_ORANGE if on_chain else style.BORDER,
                "shrinkA": 2 if gap else 16,
                "shrinkB": 2 if gap else 16,
                "connectionstyle": "arc3,rad=0.15" if kind == "alternative" else "arc3",
            },
        )

    for node in _rows(nodes):
        colour = style.PALETTE[0] if node.on_chain else style.BORDER
        ax.text(
            node.step,
            node.row,
            textwrap.fill(textwrap.shorten(str(node.name), 34, placeholder="…"), 18),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if node.on_chain else "black",
            bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": colour},
            gid=f"source:{node.source_id}",
        )
        if pd.notna(node.relays_source_id) and node.relays_source_id in position.index:
            basis = by_id.loc[node.source_id, "relay_basis"]
            draw_link(node.source_id, str(node.relays_source_id), str(basis) if pd.notna(basis) else "inferred")
        for other in alternatives.get(node.source_id, []):
            if other.strip() in position.index:
                draw_link(node.source_id, other.strip(), "alternative")
    ax.set_xlim(-0.6, nodes["step"].max() + 0.6)
    ax.set_ylim(nodes["row"].min() - 0.7, nodes["row"].max() + 0.7)
    ax.set_xticks(range(int(nodes["step"].max()) + 1))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("relay steps from the primary source")
    ax.set_title(f"Who copied whom: the {len(nodes)} sources of {case.label} that relay or are relayed")
    ax.plot([], [], color=style.DARK_ORANGE, lw=2, ls="-", label="documented link, on the article's chain")
    ax.plot([], [], color=style.DARK_ORANGE, lw=2, ls="--", label="inferred link, on the article's chain")
    ax.plot([], [], color=style.BORDER, lw=1.2, ls="-", label="documented (other relays)")
    ax.plot([], [], color=style.BORDER, lw=1.2, ls="--", label="inferred (other relays)")
    ax.plot([], [], color=style.BORDER, lw=1.2, ls=":", label="another possible upstream")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=8)
    fig.text(0.01, 0.005, f"{case.source_note}/sources.csv (relays_source_id, relay_basis)", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return CopyChain(fig, chain, links, nodes)


# --------------------------------------------------------------------------------------------
# The grade matrix


@dataclass
class GradeMatrix:
    """The Admiralty grid of a case's graded claims: figure, one row per graded claim, and the 6 x 6 counts."""

    figure: Figure | None
    graded: pd.DataFrame
    grid: pd.DataFrame


LETTERS = list("ABCDEF")
NUMBERS = list(range(1, 7))


def grade_matrix(case: Case) -> GradeMatrix:
    """Every claim's Admiralty grade, its source's letter and the claim's number, counted on the 6 x 6 grid."""
    claims, sources = case.table("claims"), case.table("sources")
    empty = GradeMatrix(None, pd.DataFrame(), pd.DataFrame())
    if claims is None or sources is None:
        return empty
    graded = claims.merge(
        sources[["source_id", "name", "source_type", "reliability"]], on="source_id", how="left", validate="many_to_one"
    )
    ungraded = graded[graded["reliability"].isna() | graded["credibility"].isna()]
    if len(ungraded):
        _note(f"{len(ungraded)} claim(s) have no complete grade and are left out: {', '.join(ungraded['claim_id'])}.")
    graded = graded.drop(ungraded.index).reset_index(drop=True)
    graded["grade"] = graded["reliability"] + graded["credibility"].astype("Int64").astype(str)
    grid = pd.crosstab(graded["reliability"], graded["credibility"].astype(int)).reindex(
        index=LETTERS, columns=NUMBERS, fill_value=0
    )
    if graded.empty:
        _note("no claim is graded: the grade matrix is skipped.")
        return GradeMatrix(None, graded, grid)
    on_diagonal = (graded["reliability"].map({letter: i for i, letter in enumerate(LETTERS, 1)})) == graded[
        "credibility"
    ]
    print(
        f"{len(graded)} graded claims; commonest grade {graded['grade'].mode().iloc[0]}; "
        f"{int(on_diagonal.sum())} on the diagonal (A1, B2, ...), where the number only repeats the letter."
    )
    values = grid.to_numpy()
    fig, ax = plt.subplots(figsize=(6.5, 5))
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1) / 0.6)
    for (i, j), count in np.ndenumerate(values):
        if count:
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=9,
                color=style.ink_on(image.to_rgba(count)),
                gid=f"grade:{LETTERS[i]}{NUMBERS[j]}",
            )
    for k in range(6):
        ax.add_patch(Rectangle((k - 0.5, k - 0.5), 1, 1, fill=False, edgecolor="black", lw=2))
    ax.set_xticks(range(6), labels=[str(n) for n in NUMBERS])
    ax.set_yticks(range(6), labels=LETTERS)
    ax.set_xlabel("information credibility (1 confirmed ... 6 cannot be judged)")
    ax.set_ylabel("source reliability (A ... F)")
    ax.set_title(f"Admiralty grades of the {len(graded)} claims of {case.label}\n(diagonal outlined)", fontsize=11)
    fig.text(0.01, 0.005, f"{case.source_note}/claims.csv and sources.csv (grades)", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return GradeMatrix(fig, graded, grid)
