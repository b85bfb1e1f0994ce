"""Answers to exercise set 06_putting_it_together, each with the message its check must give.

Each entry of ``ANSWERS[question]`` is ``(code, words)``: ``code`` runs after the complete (solution)
notebook; ``words=None`` means the check must pass (a right answer in another form, or a defensible
alternative), and a string means the check must fail with a message containing those words (a known
mistake). The table is the evidence that every message is true for the answers that reach it.
"""

from __future__ import annotations

_BRIEF_OK = (
    "Kim Jong Un ordered more missile production after visiting munitions factories [c01,c06]. "
    "On 24 December 2025 North Korea test-launched missiles judged to be surface-to-air missiles [c13]. "
    "Putin's letter praised the North Korean troops [c27]."
)

ANSWERS: dict[str, list[tuple[str, str | None]]] = {
    "q1_claims_per_event": [
        (
            "claims_per_event = claims.groupby(claims['event_id'].fillna('no_event')).size()"
            ".sort_values(ascending=False)",
            None,
        ),
        ("claims_per_event = claims['event_id'].fillna('no_event').value_counts().rename('claims')", None),
        ("claims_per_event = load_claims()['event_id'].value_counts()", "left out the claims"),
        ("claims_per_event = claims['event_id'].value_counts(dropna=False)", "under the label 'no_event'"),
        ("claims_per_event = claims['event_id'].fillna('no_event').value_counts().sort_index()", "largest first"),
        (
            # one count per (event, source): repeated sources are dropped, so claims go missing
            "claims_per_event = claims.fillna({'event_id': 'no_event'}).drop_duplicates(['event_id', 'source_id'])"
            "['event_id'].value_counts()",
            "should add up to the 30 claims",
        ),
        (
            "claims_per_event = claims['event_id'].fillna('no_event').value_counts().to_dict()",
            "should be a pandas Series",
        ),
    ],
    "q2_contradicted": [
        ("contradicted_claims = claims.dropna(subset=['contradiction'])['claim_id'].sort_values().tolist()", None),
        ("contradicted_claims = sorted(claims.loc[claims['contradiction_urls'].notna(), 'claim_id'])", None),
        (
            "contradicted_claims = sorted(claims.loc[claims['contradiction'].isna(), 'claim_id'])",
            "no report contradicts",
        ),
        ("contradicted_claims = sorted(claims.loc[claims['corroboration'].notna(), 'claim_id'])", "supporting reports"),
        ("contradicted_claims = sorted(claims['claim_id'])", "No report contradicts"),
        ("contradicted_claims = sorted(claims.loc[claims['contradiction'].notna(), 'claim_id'])[1:]", "are missing"),
        ("contradicted_claims = contradicted_claims + ['c01']", "No report contradicts ['c01']"),
        (
            "contradicted_claims = sorted(claims.loc[claims['contradiction'].notna(), 'claim_id'], reverse=True)",
            "Sort the claim ids",
        ),
        ("contradicted_claims = contradicted_claims + contradicted_claims[:1]", "List each claim once"),
        ("contradicted_claims = claims.loc[claims['contradiction'].notna(), 'claim_id']", "should be a list"),
        ("contradicted_claims = [8, 20]", "are not claim ids"),
    ],
    "q3_claims_by_place": [
        (
            "claims_by_place = claims.dropna(subset=['event_id'])['event_id']"
            ".map(events.set_index('event_id')['place_id']).value_counts()",
            None,
        ),
        (
            "claims_by_place = claims.merge(events, on='event_id').groupby('place_id').size()"
            ".sort_values(ascending=False)",
            None,
        ),
        ("claims_by_place = load_events()['place_id'].value_counts()", "counted events"),
        (
            "claims_by_place = claims.merge(events[['event_id', 'place_id']], on='event_id', how='left')"
            "['place_id'].value_counts(dropna=False)",
            "leave them out",
        ),
        ("claims_by_place = claims['event_id'].value_counts()", "are not place ids"),
        (
            "claims_by_place = claims.merge(events[['event_id', 'place_id']], on='event_id')"
            ".drop_duplicates('event_id')['place_id'].value_counts()",
            "Some counts are wrong",
        ),
        ("claims_by_place = claims_by_place.sort_index()", "largest first"),
        ("claims_by_place = list(claims_by_place)", "should be a pandas Series"),
    ],
    "q4_brief": [
        (f"brief = {_BRIEF_OK!r}", None),
        (
            # a doubtful claim, flagged as such, is allowed; a multi-line string with spaces in the brackets too
            "brief = '''\nKim Jong Un ordered more missile and shell production [c01, c06].\n"
            "North Korea confirmed in April 2025 that its troops fought in Kursk [c25].\n"
            "The article's claim that the new factory will supply the Russian army is doubtful [ c22 ].\n"
            "Putin's letter praised the troops [c27].\n'''",
            None,
        ),
        (
            "brief = ('Kim Jong Un ordered more missile and shell production [c01, c06]. '"
            " 'Putin praised the troops [c27]. '"
            " 'The claim that the new factory will supply the Russian army is doubtful [c22].')",
            None,
        ),
        (
            "brief = 'North Korea sends weapons to Russia. Kim visited factories. Putin wrote to Kim.'",
            "No sentence cites a claim",
        ),
        ("brief = 'Kim visited factories [c01]. Putin wrote to Kim [c27].'", "Write 3 to 6 sentences"),
        ("brief = ' '.join(['Kim visited factories [c01].'] * 7)", "Write 3 to 6 sentences"),
        (
            "brief = 'Kim visited factories [c01]. Putin wrote to Kim [c27]. North Korea sends weapons to Russia.'",
            "Only 2 sentence(s) carry a citation",
        ),
        ("brief = 'Kim visited factories [c01]. Putin wrote [c27]. A plant was built [c99].'", "are not claim ids"),
        (
            "brief = 'The article reverses the reports [c08]. It says Russia feeds the North [c20]. "
            "A plant may supply Russia [c22].'",
            "None of the claims you cite is graded 1 or 2",
        ),
        ("brief = 'Kim visited factories [C01]. Putin wrote [C27]. Troops went [C25].'", "lower case"),
        ("brief = 'Kim visited factories [c01; c06]. Putin wrote [c27]. Troops went [c25].'", "separated by commas"),
        (
            "brief = 'Kim visited factories [c01]. He ordered more shells [c01]. He asked for missiles [c01].'",
            "at least three",
        ),
        ("brief = [_BRIEF_OK]".replace("_BRIEF_OK", repr(_BRIEF_OK)), "should be a string"),
    ],
}
