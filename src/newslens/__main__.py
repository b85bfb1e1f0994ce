"""``python -m newslens``: the course's command line, see :mod:`newslens.tools.cli`."""

import sys

from newslens.tools.cli import main

sys.exit(main())
