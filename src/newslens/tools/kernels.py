"""Jupyter kernels for running notebooks outside JupyterLab: the build, the bench and the tests.

One way to start them, in one place: over Unix sockets in a private folder (no TCP port to collide
with another kernel of a parallel run, nothing for a socket-blocking test plugin to refuse), and
always stopped afterwards. nbclient stops only the kernels it started itself; a kernel whose
manager it was handed would otherwise live on until its parent process exits.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def kernel_manager(kernel_name: str = "python3") -> Iterator[Any]:
    """Yield a ``jupyter_client.KernelManager`` on Unix sockets; stop its kernel and clean up on exit."""
    from jupyter_client.manager import KernelManager  # imported here: `newslens handouts` must start fast

    ipc_dir = tempfile.mkdtemp(prefix="nlk-")
    km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(ipc_dir, "k"))
    try:
        yield km
    finally:
        try:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        finally:
            shutil.rmtree(ipc_dir, ignore_errors=True)
