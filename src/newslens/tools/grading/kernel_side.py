"""Code the grader runs inside a student's kernel, in the sandbox: limits, observations, and the export.

This file is never imported by the grader: :mod:`.sandbox` reads it as text and runs it as the first
cell of the student's notebook (so that the kernel does not import the grading package, which imports
pandas and otter). Nothing here decides a score. It only

- interrupts a student cell after ``cell_cpu`` seconds of CPU time (``SIGPROF``), so that a busy
  machine does not cut a cell that a quiet one would have finished;
- caps what the notebook prints (``output_cap`` bytes in all);
- notes what the notebook tried that an honest one never needs (opening the grader's files, writing
  outside its folder, replacing modules, import hooks, environment variables, rebinding ``grader``);
- exports the answer variables of each question as plain, tagged JSON (:func:`_nl_encode`) to
  ``state.json``, rewritten after each question's check cell and at the end, so that a run cut short
  still leaves what it computed.

A student's code can undo all of this in its own kernel; that only spoils the student's own export,
which is plain data the trusted evaluator reads with a strict decoder (see :mod:`.plain`).
"""

# ruff: noqa: ANN001, ANN202, ANN204, ANN401
# mypy: ignore-errors

MARK = "# newslens-grader"
#: Modules libraries add to sys.modules by hand, without a spec (Cython's shared types, e.g. ``_cython_3_1_3``,
#: when geopandas' pyogrio loads): not the student's doing.
_LIBRARY_MODULES = ("_cython_",)
#: Environment variables libraries set on import (pyogrio and pyproj point GDAL and PROJ at certifi's bundle).
_LIBRARY_ENV = ("GDAL_", "PROJ_", "CPL_")


