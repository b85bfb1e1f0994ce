"""Every map of the course draws a place as precisely as it is known, and never more.

The rule (lesson 2, section 5): a place with ``geo_precision`` 1 may be a dot; a place with ``geo_precision`` > 1
is drawn with its uncertainty (a circle of ``uncertainty_radius_km`` around its point, or an area), never as a
bare marker. Lessons 2, 4 and 6 follow it; lessons 4 and 6 also tag each artist that draws a place with its
matplotlib ``gid``, ``"place:<place_id>"`` (a patch) or ``"places:<id>;<id>..."`` (a collection, one path per
place, in order).

How the test works, cheaply and for real:

1. Each map-drawing notebook runs once, as a temporary copy whose first cell records every matplotlib Figure
   created (the inline backend closes a figure once shown, but the record keeps it, artists and all).
2. In the kernel, :func:`bare_marks` walks every recorded figure's axes and collects each marker drawn:
   the points of a ``Line2D`` with a marker, and the offsets of a scatter (``PathCollection``), in data
   coordinates. It projects the vague places of ``load_places()`` (``geo_precision`` > 1, with coordinates,
   and not at the coordinates of a precision-1 place: a country's representative point is its capital's)
   into every CRS the notebook uses (EPSG:4326 plus each CRS string and GeoPandas CRS among its globals).
3. A marker within a hair of a vague place is a bare mark, unless the same axes holds a patch, or a
   collection's path, tagged with that place's id and containing the marker (its uncertainty circle or area).
   The axes' CRS is taken to be the candidate under which most markers land on places (a local projection
   puts its own centre at (0, 0), so a marker there is explained if one of the best candidates makes it a
   precise place). The check also counts the markers it matched to precise places, so a CRS it failed to
   find cannot make it pass by matching nothing.

It fails on a planted bare dot: the unit tests below draw small figures in this process (a bare dot at
Sondok fails; the same dot over its tagged circle passes; a precise dot passes), and each notebook's kernel
gets a planted bare dot in the CRS of its own map after the run. Every map-drawing lesson is run: lesson 2
(the rule's source), 3, 4 and 6; no exercise solution draws a map yet, and a test below fails if one starts to
without being listed here.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import nbformat
import pytest

from newslens import paths
from newslens.tools import exercises
from newslens.tools.runner import NotebookRun, RunOptions

#: The course's Sondok launch area (geo_precision 2): where the test plants a bare dot in a lesson's map.
SONDOK = ("sondok_launch_area", 127.47, 39.75)
#: The notebooks that draw maps of the places: the notebook, the expression (in its kernel) of one map CRS, the
#: case whose places it maps (None: the course's own), and the vague place where the planted bare dot goes.
MAP_NOTEBOOKS = {
    "02_mapping_the_places": (paths.NOTEBOOKS_DIR / "02_mapping_the_places.ipynb", "KOREA_CRS", None, SONDOK),
    # Lesson 3 maps only the three exact cities (and 500 km circles around them): the check counts its markers.
    "03_distances_and_projections": (
        paths.NOTEBOOKS_DIR / "03_distances_and_projections.ipynb",
        "OVERVIEW_CRS",
        None,
        SONDOK,
    ),
    "04_charting_the_timeline": (paths.NOTEBOOKS_DIR / "04_charting_the_timeline.ipynb", "'EPSG:4326'", None, SONDOK),
    "06_putting_it_together": (paths.NOTEBOOKS_DIR / "06_putting_it_together.ipynb", "MAP_CRS", None, SONDOK),
    # The pre/post form A's map: Chongjin and Hamhung, the NIS's departure areas, are known to within 20 km.
    "90_prepost_form_a": (
        paths.SOLUTIONS_DIR / "90_prepost_form_a.ipynb",
        "'EPSG:4326'",
        "cases/practice_a",
        ("chongjin", 129.7758, 41.7956),
    ),
}
#: Map-drawing notebooks this test does not run, and why.
NOT_RUN: dict[str, str] = {
    "91_prepost_form_b.ipynb": "its map shows Pyongyang and Moscow, both geo_precision 1; practice_b's only vague "
    "places are countries, whose points are their capitals', so the check would have nothing to catch",
}

_RECORDER = """\
def _map_precision_recorder():
    import sys, types
    import matplotlib.figure

    record = types.ModuleType("__map_precision__")
    record.figures = []
    sys.modules["__map_precision__"] = record
    original_init = matplotlib.figure.Figure.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        record.figures.append(self)

    matplotlib.figure.Figure.__init__ = recording_init


