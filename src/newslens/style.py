"""One look for every figure of the course: a colour-blind-safe palette and matplotlib defaults.

The palette is Okabe and Ito's eight colours (https://jfly.uni-koeln.de/color/), distinguishable
with the common forms of colour-vision deficiency and in greyscale print when paired with markers.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg

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

#: Fill colours for basemaps: land, water, highlighted land.
LAND = "#EEEEEE"
WATER = "#DCEBF5"
BORDER = "#8C8C8C"


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