def _nl_setup(config):
    import builtins
    import json
    import os
    import signal
    import sys

    # Bound here: the notebook's own globals of these names must not change what the hooks below do.
    mark, library_modules, library_env = MARK, _LIBRARY_MODULES, _LIBRARY_ENV
    state = {"answers": {}, "errors": [], "notes": [], "output_capped": False, "done": False, "cells_run": 0}
    out_path = config["state"]
    questions = config["questions"]  # question -> names its tests use
    cell_cpu = config["cell_cpu"]
    cap = config["output_cap"]
    workdir = os.path.realpath(config["workdir"])
    writable = tuple(os.path.realpath(p) + os.sep for p in (workdir, "/tmp", os.path.expanduser("~"), "/dev"))
    forbidden = tuple(config["forbidden_words"])
    modules_before = {name: id(mod) for name, mod in sys.modules.items()}
    meta_path_before = [id(f) for f in sys.meta_path]
    path_hooks_before = [id(h) for h in sys.path_hooks]
    env_before = dict(os.environ)
    builtins_before = {k: id(v) for k, v in vars(builtins).items()}
    real_write_json = json.dumps
    real_replace = os.replace
    real_open = open

    def note(text):
        if text not in state["notes"] and len(state["notes"]) < 20:
            state["notes"].append(text)

    def save():
        tmp = out_path + ".tmp"
        with real_open(tmp, "w", encoding="utf-8") as f:
            f.write(real_write_json(state))
        real_replace(tmp, out_path)

    # -- what the notebook opens
    def audit(event, args):
        if event != "open" or not args:
            return
        path, mode = args[0], args[1] if len(args) > 1 else "r"
        if not isinstance(path, (str, bytes)):
            return
        path = os.fsdecode(path)
        text = path.lower()
        if any(word in text for word in forbidden):
            note(f"tried to open the grader's files ({path})")
        if isinstance(mode, str) and any(c in mode for c in "wax+"):
            full = os.path.realpath(os.path.join(os.getcwd(), path))
            if not full.startswith(writable) and not full.startswith("/proc/"):
                note(f"tried to write outside its folder ({path})")

    sys.addaudithook(audit)

    # -- CPU time per student cell
    class CellCPULimit(Exception):  # noqa: N818 - the name students see in their report
        pass

    def on_prof(signum, frame):
        raise CellCPULimit(f"the cell used more than {cell_cpu} s of CPU time")

    signal.signal(signal.SIGPROF, on_prof)
    ip = get_ipython()  # type: ignore[name-defined]  # noqa: F821 - the kernel's global
    counter = {"student": 0, "cell": 0}
    # source -> the numbers (1 = the notebook's first cell) of the student's cells with that source, in order
    numbers = {src: list(ns) for src, ns in config["cell_numbers"].items()}

    def pre(info):
        src = info.raw_cell or ""
        if src.startswith(mark):
            return
        counter["student"] += 1
        left = numbers.get(src) or [0]
        counter["cell"] = left.pop(0) if len(left) > 1 else left[0]
        signal.setitimer(signal.ITIMER_PROF, cell_cpu)

    def post(result):
        signal.setitimer(signal.ITIMER_PROF, 0)
        src = (result.info.raw_cell or "") if result.info is not None else ""
        if src.startswith(mark):
            return
        state["cells_run"] += 1
        err = result.error_in_exec or result.error_before_exec
        if err is not None:
            state["errors"].append({"cell": counter["cell"], "ename": type(err).__name__, "evalue": str(err)[:300]})

    ip.events.register("pre_run_cell", pre)
    ip.events.register("post_run_cell", post)

    # -- raw output: ipykernel copies what is written to file descriptors 1 and 2 (os.write, a child
    # process) into the notebook's output, past the cap below. Point them back at the worker's, which the
    # grader reads with a byte limit, outside the sandbox.
    for stream in (sys.stdout, sys.stderr):
        copy, fd = getattr(stream, "_original_stdstream_copy", None), getattr(stream, "_original_stdstream_fd", None)
        if copy is not None and fd is not None:
            stream._should_watch = False
            os.dup2(copy, fd)

    # -- output cap
    class Capped:
        def __init__(self, inner):
            self._inner = inner

        def write(self, text):
            state.setdefault("printed", 0)
            state["printed"] += len(text)
            if state["printed"] > cap:
                if not state["output_capped"]:
                    state["output_capped"] = True
                    self._inner.write(f"\n[output limit of {cap} bytes reached: the rest is not shown]\n")
                return len(text)
            return self._inner.write(text)

        def __getattr__(self, name):
            return getattr(self._inner, name)

    sys.stdout = Capped(sys.stdout)
    sys.stderr = Capped(sys.stderr)

    # -- observations at each export
    def observe():
        for name, mod in list(sys.modules.items()):
            if name in modules_before:
                if id(mod) != modules_before[name]:
                    note(f"replaced the module {name} in sys.modules")
            elif name.startswith(library_modules):
                pass
            elif getattr(mod, "__spec__", None) is None and getattr(mod, "__file__", None) is None:
                note(f"replaced the module {name} in sys.modules (by a hand-made module)")
        for name in ("pandas", "numpy", "json", "builtins", "sys", "os", "re", "newslens"):
            if name in modules_before and name not in sys.modules:
                note(f"removed the module {name} from sys.modules")
        if [id(f) for f in sys.meta_path] != meta_path_before or [id(h) for h in sys.path_hooks] != path_hooks_before:
            note("changed the import system (sys.meta_path or sys.path_hooks)")
        changed = sorted(
            k
            for k in set(env_before) | set(os.environ)
            if env_before.get(k) != os.environ.get(k) and not k.startswith(library_env)
        )
        if changed:
            note("changed environment variables (" + ", ".join(changed[:5]) + ")")
        patched = sorted(
            k
            for k, v in vars(builtins).items()
            if k in builtins_before and id(v) != builtins_before[k] and k not in ("input", "_", "__", "___")
        )
        if patched:
            note("patched builtins (" + ", ".join(patched[:5]) + ")")
        g = ip.user_ns.get("grader")
        if g is not None and type(g).__name__ != "_NLGrader":
            note("redefined `grader`")

    encode = _nl_encoder(cap=config["answer_cap"])
    probes = config.get("probes", {})  # answer name -> the inputs (tagged JSON) its function is called on

    def call_all(function, docs):
        # A function cannot leave the sandbox; its results on the grader's inputs can (see probes.py).
        from newslens.tools.grading.plain import decode

        results = []
        signal.setitimer(signal.ITIMER_PROF, cell_cpu)
        try:
            for doc in docs:
                try:
                    results.append(encode(function(decode(doc))))
                except CellCPULimit:
                    raise
                except BaseException as exc:  # noqa: BLE001 - SystemExit too: the student's function, not ours
                    results.append({"t": "invalid", "why": f"it raised {type(exc).__name__}: {str(exc)[:200]}"})
        except CellCPULimit:
            why = f"the calls used more than {cell_cpu} s of CPU time"
            results += [{"t": "invalid", "why": why}] * (len(docs) - len(results))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        return {"t": "calls", "v": results}

    def export(question=None):
        names = questions.get(question, []) if question else sorted({n for ns in questions.values() for n in ns})
        for name in names:
            if name in ip.user_ns:
                value = ip.user_ns[name]
                if name in probes and callable(value) and not isinstance(value, type):
                    state["answers"][name] = call_all(value, probes[name])
                else:
                    state["answers"][name] = encode(value)
            else:
                state["answers"].pop(name, None)
        observe()
        if question is None:
            state["done"] = True
        save()

    class _NLGrader:
        """Stands in for otter's ``grader`` in the graded run: the grade comes from the trusted run."""

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    save()
    return export, _NLGrader()