_map_precision_recorder()
del _map_precision_recorder
"""


def bare_marks(figures, places, crs_candidates) -> dict:
    """Markers drawn at a vague place's coordinates without a tagged uncertainty mark there.

    ``figures``: matplotlib Figures; ``places``: the places table; ``crs_candidates``: CRS definitions the maps
    may use. Returns ``{"bare": [(place_id, figure title), ...], "precise_hits": n}`` (markers found at the
    point of a precision-1 place: evidence that the coordinates were matched at all).
    """
    import numpy as np
    from matplotlib.collections import Collection, PathCollection
    from pyproj import CRS, Transformer

    located = places[places["lat"].notna() & places["lon"].notna()]
    precise_xy = {(round(r.lon, 6), round(r.lat, 6)) for r in located.itertuples() if r.geo_precision == 1}
    vague = [
        r for r in located.itertuples() if r.geo_precision > 1 and (round(r.lon, 6), round(r.lat, 6)) not in precise_xy
    ]
    precise = [r for r in located.itertuples() if r.geo_precision == 1]
    crses = {}
    for candidate in crs_candidates:
        try:
            crs = CRS.from_user_input(candidate)
        except Exception:
            continue
        crses.setdefault(crs.to_wkt(), crs)
    projected = {}  # CRS -> [(place_id, is_vague, (x, y))]
    for key, crs in crses.items():
        to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        projected[key] = [
            (r.place_id, is_vague, to_map.transform(r.lon, r.lat))
            for rows, is_vague in ((vague, True), (precise, False))
            for r in rows
        ]

    def markers(ax):
        """(x, y) in data coordinates of every marker drawn on ``ax``."""
        to_data = ax.transData.inverted()
        found = []
        for line in ax.get_lines():
            if line.get_visible() and line.get_marker() not in (None, "None", "none", "", " "):
                xy = np.asarray(line.get_xydata(), dtype=float)
                found += [tuple(p) for p in to_data.transform(line.get_transform().transform(xy))]
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and coll.get_visible() and len(coll.get_offsets()):
                offsets = np.asarray(coll.get_offsets(), dtype=float)
                found += [tuple(p) for p in to_data.transform(coll.get_offset_transform().transform(offsets))]
        return [p for p in found if np.isfinite(p).all()]

    def tagged_marks(ax, place_id):
        """Paths (in display coordinates) of the artists of ``ax`` tagged as drawing ``place_id``."""
        paths_ = []
        for patch in ax.patches:
            if patch.get_gid() == f"place:{place_id}":
                paths_.append(patch.get_path().transformed(patch.get_transform()))
        for coll in ax.collections:
            gid = coll.get_gid() or ""
            if isinstance(coll, Collection) and gid.startswith("places:"):
                for member, path in zip(gid.removeprefix("places:").split(";"), coll.get_paths(), strict=False):
                    if member == place_id:
                        paths_.append(path.transformed(coll.get_transform()))
        return paths_

    bare, precise_hits = [], 0
    for fig in figures:
        title = (
            fig._suptitle.get_text() if fig._suptitle else "; ".join(a.get_title() for a in fig.axes if a.get_title())
        )
        for ax in fig.axes:
            spans = [abs(np.subtract(*ax.get_xlim())), abs(np.subtract(*ax.get_ylim()))]
            tolerance = 1e-4 * max(spans)
            drawn = markers(ax)
            # The axes' CRS is the candidate (or the candidates) under which most markers land on places. A local
            # projection puts its own centre at (0, 0), so with several candidates a marker there can match several
            # places: it is explained if, under one of the best candidates, it is a precise place.
            hits = {
                key: [
                    (x, y, place_id, is_vague)
                    for x, y in drawn
                    for place_id, is_vague, (px, py) in points
                    if abs(x - px) <= tolerance and abs(y - py) <= tolerance
                ]
                for key, points in projected.items()
            }
            best = max((len(h) for h in hits.values()), default=0)
            if best == 0:
                continue
            matched = [hit for h in hits.values() if len(h) == best for hit in h]
            explained = {(x, y) for x, y, _, is_vague in matched if not is_vague}
            precise_hits += len(explained)
            for x, y, place_id, is_vague in matched:
                if not is_vague or (x, y) in explained:
                    continue
                display = ax.transData.transform((x, y))
                if not any(path.contains_point(display) for path in tagged_marks(ax, place_id)):
                    bare.append((place_id, title or "(untitled figure)"))
    return {"bare": sorted(set(bare)), "precise_hits": precise_hits}


_IN_KERNEL = (
    inspect.getsource(bare_marks)
    + """
def _map_crs_candidates():
    import geopandas as _gpd
    found = ["EPSG:4326"]
    for value in list(globals().values()):
        if isinstance(value, str) and (value.startswith("+proj") or value.upper().startswith("EPSG:")):
            found.append(value)
        elif isinstance(value, (_gpd.GeoDataFrame, _gpd.GeoSeries)) and value.crs is not None:
            found.append(value.crs)
    return found


def _map_precision_report(case=None):
    import sys as _sys
    from newslens.data import load_places as _load_places
    places = _load_places(data_dir=case)
    return bare_marks(_sys.modules["__map_precision__"].figures, places, _map_crs_candidates())
