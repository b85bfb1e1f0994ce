"""newslens: the helper package of a course on reading geopolitical news critically.

It has two audiences, kept apart:

**What lessons and exercises import** (the public API, typed strictly, small on purpose: the pandas,
geopandas and matplotlib code a lesson teaches stays in the notebook):

- :mod:`newslens.data`: the article and the four tables, loaded and validated against the Data Package
  (``load_article``, ``article_blocks``, ``load_places``, ``load_events``, ``load_sources``,
  ``load_claims``, ``load_all``, ``schema_fields``, ``judgement_columns``, ``DataError``); fact-only views by
  default, the course's grades, reasons and tags with ``judgements=True``;
- :mod:`newslens.my_grades`: the student's own Admiralty grades in ``my-work/`` (lesson 5's grading form);
- :mod:`newslens.lab`: the offline lateral-reading lab, a search engine over a case's corpus (``search``,
  ``open_page``, ``site_profile``, ``results_for_claim``, ``earliest_report``, ``independent_origins``,
  ``search_widget``);
- :mod:`newslens.geo`: the basemaps (``load_layer``, ``area_for``);
- :mod:`newslens.style`: the course's figure style (importing it applies it);
- :mod:`newslens.setup_check`: the checks of lesson 0;
- :mod:`newslens.paths`: where the course's files are.

**The tools that build, grade and measure the course** live in :mod:`newslens.tools`; no notebook
imports them. See that package's docstring and ``python -m newslens --help``.
"""

__version__ = "0.1.0"
