"""The case kit: turn any article into a draft case folder (``newslens case new``) and check a case (``case check``).

``case new`` does the mechanical part of building a case: it copies the article byte for byte into
``cases/<name>/``, writes a ``datapackage.json`` with the course's schema, and drafts the four tables
(places, events, sources, claims) from lexicons and rules, every row marked ``status = draft`` and carrying a
verbatim evidence quote from the article. The judgement (grades, reasons, research) stays with people.

The status of each drafted row is kept in ``cases/<name>/draft/rows.csv`` (``table, row_id, status,
evidence_quote, evidence_start, evidence_end, method``), not in the tables: the course's schema, which every
case shares field by field, has no status column, and a finished case has no ``draft/`` folder at all.
No trained language model is used: spaCy's Italian pipelines (``it_core_news_*``) are not on the package
registry this course installs from, and the lexicons and rules meet the quality targets (``make bench``).

Modules, one concern each: :mod:`.gazetteer` (place names), :mod:`.dates` (date expressions),
:mod:`.cues` (attribution and hedging cues, quotes, numbers), :mod:`.draft` (the case folder) and
:mod:`.quality` (recall and precision against finished tables). ``check`` validates a case.
"""

from __future__ import annotations