"""
)


def _copy_with_recorder(notebook: Path, folder: Path) -> Path:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_RECORDER))
    copy = folder / notebook.name
    nbformat.write(nb, copy)
    return copy


@pytest.fixture(scope="module", params=sorted(MAP_NOTEBOOKS))
def map_run(request, tmp_path_factory):
    notebook, map_crs, case, planted = MAP_NOTEBOOKS[request.param]
    folder = tmp_path_factory.mktemp(request.param)
    copy = _copy_with_recorder(notebook, folder)
    with NotebookRun(copy, RunOptions(cwd=folder, timeout=180, keep_kernel=True)) as run:
        run.run(_IN_KERNEL)
        case_path = None if case is None else str(paths.REPO_ROOT / case)
        yield request.param, map_crs, case_path, planted, run


@pytest.mark.slow
def test_no_map_draws_a_vague_place_as_a_bare_marker(map_run):
    name, _, case, _, run = map_run
    report = run.value(f"_map_precision_report({case!r})")
    assert report["precise_hits"] > 0, f"{name}: no marker matched any place: is the map's CRS among its globals?"
    assert report["bare"] == [], (
        f"{name} draws places with geo_precision > 1 as bare markers (place, figure): {report['bare']}. Draw them "
        "with their uncertainty (a circle of uncertainty_radius_km, or an area), as lesson 2 does, and tag the "
        "artist with gid 'place:<place_id>'."
    )


@pytest.mark.slow
def test_a_planted_bare_dot_fails_in_the_notebooks_own_crs(map_run):
    name, map_crs, case, (place_id, lon, lat), run = map_run
    run.run(
        "import matplotlib.pyplot as _plt\n"
        "from pyproj import Transformer as _Transformer\n"
        "_planted, _planted_ax = _plt.subplots()\n"
        f"_x, _y = _Transformer.from_crs('EPSG:4326', {map_crs}, always_xy=True).transform({lon}, {lat})\n"
        "_planted_ax.plot(_x, _y, 'o')\n"
        "_planted_ax.set_title('planted')\n"
        "_plt.close(_planted)\n"
    )
    try:
        report = run.value(f"_map_precision_report({case!r})")
    finally:
        run.run("__import__('sys').modules['__map_precision__'].figures.remove(_planted)")
    assert [place_id, "planted"] in report["bare"], f"{name}: the planted bare dot was not caught"


# Unit tests on small figures, in this process: the checker fails on a bare dot and passes an honest drawing.


def _figure(draw):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_xlim(120, 135)
    ax.set_ylim(33, 44)
    ax.set_title("unit")
    draw(ax)
    plt.close(fig)
    return fig


def _places():
    from newslens.data import load_places

    return load_places()


def test_checker_catches_a_bare_dot_and_a_bare_scatter():
    fig_line = _figure(lambda ax: ax.plot(127.47, 39.75, "o"))
    fig_scatter = _figure(lambda ax: ax.scatter([126.28, 125.7543], [40.17, 39.0339]))
    report = bare_marks([fig_line, fig_scatter], _places(), ["EPSG:4326"])
    assert report["bare"] == [("huichon", "unit"), ("sondok_launch_area", "unit")]
    assert report["precise_hits"] == 1  # Pyongyang


def test_checker_passes_a_dot_over_its_tagged_uncertainty_circle_and_precise_dots():
    from matplotlib.patches import Circle

    def draw(ax):
        circle = Circle((127.47, 39.75), 0.15, fill=False)
        circle.set_gid("place:sondok_launch_area")
        ax.add_patch(circle)
        ax.plot([127.47, 125.7543], [39.75, 39.0339], "o")

    report = bare_marks([_figure(draw)], _places(), ["EPSG:4326"])
    assert report == {"bare": [], "precise_hits": 1}


def test_checker_rejects_a_circle_tagged_for_another_place_or_drawn_elsewhere():
    from matplotlib.patches import Circle

    def draw(ax):
        wrong_place = Circle((127.47, 39.75), 0.15, fill=False, gid="place:huichon")
        elsewhere = Circle((130.0, 42.0), 0.15, fill=False, gid="place:sondok_launch_area")
        ax.add_patch(wrong_place)
        ax.add_patch(elsewhere)
        ax.plot(127.47, 39.75, "o")

    assert bare_marks([_figure(draw)], _places(), ["EPSG:4326"])["bare"] == [("sondok_launch_area", "unit")]


def test_every_map_drawing_lesson_and_solution_is_checked_or_listed():
    """A lesson or exercise solution that loads the places and draws on a map must be in MAP_NOTEBOOKS or NOT_RUN."""
    candidates = sorted(paths.NOTEBOOKS_DIR.glob("[0-9]*.ipynb")) + sorted(exercises.source_notebooks())
    drawing = []
    for notebook in candidates:
        cells = nbformat.read(notebook, as_version=4).cells
        code = "\n".join(c.source for c in cells if c.cell_type == "code")
        uses_map = "load_places" in code and any(k in code for k in ("load_layer", "area_for", "points_from_xy"))
        draws = any(k in code for k in ("plt.subplots", "plt.figure", ".plot(", ".scatter("))
        if uses_map and draws:
            drawing.append(notebook)
    checked = {p.name for p, *_ in MAP_NOTEBOOKS.values()}  # a set's source, or the solution the test runs
    unlisted = [p.name for p in drawing if p.name not in checked and p.name not in NOT_RUN]
    assert unlisted == [], (
        f"these notebooks draw maps of the places but the precision test does not run them: {unlisted}"
    )
