"""``python -m newslens``: see :mod:`newslens.cli`."""

import sys

from newslens.cli import main

sys.exit(main())
