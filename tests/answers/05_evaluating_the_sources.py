"""Answers to exercise set 05_evaluating_the_sources, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_claims_by_type": [
        # right, in other forms
        ("claims_by_type = with_type['source_type'].value_counts()", None),
        (
            "claims_by_type = claims['source_id'].map(sources.set_index('source_id')['source_type'])"
            ".value_counts().rename('n')",
            None,
        ),
        # known mistakes
        ("claims_by_type = sources.groupby('source_type').size().sort_values(ascending=False)", "counted the sources"),
        ("claims_by_type = claims.groupby('source_id').size()", "source ids"),
        ("claims_by_type = with_type.groupby('source_type').size()", "largest count down"),
        ("claims_by_type = with_type.groupby('source_type').size().sort_values(ascending=False).to_dict()", "Series"),
        ("claims_by_type = claims_by_type.iloc[1:]", "should be the source types"),
        ("claims_by_type = with_type['source_type'].value_counts(normalize=True)", "add up to"),
    ],
    "q2_attribution": [
        ("attribution = dict(c13='none', c06='named', c04='unnamed')", None),
        ("attribution = {**attribution, 'c04': 'named'}", "no name, no institution"),
        ("attribution = {**attribution, 'c04': 'none'}", "unnamed, not none"),
        ("attribution = {**attribution, 'c13': 'named'}", "opens with 'i media statali hanno comunicato"),
        ("attribution = {**attribution, 'c13': 'unnamed'}", "with no attributing words"),
        ("attribution = {**attribution, 'c06': 'unnamed'}", "names the institution"),
        ("attribution = {**attribution, 'c06': 'Named'}", "Use exactly"),
        ("attribution = {'c04': 'unnamed', 'c06': 'named'}", "no label for ['c13']"),
        ("attribution = ['unnamed', 'named', 'none']", "should be a dict"),
    ],
    "q3_origin": [
        # right, in other forms: recursion, and a chain built with the student's own function
        (
            "def origin(source_id):\n    up = relays[source_id]\n    return source_id if pd.isna(up) else origin(up)",
            None,
        ),
        (
            "article_chain = ['article']\nwhile article_chain[-1] != origin('article'):\n"
            "    article_chain.append(relays[article_chain[-1]])",
            None,
        ),
        # known mistakes
        (
            "def origin(source_id):\n    nxt = relays[source_id]\n    return source_id if pd.isna(nxt) else nxt",
            "the first link only",
        ),
        ("def origin(source_id):\n    return relays[source_id]", "the first link only"),
        ("def origin(source_id):\n    pass", "returns None"),
        ("origin = 'kcna'", "should be a function"),
        ("article_chain = article_chain[::-1]", "reversed"),
        ("article_chain = article_chain[1:]", "Start the chain"),
        ("article_chain = article_chain[:-1]", "should end at the origin"),
        ("article_chain = tuple(article_chain)", "should be a list"),
        ("article_chain = article_chain[:2] + article_chain[3:]", "check each step"),
    ],
    "q4_admiralty": [
        # the course's answer and the defensible alternatives, in other forms
        ("c25_reliability, c25_credibility = 'B', 1", None),
        ("c25_reliability, c25_credibility = 'b', 1", None),
        ("c25_reliability, c25_credibility = ' C', 2", None),
        ("c25_reliability, c25_credibility = 'B', 2", None),
        ("import numpy as np\nc25_credibility = np.int64(1)", None),
        # known mistakes
        ("c25_reliability = 'F'", "no track record"),
        ("c25_reliability = 'A'", "beyond doubt"),
        ("c25_reliability = 'D'", "wrong more often than right"),
        ("c25_reliability = 'B1'", "letter alone"),
        ("c25_reliability = 'G'", "runs from A to F"),
        ("c25_reliability = 2", "one letter as a string"),
        ("c25_credibility = 5", "out of date"),
        ("c25_credibility = 6", "no basis to judge"),
        ("c25_credibility = 3", "different origin confirms"),
        ("c25_credibility = 1.0", "whole number"),
        ("c25_credibility = '1'", "whole number from 1 to 6, not str"),
        ("c25_credibility = True", "not True or False"),
        ("c25_credibility = 0", "runs from 1 to 6"),
    ],
    "q5_planet_labs": [
        ("image_analyst = events.set_index('event_id').loc['nknews_huichon_analysis', 'source_id']", None),
        ("image_analyst = 'planet_labs'", "satellite-imagery company"),
        ("image_analyst = 'NK News'", "not a source_id"),
        ("image_analyst = 'nk_news '", "not a source_id"),
        ("image_analyst = 'jcs'", "source_id of the analysis event"),
        ("c21_distortion = 'unsupported'", "does have a source"),
        ("c21_distortion = 'inference_as_fact'", "hedged by its main verb, 'hanno suggerito'"),
        ("c21_distortion = 'imprecise_wording'", "crediting the wrong organisation"),
        ("c21_distortion = None", "not defined"),
    ],
    "q6_outdated": [
        (
            "latest_nis_report = nis.loc[nis['report_date'].idxmax(), 'event_id']",
            None,
        ),
        (
            "latest_nis_report = events[(events.source_id == 'nis') & (events.report_date < '2025-12-26')]"
            ".sort_values('report_date', ascending=False).event_id.iloc[0]",
            None,
        ),
        ("latest_nis_report = nis.sort_values('report_date')['event_id'].iloc[0]", "oldest"),
        ("latest_nis_report = 'troops'", "is not an event_id"),
        (
            "latest_nis_report = events[events.source_id == 'nis'].sort_values('report_date')['event_id'].iloc[-2]",
            "Not the most recent one",
        ),
        ("latest_nis_report = nis['event_id'].tolist()", "should be a string"),
        ("c25_distortion = 'unsupported'", "newer figures existed"),
        ("c25_distortion = 'omission'", "overtaken by later"),
    ],
    "q7_observation_matrix": [
        # right, in other forms
        (
            "observation_matrix = observed.groupby(['source_type', 'observation']).size().unstack(fill_value=0)",
            None,
        ),
        ("observation_matrix = pd.crosstab(observed['source_type'], observed['observation']).astype(float)", None),
        (
            "observation_matrix = pd.crosstab(observed.source_type, observed.observation, margins=True).iloc[:-1, :-1]",
            None,
        ),
        # known mistakes
        (
            "observation_matrix = observed.groupby(['source_type', 'observation']).size().unstack()",
            "unstack(fill_value=0)",
        ),
        ("observation_matrix = pd.crosstab(observed['observation'], observed['source_type'])", "swapped"),
        (
            "observation_matrix = pd.crosstab(observed['source_type'], observed['observation'], margins=True)",
            "margins=True",
        ),
        (
            "observation_matrix = pd.crosstab(observed['source_type'], observed['observation'], normalize=True)",
            "shares",
        ),
        ("observation_matrix = pd.crosstab(observed['source_id'], observed['observation'])", "source ids"),
        ("observation_matrix = pd.crosstab(sources['source_type'], sources['observation'])", "counted the sources"),
        ("observation_matrix = observed.groupby(['source_type', 'observation']).size()", "should be a DataFrame"),
        (
            "observation_matrix = pd.crosstab(observed['source_type'], observed['observation']).drop(columns=['direct'])",
            "Some counts are wrong",
        ),
    ],
}
