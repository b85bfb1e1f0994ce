"""The course's tools, for maintainers and instructors: no lesson or exercise imports them.

- :mod:`.cli`: ``python -m newslens <command>`` (``make handouts``, ``make exercises``, ``make grade``, ...);
- :mod:`.errors`: :class:`~.errors.UserError`, the one base class for a user's mistake;
- :mod:`.layout`: the folders of the course a command runs on;
- :mod:`.runner`: the one notebook runner (handouts, tests, bench, grader);
- :mod:`.kernels`: the Jupyter kernels the runner starts and always stops;
- :mod:`.handouts`: the HTML handout build (course file, cache, render, index);
- :mod:`.exercises`: exercise sets from their otter-grader sources;
- :mod:`.grading`: grading a class's submissions;
- :mod:`.workspace`: a student's working copies (``make start``);
- :mod:`.bench`: ``make bench``.
"""
