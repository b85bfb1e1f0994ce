"""The case kit: turn any article into a draft case folder (``newslens case new``) and check a case (``case check``).

``case new`` does the mechanical part of building a case: it copies the article byte for byte into
``cases/<name>/``, writes a ``datapackage.json`` with the course's schema, and drafts the four tables
(places, events, sources, claims) from lexicons and rules, every row marked ``status = draft`` and carrying a
verbatim evidence quote from the article. The judgement (grades, reasons, research) stays with people.

Modules, one concern each: :mod:`.gazetteer` (place names), :mod:`.dates` (date expressions),
:mod:`.cues` (attribution and hedging cues, quotes, numbers), :mod:`.draft` (the case folder) and
:mod:`.quality` (recall and precision against finished tables). ``check`` validates a case.
"""

from __future__ import annotations
