"""Rebuild a student's answers from the tagged JSON the sandbox exported: data only, never code.

The sandboxed kernel encodes each answer variable with :func:`.kernel_side._nl_encoder`; the trusted
evaluator decodes it here. Only these types come back: ``None``, ``bool``, ``int``, ``float``, ``str``,
``...``, lists, tuples, sets, dicts, dates, NumPy scalars and arrays of numbers or text, pandas
``Series``, ``DataFrame``, indexes and timestamps (with their dtypes), GeoDataFrames (geometries as
WKT text), shapely geometries, matplotlib figures (rebuilt from their titles, labels, ticks and
artists' positions: :func:`_figure`) and a function answer's results on the grader's inputs (:class:`Calls`).
Anything else was exported as ``{"t": "invalid", "why": ...}`` and
decodes to :class:`NotPlain`, which the evaluator turns into a failed answer that says why. Nothing
is unpickled, and nothing the student wrote is executed.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NotPlain:
    """An answer that was not plain data (``why``: what it was)."""

    why: str


@dataclass(frozen=True)
class Calls:
    """A function answer's results on the grader's inputs, in their order (see :mod:`.probes`)."""

    results: tuple[Any, ...]


class DecodeError(ValueError):
    """The exported document is not one the encoder writes."""


def decode(doc: Any) -> Any:
    """The value a tagged document stands for; :class:`NotPlain` for an ``invalid`` one."""
    if not isinstance(doc, dict):
        raise DecodeError(f"not a tagged value: {type(doc).__name__}")
    if doc.get("t") == "invalid":
        return NotPlain(str(doc.get("why", "not plain data")))
    return _decode(doc, 0)


def _decode(doc: Any, depth: int) -> Any:  # noqa: C901, PLR0911, PLR0912 - one branch per tag
    if depth > 60 or not isinstance(doc, dict):
        raise DecodeError("malformed value")
    t = doc.get("t")
    v = doc.get("v")
    if t == "none":
        return None
    if t == "ellipsis":
        return ...
    if t == "bool":
        return bool(v)
    if t == "int":
        return int(str(v))
    if t == "float":
        return float(str(v))
    if t == "str":
        return str(v)
    if t in ("list", "tuple", "set", "frozenset"):
        items = [_decode(x, depth + 1) for x in _list(v)]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
    if t == "dict":
        keys = [_decode(k, depth + 1) for k in _list(doc.get("k"))]
        return dict(zip(keys, [_decode(x, depth + 1) for x in _list(v)], strict=True))
    if t == "datetime":
        return datetime.datetime.fromisoformat(str(v))
    if t == "date":
        return datetime.date.fromisoformat(str(v))
    if t == "np":
        import numpy as np

        return np.array([_decode(v, depth + 1)], dtype=np.dtype(str(doc["dtype"])))[0]
    if t == "ndarray":
        import numpy as np

        return np.array(_decode(v, depth + 1), dtype=np.dtype(str(doc["dtype"])))
    if t in ("timestamp", "nat", "na"):
        import pandas as pd

        if t == "nat":
            return pd.NaT
        if t == "na":
            return pd.NA
        return pd.Timestamp(str(v))
    if t in ("index", "range", "multiindex"):
        return _index(doc, depth)
    if t == "series":
        import pandas as pd

        values = _column(doc, depth)
        return pd.Series(values, index=_index(doc["index"], depth), name=_decode(doc["name"], depth + 1))
    if t in ("frame", "geoframe"):
        return _frame(doc, depth)
    if t == "geometry":
        import shapely

        return shapely.from_wkt(str(v))
    if t == "calls":
        return Calls(tuple(decode(x) for x in _list(v)))
    if t == "figure":
        return _figure(doc, depth)
    raise DecodeError(f"unknown tag {t!r}")


def _floats(v: Any, depth: int) -> list[float]:
    return [float(_decode(x, depth + 1)) for x in _list(v)]


def _figure(doc: dict[str, Any], depth: int) -> Any:
    """A new matplotlib Figure drawn from the exported description (no pyplot, no student object)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure()
    suptitle = str(_decode(doc["suptitle"], depth + 1))
    if suptitle:
        fig.suptitle(suptitle)
    for a in _list(doc.get("axes")):
        ax = fig.add_subplot()
        for p in _list(a["patches"]):
            x, y, w, h = (float(_decode(p[k], depth + 1)) for k in ("x", "y", "w", "h"))
            ax.add_patch(Rectangle((x, y), w, h))
        for line in _list(a["lines"]):
            ax.plot(_floats(line["x"], depth), _floats(line["y"], depth), label=str(_decode(line["label"], depth)))
        points = [_floats(xy, depth) for xy in _list(a["points"])]
        if points:
            ax.scatter([p[0] for p in points], [p[1] for p in points])
        for tx in _list(a["texts"]):
            ax.text(float(_decode(tx["x"], depth)), float(_decode(tx["y"], depth)), str(_decode(tx["s"], depth)))
        for axis in ("x", "y"):
            ticks = _floats(a[f"{axis}ticks"], depth)
            labels = [str(_decode(t, depth + 1)) for t in _list(a[f"{axis}ticklabels"])]
            getattr(ax, f"set_{axis}ticks")(ticks, labels if len(labels) == len(ticks) else None)
            getattr(ax, f"set_{axis}lim")(*_floats(a[f"{axis}lim"], depth))
        ax.set_title(str(_decode(a["title"], depth + 1)))
        ax.set_xlabel(str(_decode(a["xlabel"], depth + 1)))
        ax.set_ylabel(str(_decode(a["ylabel"], depth + 1)))
    return fig


def _list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise DecodeError("malformed list")
    return v


def _column(doc: dict[str, Any], depth: int) -> Any:
    import pandas as pd

    values = [_decode(x, depth + 1) for x in _list(doc["v"])]
    dtype = str(doc["dtype"])
    if dtype == "geometry":
        return values
    if dtype.startswith("float"):
        values = [math.nan if x is None else x for x in values]
    try:
        chosen: Any = object if dtype == "object" else dtype
        return pd.array(values, dtype=chosen)
    except (TypeError, ValueError):
        return pd.array(values, dtype=object)


def _index(doc: dict[str, Any], depth: int) -> Any:
    import pandas as pd

    t = doc.get("t")
    if t == "range":
        return pd.RangeIndex(int(doc["start"]), int(doc["stop"]), int(doc["step"]), name=_decode(doc["name"], depth))
    if t == "multiindex":
        tuples = _decode(doc["v"], depth + 1)
        return pd.MultiIndex.from_tuples(tuples, names=[_decode(n, depth) for n in _list(doc["names"])])
    if t == "index":
        values = [_decode(x, depth + 1) for x in _list(doc["v"])]
        try:
            return pd.Index(values, dtype=str(doc["dtype"]), name=_decode(doc["name"], depth))
        except (TypeError, ValueError):
            return pd.Index(values, dtype=object, name=_decode(doc["name"], depth))
    raise DecodeError("malformed index")


def _frame(doc: dict[str, Any], depth: int) -> Any:
    import pandas as pd

    columns = _index(doc["columns"], depth)
    index = _index(doc["index"], depth)
    cols = [_column(c, depth) for c in _list(doc["cols"])]
    if len(cols) != len(columns):
        raise DecodeError("malformed table")
    df = pd.concat([pd.Series(c, index=index) for c in cols], axis=1) if cols else pd.DataFrame(index=index)
    df.columns = columns
    if doc.get("t") == "geoframe":
        import geopandas as gpd

        return gpd.GeoDataFrame(df, geometry=doc["geometry"], crs=doc.get("crs"))
    return df