def _nl_encoder(cap):
    """``encode(value)``: a tagged JSON document of ``value``, or ``{"t": "invalid", "why": ...}``."""
    import datetime
    import math
    import sys

    def invalid(why):
        return {"t": "invalid", "why": why}

    def describe(value):
        kind = type(value)
        if callable(value) and kind.__name__ in ("function", "builtin_function_or_method", "method"):
            return "a function"
        if kind.__name__ == "module":
            return "a module"
        if isinstance(value, type):
            return "a class"
        return f"an object of type {kind.__module__}.{kind.__qualname__}"

    def encode(value):
        budget = [cap]

        def enc(v, depth=0):
            budget[0] -= 1
            if budget[0] < 0:
                raise ValueError(f"too large (more than {cap} values)")
            if depth > 50:
                raise ValueError("nested too deeply")
            t = type(v)
            if v is None:
                return {"t": "none"}
            if t is bool:
                return {"t": "bool", "v": v}
            if t is int:
                return {"t": "int", "v": str(v)}
            if t is float:
                return {"t": "float", "v": repr(v)}
            if t is str:
                return {"t": "str", "v": v}
            if v is Ellipsis:
                return {"t": "ellipsis"}
            if t in (list, tuple, set, frozenset):
                items = sorted(v, key=repr) if t in (set, frozenset) else v
                return {"t": t.__name__, "v": [enc(x, depth + 1) for x in items]}
            if t is dict:
                return {"t": "dict", "k": [enc(k, depth + 1) for k in v], "v": [enc(x, depth + 1) for x in v.values()]}
            if t is datetime.datetime or t is datetime.date:
                return {"t": t.__name__, "v": v.isoformat()}
            np = sys.modules.get("numpy")
            if np is not None and t.__module__ == "numpy":
                if isinstance(v, np.generic) and v.dtype.kind in "biufUS":
                    return {"t": "np", "dtype": str(v.dtype), "v": enc(v.item(), depth + 1)}
                if t is np.ndarray and v.dtype.kind in "biufUO":
                    return {"t": "ndarray", "dtype": str(v.dtype), "v": enc(v.tolist(), depth + 1)}
            pd = sys.modules.get("pandas")
            if pd is not None and t.__module__.startswith("pandas"):
                if t is pd.Timestamp:
                    return {"t": "timestamp", "v": v.isoformat(), "tz": str(v.tz) if v.tz else None}
                if v is pd.NaT:
                    return {"t": "nat"}
                if v is getattr(pd, "NA", object()):
                    return {"t": "na"}
                if isinstance(v, pd.Index) and t.__name__ in ("Index", "RangeIndex", "MultiIndex", "DatetimeIndex"):
                    return index(v, depth)
                if t is pd.Series:
                    return {
                        "t": "series",
                        "name": enc(v.name, depth + 1),
                        **column(v, depth),
                        "index": index(v.index, depth),
                    }
                if t is pd.DataFrame:
                    return frame(v, depth)
            gpd = sys.modules.get("geopandas")
            if gpd is not None and t.__module__.startswith("geopandas") and t is gpd.GeoDataFrame:
                geometry = v.geometry.name
                crs = v.crs.to_string() if v.crs is not None else None
                return {**frame(v, depth), "t": "geoframe", "geometry": geometry, "crs": crs}
            if t.__module__.startswith("shapely.geometry") and hasattr(v, "wkt"):
                return {"t": "geometry", "v": str(v.wkt)}
            if t.__module__ == "matplotlib.figure" and t.__name__ == "Figure":
                return figure(v, depth)
            raise ValueError(describe(v))

        def numbers(values, depth):
            return [enc(float(x), depth + 1) for x in values]

        def figure(fig, depth):
            # What a check can read of a figure, as data: titles, labels, ticks, and each artist's position.
            from matplotlib.patches import Rectangle

            axes = []
            for ax in fig.axes:
                patches = [
                    {
                        "x": enc(float(p.get_x())),
                        "y": enc(float(p.get_y())),
                        "w": enc(float(p.get_width())),
                        "h": enc(float(p.get_height())),
                    }
                    for p in ax.patches
                    if type(p) is Rectangle and p.get_data_transform() is ax.transData
                ]
                lines = [
                    {
                        "x": numbers(line.get_xdata(orig=False), depth),
                        "y": numbers(line.get_ydata(orig=False), depth),
                        "label": enc(str(line.get_label())),
                    }
                    for line in ax.lines
                ]
                points = [numbers(xy, depth) for c in ax.collections for xy in c.get_offsets()]
                texts = [
                    {
                        "x": enc(float(tx.get_position()[0])),
                        "y": enc(float(tx.get_position()[1])),
                        "s": enc(tx.get_text()),
                    }
                    for tx in ax.texts
                ]
                axes.append(
                    {
                        "title": enc(ax.get_title()),
                        "xlabel": enc(ax.get_xlabel()),
                        "ylabel": enc(ax.get_ylabel()),
                        "xlim": numbers(ax.get_xlim(), depth),
                        "ylim": numbers(ax.get_ylim(), depth),
                        "xticks": numbers(ax.get_xticks(), depth),
                        "yticks": numbers(ax.get_yticks(), depth),
                        "xticklabels": [enc(t.get_text()) for t in ax.get_xticklabels()],
                        "yticklabels": [enc(t.get_text()) for t in ax.get_yticklabels()],
                        "patches": patches,
                        "lines": lines,
                        "points": points,
                        "texts": texts,
                    }
                )
            suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
            return {"t": "figure", "suptitle": enc(suptitle), "axes": axes}

        def column(s, depth):
            dtype = str(s.dtype)
            values = [math.nan if x is None and dtype.startswith("float") else x for x in s.tolist()]
            return {"dtype": dtype, "v": [enc(x, depth + 1) for x in values]}

        def index(ix, depth):
            t = type(ix).__name__
            if t == "RangeIndex":
                return {"t": "range", "start": ix.start, "stop": ix.stop, "step": ix.step, "name": enc(ix.name)}
            if t == "MultiIndex":
                return {"t": "multiindex", "names": [enc(n) for n in ix.names], "v": enc(list(ix), depth + 1)}
            return {
                "t": "index",
                "dtype": str(ix.dtype),
                "name": enc(ix.name),
                "v": [enc(x, depth + 1) for x in ix.tolist()],
            }

        def frame(df, depth):
            cols = [column(df.iloc[:, i], depth) for i in range(df.shape[1])]
            return {"t": "frame", "columns": index(df.columns, depth), "index": index(df.index, depth), "cols": cols}

        try:
            return enc(value)
        except ValueError as exc:
            return invalid(str(exc))
        except Exception as exc:  # a patched object that raises while being read
            return invalid(f"it could not be read ({type(exc).__name__})")

    return encode
