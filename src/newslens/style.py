"""One look for every figure of the course: a colour-blind-safe palette and matplotlib defaults.

The palette is Okabe and Ito's eight colours (https://jfly.uni-koeln.de/color/), distinguishable
with the common forms of colour-vision deficiency and in greyscale print when paired with markers.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb

#: Okabe-Ito colours by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: The order used for categories (yellow last: it is weak on white paper).
PALETTE: list[str] = [
    OKABE_ITO[k]
    for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black", "yellow")
]

#: Fill colours for basemaps: land and water, and the grey of borders and coastlines. Land and water differ
#: little (1.1:1): the coastline, at 3.4:1 against land and 3.2:1 against water, is what separates them.
LAND = "#EEEEEE"
WATER = "#DCEBF5"
BORDER = "#808080"
#: Text set on land or water (country and region names), and the outline of an unselected shape that may lie on
#: a tinted area: 6.0:1 on LAND, 5.8:1 on WATER, 4.3:1 on land tinted with translucent orange.
DARK_GREY = "#595959"
MAP_LABEL = DARK_GREY
#: Okabe-Ito orange darkened (HLS lightness 0.30, same hue): the outline of a translucent orange shape, such as an
#: uncertainty circle, at 4.1:1 against LAND and 3.9:1 against WATER (plain orange is 1.9:1).
DARK_ORANGE = "#996A00"
#: Okabe-Ito bluish green darkened the same way (lightness 0.27): the outline of a translucent green region,
#: 3.8:1 against LAND and 3.6:1 against WATER (plain bluish green is 2.9:1 and 2.8:1).
DARK_GREEN = "#008A64"
#: Colours for lines drawn over maps (routes), in order: each at least 3:1 against LAND, WATER and white, and
#: the first three also against an orange-tinted uncertainty circle (vermillion is 2.6:1 there).
LINE_PALETTE: list[str] = [OKABE_ITO["blue"], OKABE_ITO["black"], DARK_ORANGE, OKABE_ITO["vermillion"]]

#: The outline every bar is drawn with (``ax.barh(..., **style.BAR_OUTLINE)``): a pale fill such as orange (2.2:1 on
#: white) and two touching bars of similar lightness are then told apart by an outline at 12.6:1 (WCAG 1.4.11 asks
#: 3:1 for a shape a reader needs; newslens.contrast checks each bar's fill or outline against its surroundings).
BAR_OUTLINE: dict[str, Any] = {"edgecolor": "#333333", "linewidth": 0.6}

#: WCAG 2.2 minimum contrast ratios: text (1.4.3), large text (>= 18 pt, or >= 14 pt bold), graphical objects
#: such as markers, lines and outlines (1.4.11).
TEXT_CONTRAST = 4.5
LARGE_TEXT_CONTRAST = 3.0
GRAPHICS_CONTRAST = 3.0

#: The fixed colour pairs the figures use: (what, foreground, background, minimum ratio).
#: tests/test_figure_contrast.py checks each.
CONTRAST_PAIRS: list[tuple[str, str, str, float]] = [
    ("map label on land", MAP_LABEL, LAND, TEXT_CONTRAST),
    ("map label on water", MAP_LABEL, WATER, TEXT_CONTRAST),
    ("coastline and border on land", BORDER, LAND, GRAPHICS_CONTRAST),
    ("coastline on water", BORDER, WATER, GRAPHICS_CONTRAST),
    ("uncertainty circle outline on land", DARK_ORANGE, LAND, GRAPHICS_CONTRAST),
    ("uncertainty circle outline on water", DARK_ORANGE, WATER, GRAPHICS_CONTRAST),
    ("exact-place dot (blue) on land", OKABE_ITO["blue"], LAND, GRAPHICS_CONTRAST),
    ("exact-place dot (blue) on water", OKABE_ITO["blue"], WATER, GRAPHICS_CONTRAST),
    ("hatched area (vermillion) on land", OKABE_ITO["vermillion"], LAND, GRAPHICS_CONTRAST),
    ("black text on a grey relay box", "#000000", BORDER, TEXT_CONTRAST),
    ("region outline (dark green) on land", DARK_GREEN, LAND, GRAPHICS_CONTRAST),
    ("region outline (dark green) on water", DARK_GREEN, WATER, GRAPHICS_CONTRAST),
    ("relay arrow (dark orange) on white", DARK_ORANGE, "#FFFFFF", GRAPHICS_CONTRAST),
    ("report tick (black) on a selected (blue) bar", "#000000", OKABE_ITO["blue"], GRAPHICS_CONTRAST),
    ("report tick (black) on an unselected (grey) bar", "#000000", BORDER, GRAPHICS_CONTRAST),
    ("unselected event (grey) on white", BORDER, "#FFFFFF", GRAPHICS_CONTRAST),
    *[(f"route line {c} on land", c, LAND, GRAPHICS_CONTRAST) for c in LINE_PALETTE],
    *[(f"route line {c} on water", c, WATER, GRAPHICS_CONTRAST) for c in LINE_PALETTE],
]


def relative_luminance(colour: Any) -> float:
    """WCAG relative luminance of a matplotlib colour (alpha ignored): 0 for black, 1 for white."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(first: Any, second: Any) -> float:
    """WCAG contrast ratio of two opaque colours, from 1 (none) to 21 (black on white)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def translucent(colour: Any, alpha: float) -> tuple[float, float, float, float]:
    """``colour`` with opacity ``alpha``, for a facecolor: unlike a patch's ``alpha=``, it leaves the outline opaque."""
    return (*to_rgb(colour), alpha)


def ink_on(background: Any, dark: str = "#000000", light: str = "#FFFFFF") -> str:
    """The one of ``dark`` and ``light`` that contrasts more with ``background``: the colour for text or a
    symbol drawn on a filled cell (white on blue, black on vermillion, pink or orange)."""
    return dark if contrast_ratio(dark, background) >= contrast_ratio(light, background) else light


def _draw_when_shown(canvas: FigureCanvasAgg, *args: Any, **kwargs: Any) -> None:
    """``draw_idle`` for a canvas with no event loop: nothing to do now, the figure is drawn when shown or saved."""


def apply() -> None:
    """Set the course's matplotlib defaults: palette, readable sizes, handout-friendly resolution.

    It also makes a notebook's figures draw once. geopandas ends every ``plot`` with ``canvas.draw_idle()``,
    which a plain Agg canvas (the one Jupyter's inline backend shows) carries out at once, so a map of n layers
    was drawn n + 1 times: in lesson 2 those extra draws took 3 of the kernel's 10 s of CPU, for the same
    pictures. Interactive canvases (ipympl, Qt, Tk) have their own ``draw_idle`` and are not affected.
    """
    FigureCanvasAgg.draw_idle = _draw_when_shown  # type: ignore[method-assign, assignment]
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=PALETTE),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "figure.figsize": (8, 5),
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


def place_labels(ax: Any, texts: Any, **options: Any) -> Any:
    """Move the labels ``texts`` of points on ``ax`` (made with ``ax.text`` or ``ax.annotate``, after the plot is
    drawn) beside their points, clear of each other, of the figure's other texts and of the markers, with a thin
    leader line when one has to sit farther out; the first label gets the best spot. Returns the texts.

    The figure test (newslens.readability) fails a figure whose labels overlap each other or another point's
    marker; this is the course's one way to avoid it. See :func:`newslens.labels.place_labels` for the options.
    """
    from .labels import place_labels as place  # imported here: the placement needs the readability module

    return place(ax, texts, **options)
