"""The lessons' Try-it challenges, one module per lesson (``lesson02.py`` ...), registered on import.

Every module in this package is imported by :func:`newslens.tryit.challenges`, so a new lesson's challenges need
only a new module here; see :mod:`newslens.tryit` for how a challenge appears in a notebook.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
