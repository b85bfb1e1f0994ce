"""Answers to exercise set 01_reading_the_article, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

# The places and organisations the article mentions, built in other ways, for Question 4.
_Q4_RIGHT_DROPNA = """
_p = load_places().dropna(subset=["article_mention_it"])
_s = load_sources().dropna(subset=["article_mention_it"])
_s = _s[~_s["source_type"].isin(["unnamed_experts", "official_letter", "this_article"])]
entities = pd.DataFrame(
    {
        "entity": list(_p["article_mention_it"]) + list(_s["article_mention_it"]),
        "kind": ["place"] * len(_p) + ["source"] * len(_s),
    }
)
"""
_Q4_RIGHT_MASKS = """
_keep = ~load_sources()["source_type"].isin(["unnamed_experts", "official_letter", "this_article"])
_src = load_sources()[_keep & load_sources()["article_mention_it"].notna()]
_plc = load_places()[load_places()["article_mention_it"].notna()]
entities = pd.concat(
    [_plc[["article_mention_it"]].assign(kind="place"), _src[["article_mention_it"]].assign(kind="source")]
).rename(columns={"article_mention_it": "entity"})
"""

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_structure": [
        # right, in other forms
        ("n_paragraphs, n_headings = 7, 5", None),
        (
            "import numpy as np\n_lines = np.array([l for l in text.splitlines() if l])\n"
            "n_headings = np.sum([not l.endswith('.') for l in _lines])\nn_paragraphs = len(_lines) - n_headings",
            None,
        ),
        # known mistakes
        ("n_paragraphs = len(text.splitlines())\nn_headings = 5", "counted every line"),
        ("n_paragraphs = len(text.split('\\n'))\nn_headings = 5", "leaves an empty string after the final newline"),
        ("n_paragraphs = len(text.split('\\n\\n'))\nn_headings = 0", "split on single line breaks"),
        ("n_paragraphs, n_headings = 5, 7", "Count again"),
        ("n_paragraphs, n_headings = 7, 4", "Paragraphs plus headings"),
        ("n_paragraphs, n_headings = 7.0, 5", "should be a whole number (int), not float"),
        ("n_paragraphs, n_headings = '7', 5", "not str"),
        ("n_paragraphs = ...", "Not answered yet"),
    ],
    "q2_cue_counts": [
        # right, in other forms
        ("cue_counts = pd.Series({c: text.lower().count(c) for c in CUES})", None),
        ("cue_counts = pd.Series([len(re.findall(c, text, flags=re.I)) for c in CUES], index=CUES)", None),
        # known mistakes
        ("cue_counts = pd.Series({c: text.count(c) for c in CUES})", "case-sensitive"),
        ("cue_counts = {c: text.lower().count(c) for c in CUES}", "should be a pandas Series, not dict"),
        ("cue_counts = pd.Series([text.lower().count(c) for c in CUES])", "missing from the index"),
        (
            "cue_counts = pd.Series({c: text.lower().count(c) for c in CUES})\ncue_counts['stimano'] = 2",
            "The count for 'stimano' is wrong",
        ),
        ("cue_counts = pd.Series({c: text.lower().count(c) for c in reversed(CUES)})", "in the order given"),
        ("cue_counts = pd.Series({**{c: text.lower().count(c) for c in CUES}, 'fonti': 0})", "no extra entries"),
    ],
    "q3_cue_signals": [
        # defensible alternatives: 'stimano' and 'hanno suggerito' also attribute
        ("cue_signals = {**cue_signals, 'stimano': 'attribution'}", None),
        ("cue_signals = {**cue_signals, 'hanno suggerito': 'attribution'}", None),
        ("cue_signals = {**cue_signals, 'stimano': 'attribution', 'hanno suggerito': 'attribution'}", None),
        # known mistakes
        ("cue_signals = {**cue_signals, 'secondo': 'hedge'}", "The weakness lies in *who* follows it"),
        ("cue_signals = {**cue_signals, 'secondo': 'vague_reference'}", "'secondo' introduces a source"),
        ("cue_signals = {**cue_signals, 'potrebbero': 'attribution'}", "the conditional of 'potere'"),
        ("cue_signals = {**cue_signals, 'potrebbero': 'vague_reference'}", "'potrebbero' marks a possibility"),
        ("cue_signals = {**cue_signals, 'si era già parlato': 'attribution'}", "The impersonal 'si' names nobody"),
        ("cue_signals = {**cue_signals, 'si era già parlato': 'hedge'}", "refers back to earlier talk"),
        ("cue_signals = {**cue_signals, 'ha riportato': 'hedge'}", "names the reporter of the claim"),
        ("cue_signals = {**cue_signals, 'stimano': 'vague_reference'}", "it is not a vague reference"),
        ("cue_signals = {**cue_signals, 'hanno suggerito': 'vague_reference'}", "it is not a vague reference"),
        ("cue_signals = {**cue_signals, 'potrebbero': 'Hedge'}", "Use exactly one of"),
        ("cue_signals = {k: v for k, v in cue_signals.items() if k != 'stimano'}", "no label for ['stimano']"),
        ("cue_signals = {**cue_signals, 'fonti': 'attribution'}", "Label exactly the six cues"),
        ("cue_signals = list(cue_signals.items())", "should be a dict, not list"),
    ],
    "q4_entities": [
        # right, in other forms
        (_Q4_RIGHT_DROPNA, None),
        (_Q4_RIGHT_MASKS, None),
        ("entities = entities.iloc[::-1].reset_index(drop=True)", None),
        # known mistakes
        (
            "entities = load_places()[['name_it']].rename(columns={'name_it': 'entity'}).assign(kind='place')",
            "never appear in the article",
        ),
        (
            "entities = pd.concat([places[['article_mention_it']].assign(kind='place'), "
            "sources[['article_mention_it']].assign(kind='source')]).rename(columns={'article_mention_it': 'entity'})",
            "Some entities are empty (NA)",
        ),
        (
            "entities = pd.concat([entities, pd.DataFrame({'entity': ['esperti del settore', 'esperti'], "
            "'kind': 'source'})], ignore_index=True)",
            "'esperti del settore' (unnamed_experts)",
        ),
        (
            "entities = pd.concat([entities, pd.DataFrame({'entity': ['una lettera inviata da Putin'], "
            "'kind': 'source'})], ignore_index=True)",
            "the letter is a document",
        ),
        (
            "entities = entities[entities['entity'] != 'la più grande fabbrica di armi della Corea del Nord']",
            "the article does not name the town there",
        ),
        (
            "entities = entities[~entities['entity'].str.contains('agenzie di intelligence')]",
            "the article names no single agency there",
        ),
        ("entities = entities[entities['kind'] == 'source']", "The places are not right: missing"),
        ("entities = entities[entities['entity'] != 'la società Planet Labs']", "The sources are not right: missing"),
        ("entities = entities.rename(columns={'entity': 'name'})", "exactly the columns ['entity', 'kind']"),
        ("entities = entities[['kind', 'entity']]", "in that order"),
        ("entities = entities.replace({'kind': {'source': 'organisation'}})", "may only be 'place' or 'source'"),
        ("entities = pd.concat([entities, entities.head(1)], ignore_index=True)", "Some rows appear twice"),
        ("entities = entities.to_dict()", "should be a DataFrame, not dict"),
    ],
    "q5_figures": [
        # right, in other forms
        ("import numpy as np\ntroops_figure = np.int64(10_000)", None),
        ("years_mentioned = sorted(set(map(int, re.findall(r'\\d{4}', text))))", None),
        (
            "years_mentioned = list(pd.Series(re.findall(r'20\\d\\d', text)).astype(int).drop_duplicates().sort_values())",
            None,
        ),
        # known mistakes
        ("troops_figure = float('10.000')", "ten thousand"),
        ("troops_figure = int(re.search(r'(\\d+) soldati', text).group(1))", "'000' is the second half"),
        ("troops_figure = 10000.0", "should be a whole number (int), not float"),
        ("troops_figure = '10000'", "should be a whole number (int), not str"),
        ("troops_figure = 11_000", "Read the sentence with 'soldati' again"),
        ("years_mentioned = re.findall(r'\\b20\\d\\d\\b', text)", "Convert each year to int"),
        ("years_mentioned = [int(y) for y in re.findall(r'\\b20\\d\\d\\b', text)]", "Each year should appear once"),
        ("years_mentioned = [2025, 2024]", "Sort the list of years"),
        ("years_mentioned = [2024]", "Some years are missing or extra"),
        ("years_mentioned = (2024, 2025)", "should be a list, not tuple"),
    ],
    "q6_not_stated": [
        # known mistakes
        ("stated = {**stated, 'publication_date': True}", "date earlier events"),
        ("stated = {**stated, 'factory_locations': True}", "never says where the munitions factories are"),
        ("stated = {**stated, 'byline': True}", "no author and no newspaper or site"),
        ("stated = {**stated, 'outlet': True}", "no author and no newspaper or site"),
        ("stated = {**stated, 'news_agency': False}", "one paragraph names it in full"),
        ("stated = {k: str(v) for k, v in stated.items()}", "the string 'False' counts as true"),
        ("stated = {k: int(v) for k, v in stated.items()}", "not numbers or other values"),
        ("stated = {k: v for k, v in stated.items() if k != 'outlet'}", "Not answered yet: ['outlet']"),
        ("stated = {**stated, 'author': False}", "Use exactly the five keys"),
    ],
    "q7_lead_5w1h": [
        # right, in other forms, and defensible alternatives the check accepts
        (
            "lead_5w1h = {**lead_5w1h, 'who': 'Kim Jong-un', 'when': 'il prossimo anno', "
            "'how': 'costruire nuovi stabilimenti', 'what': 'ha dato direttive chiare'}",
            None,
        ),
        ("lead_5w1h = {**lead_5w1h, 'when': None}", None),
        ("lead_5w1h = {**lead_5w1h, 'when': 'fissato per il prossimo anno'}", None),
        ("lead_5w1h = {**lead_5w1h, 'where': 'del Paese'}", None),
        ("lead_5w1h = {**lead_5w1h, 'how': 'costruire nuovi stabilimenti'}", None),
        # known mistakes
        ("lead_5w1h = {**lead_5w1h, 'where': 'Pyongyang'}", "metonym"),
        ("lead_5w1h = {**lead_5w1h, 'where': 'media statali di Pyongyang'}", "metonym"),
        ("lead_5w1h = {**lead_5w1h, 'when': '2026'}", "The lead never writes 2026"),
        ("lead_5w1h = {**lead_5w1h, 'when': 'la scorsa settimana'}", "is not a verbatim span of the lead"),
        (
            "lead_5w1h = {**lead_5w1h, 'what': \"ha dato direttive chiare per l'incremento della produzione\"}",
            "the curly apostrophe",
        ),
        ("lead_5w1h = {**lead_5w1h, 'when': 'Questo annuncio'}", "The only time expression in the lead"),
        ("lead_5w1h = {**lead_5w1h, 'who': 'media statali'}", "the subject of 'ha dato'"),
        ("lead_5w1h = {**lead_5w1h, 'what': 'Kim Jong-un'}", "'what' should be the action of the lead"),
        ("lead_5w1h = {**lead_5w1h, 'why': 'nuovi stabilimenti'}", "what need are the new plants meant to meet"),
        ("lead_5w1h = {**lead_5w1h, 'how': 'per il prossimo anno'}", "the kind of plan, or what is to be built"),
        ("lead_5w1h = {**lead_5w1h, 'where': 'Russia'}", "None is the honest answer"),
        ("lead_5w1h = {**lead_5w1h, 'who': 1}", "should be a string copied from the lead"),
        ("lead_5w1h = {**lead_5w1h, 'who': 'Kim'}", "at least four characters"),
        ("lead_5w1h = {k: v for k, v in lead_5w1h.items() if k != 'why'}", "Not answered yet: ['why']"),
    ],
}
