"""Build the course's HTML handouts: execute notebooks (cached by content), render, index.

Modules, one concern each:

- :mod:`.course`: read the sequence from ``course.toml`` into :class:`~.course.Handout` entries;
- :mod:`.cache`: content hashes and the manifest in ``build/cache/``;
- :mod:`.render`: nbconvert with the course template (tags, alt text, no remote resources);
- :mod:`.index`: the ``index.html`` page and the objectives read from each notebook;
- :mod:`.build`: the build itself (what is stale, parallel execution through the runner, reporting);
- :mod:`.sample`: a tiny course to try the build on.

Notebooks are executed by :mod:`newslens.tools.runner`, the runner the tests and the bench use too.
Importing this package is cheap: nbclient and nbconvert are imported only when something must be
executed or rendered, so a build with nothing to do stays well under a second.
"""
