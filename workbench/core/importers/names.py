"""Finding actors in report prose: names by pattern (titles, capitalised phrases, acronyms, units,
organisations, Cyrillic names), a small lexicon of generic kinds, and matching against the case's actors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.core import names
from workbench.core.importers import places
from workbench.core.importers.proposals import Proposal
from workbench.core.model import aliases_of

# Words that say what kind of actor a phrase ending in them is (lower case).
KIND_HEADS: dict[str, str] = {}
for _kind, _words in {
    "military": "army armies forces force brigade brigades battalion battalions regiment regiments division divisions "
                "corps fleet navy military troops units unit operators staff guard guards airborne paratroopers "
                "marines command district contingent",
    "security": "police omon militia gendarmerie kgb fsb sbu service services security spetsnaz riot",
    "government": "ministry ministries government cabinet parliament duma council committee commission "
                  "administration office prosecutor court senate assembly presidency secretariat soviet "
                  "agency department directorate authorities republic congress",
    "media": "media tv television radio channel newspaper agency outlet broadcaster telegram post journal times "
             "gazette herald tribune daily",
    "organization": "organization organisation union alliance party movement bloc coalition company corporation "
                    "group association federation foundation institute treaty bank university team academy school "
                    "labs laboratory technologies inc ltd llc corp",
}.items():
    for _word in _words.split():
        KIND_HEADS.setdefault(_word, _kind)
# Generic collective actors named in lower case.
GROUP_WORDS = {
    "protesters": "Protesters", "protestors": "Protesters", "demonstrators": "Protesters",
    "opposition": "Opposition", "strikers": "Strikers", "workers": "Workers", "separatists": "Separatists",
    "militants": "Militants", "insurgents": "Insurgents", "refugees": "Refugees", "journalists": "Journalists",
}
# Seats of power named for their state.
STATE_METONYMS = {"kremlin": "state", "white house": "state", "pentagon": "military", "élysée": "state",
                  "downing street": "state", "bankova": "state", "zhongnanhai": "state"}
COUNTRIES = set("""afghanistan albania algeria armenia australia austria azerbaijan bahrain belarus belgium bosnia
brazil bulgaria canada china croatia cuba cyprus czechia denmark egypt estonia finland france georgia germany greece
hungary india indonesia iran iraq ireland israel italy japan jordan kazakhstan kosovo kuwait kyrgyzstan latvia
lebanon libya lithuania luxembourg moldova montenegro netherlands nigeria norway pakistan palestine poland portugal
qatar romania russia serbia slovakia slovenia spain sudan sweden switzerland syria taiwan tajikistan turkey
turkmenistan ukraine uzbekistan venezuela vietnam yemen nato""".split()) | {
    "united states", "united kingdom", "russian federation", "saudi arabia", "north korea", "south korea",
    "north macedonia", "european union", "united nations"}
COUNTRY_ALIASES = {"russian federation": "Russia", "us": "United States", "usa": "United States",
                   "u.s.": "United States", "uk": "United Kingdom", "eu": "European Union", "un": "United Nations"}
# Places that are not actors: capitals and big cities of the regions such reports cover (a generic gazetteer).
PLACES = set("""minsk moscow kyiv kiev kharkiv kharkov odesa odessa lviv donetsk luhansk mariupol crimea sevastopol
st petersburg warsaw vilnius riga tallinn berlin paris london washington brussels beijing tehran damascus aleppo
idlib baghdad mosul beirut ankara istanbul tbilisi yerevan baku chisinau tiraspol belgrade sarajevo budapest prague
vienna rome madrid kabul kandahar tripoli benghazi cairo gaza jerusalem tel aviv brest grodno hrodna gomel homel
vitebsk mogilev mahilyow pskov smolensk bryansk kursk belgorod rostov kaliningrad novosibirsk kazan""".split())
PLACE_HEADS = {"square", "street", "avenue", "region", "oblast", "province", "district", "city", "hall", "airport",
               "base", "bridge", "river", "sea", "border", "station", "plant", "prospekt", "raion", "krai", "oblasts",
               "regions", "provinces", "districts", "peninsula", "coast", "island", "islands", "port", "okrug",
               "axis", "front", "highway", "road", "mountains", "mountain", "valley", "lake", "bay", "gulf", "strait",
               "canal", "dam", "reservoir", "airfield", "airbase", "park", "oblast’s", "harbor", "harbour",
               "territory", "territories", "area", "areas", "direction", "republic’s", "county", "state’s", "spit",
               "isthmus", "line", "lines", "heights", "hill", "hills", "ridge", "cape", "delta", "plain", "steppe",
               "forest", "woods", "grove", "pass"}
# Hyphenated adjectives that qualify a name ('Russian-occupied', 'Kremlin-backed', 'Iranian-made').
QUALIFIER = re.compile(r"[\w’']+-(?:occupied|backed|appointed|sponsored|controlled|led|based|affiliated|aligned|"
                       r"installed|made|held|run|owned|funded|linked|friendly|leaning|speaking)$", re.IGNORECASE)
# Heads of things that are not actors: treaties, laws, documents.
THING_HEADS = {"convention", "conventions", "accords", "accord", "agreement", "law", "laws", "code", "charter",
               "protocol", "resolution", "doctrine", "plan", "strategy", "report", "assessment", "update", "map"}
# Words between a preposition and a place: "in northeastern Ukraine", "near occupied Kherson".
_PLACE_ADJECTIVES = (r"(?:(?:north|south)?(?:east|west)ern|northern|southern|central|occupied|downtown|western|"
                     r"eastern|greater|coastal|rural|liberated|besieged|neighbouring|neighboring)")
NATIONALITIES = set("""afghan albanian american armenian australian austrian azerbaijani belarusian belarussian
belorussian belgian british bulgarian canadian chechen chinese croatian czech danish dutch egyptian estonian european
finnish french georgian german greek hungarian indian iranian iraqi irish israeli italian japanese jordanian kazakh
kurdish latvian lebanese libyan lithuanian moldovan polish romanian russian saudi serbian slovak slovenian soviet
spanish swedish swiss syrian taiwanese turkish ukrainian uzbek western palestinian yemeni qatari emirati omani
kuwaiti bahraini malian nigerien sudanese somali ethiopian eritrean congolese rwandan tunisian algerian moroccan
pakistani korean vietnamese filipino burmese thai libyan kenyan""".split())
# Leading words that are titles, not names.
TITLES = set("""president presidential prime minister deputy secretary press chairperson chairman chairwoman chair
speaker head chief commander general colonel lieutenant major captain admiral marshal director spokesperson
spokesman spokeswoman ambassador governor mayor senator representative patriarch metropolitan opposition leader
candidate foreign defense defence interior justice economy finance state former acting first vice mr mrs ms dr
sergeant officer minister- advisor adviser aide envoy ombudsman official editor-in-chief editor founder owner
ceo""".split())
GENERIC_TAILS = {"units", "unit", "elements", "forces", "troops", "personnel", "servicemen"}
DIRECTIONS = {"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west"}
# Capitalised words that are never actors on their own.
STOP = set("""the a an and or but of in on at to for from by with as this that these those it its he she they we i
his her their our your there here when while if after before since until during however meanwhile also thus today
yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec edt est utc gmt msk
tv mp pm am st mr no not all some any several many most other such both each every one two three four five six
seven eight nine ten shortly between following according pro anti north south east west northern southern eastern
western central new old update updates report reports key takeaways note notes image source sources click
read local then now still later earlier again instead""".split())
EVENT_HEADS = {"games", "march", "election", "elections", "olympics", "summit", "forum", "day", "war", "conference",
               "competition", "exercise", "exercises", "championship", "border", "operation", "efforts", "effort",
               "mobilization", "mobilisation", "offensive", "offensives", "counteroffensive", "counteroffensives",
               "counter-offensive", "counter-offensives", "invasion", "campaign", "assessment", "takeaways"}
# Words that make a name a weapon, a vehicle or a piece of equipment ('Grad MLRS', 'Shahed drones', 'Iskander
# missiles'): kinds of things, never actors. Class acronyms are generic names of the genre, not of one report.
EQUIPMENT = {"mlrs", "himars", "manpads", "atgm", "atgms", "sam", "sams", "uav", "uavs", "ucav", "ucavs", "ied",
             "ieds", "apc", "apcs", "ifv", "ifvs", "mrap", "mraps", "icbm", "icbms", "drone", "drones", "missile",
             "missiles", "rocket", "rockets", "launcher", "launchers", "howitzer", "howitzers", "tank", "tanks",
             "helicopter", "helicopters", "jet", "jets", "aircraft", "munition", "munitions", "shell", "shells",
             "mortar", "mortars", "system", "systems", "complex", "complexes", "vehicle", "vehicles", "radar",
             "radars", "warship", "frigate", "corvette", "submarine", "pipeline", "pipelines", "rifle", "rifles"}
# Nouns that say what the name after them is: "outlet Meduza", "the newspaper Kommersant", "milblogger Rybar".
NAMED_AS = {**{w: "media" for w in "outlet outlets newspaper paper channel website site agency broadcaster "
                                   "publication magazine tabloid".split()},
            **{w: "person" for w in "milblogger blogger journalist correspondent commentator analyst "
                                    "activist".split()},
            **{w: "" for w in "ship vessel frigate corvette cruiser submarine destroyer tanker freighter boat "
                              "aircraft carrier operation codenamed".split()}}  # "" : a thing, never an actor
# Lower-case nouns for people that, after a nationality, name a group that acts ('Ukrainian teachers').
PEOPLE_NOUNS = ("teachers|students|doctors|activists|volunteers|veterans|conscripts|mercenaries|fighters|militias|"
                "milbloggers|bloggers|journalists|prosecutors|judges|diplomats|lawmakers|deputies")
# A distance after a name makes it a place: "Pobieda (32km southwest of Avdiivka)", "Ternovi Pody, approximately
# 33km northwest of Kherson City".
_DISTANCE_AFTER = re.compile(r"[\s,(—–-]+(?:approximately|about|roughly|some|around|nearly|over|under|just)?\s*"
                             r"\d+(?:[.,]\d+)?\s*(?:-\s*\d+\s*)?(?:km|kilomet(?:er|re)s?|mi|miles?)\b", re.IGNORECASE)
# Endings of East Slavic place names ('-ivka', '-ske', '-yne'); a single unknown word so ended, not titled, is
# a settlement the gazetteer does not list.
# Words between a weapon's name and its kind: "Kalibr cruise missiles", "Lancet loitering munitions".
_GEAR = {"air", "cruise", "ballistic", "guided", "rocket", "artillery", "gas", "attack", "combat", "loitering",
         "kamikaze", "multiple", "transport", "reconnaissance", "assault", "strike", "hypersonic", "tactical",
         "armored", "armoured", "infantry", "fighting", "launch", "defense", "defence"}
_TOPONYM_LEADS = {"velyka", "velykyi", "velyki", "velyke", "mala", "malyi", "mali", "nova", "novyi", "novi", "nove",
                  "stara", "staryi", "stari", "verkhnii", "verkhnia", "nyzhnii", "nyzhnia", "krasnyi", "krasna",
                  "chervona", "chervonyi", "bila", "bilyi", "bili", "velikiy", "novaya", "staraya", "bolshaya",
                  "malaya"}
_TOPONYM_END = re.compile(r"(?:ivka|yivka|iivka|ivske|yvske|ske|tske|yne|ove|eve|ovo|evo|ino|ivtsi|ychi|ytsi|"
                          r"hrad|horod|pol|opil|opol|dar|ovsk|evsk|insk)$")
# Self-references of the report's publisher, never proposed as actors.
PUBLISHERS = {"ISW": "Institute for the Study of War (ISW)", "CTP": "Critical Threats Project (CTP)",
              "ISW-CTP": "Institute for the Study of War and Critical Threats Project (ISW-CTP)",
              "CSIS": "Center for Strategic and International Studies (CSIS)", "IISS": "IISS", "RUSI": "RUSI",
              "RAND": "RAND Corporation", "DFRLab": "Atlantic Council's DFRLab"}

_WORD = r"(?:St\.?(?=\s+[A-Z])|[A-ZА-ЯЁ][\w'’‘\-]*)"
_ORDINAL = r"\d+(?:st|nd|rd|th)"
_CAP_RUN = re.compile(
    rf"(?:{_WORD}|{_ORDINAL})(?:\s+(?:(?:of|and|the|for|de|von|al|bin|el)\s+)*(?:{_WORD}|{_ORDINAL}))*")
_ACRONYM = re.compile(r"\b[A-ZА-Я][A-ZА-Я0-9\-]{1,7}\b")
_MODIFIERS = ("state|forest|special|security|general|conventional|riot|national|federal|armed|border|interior|"
              "defen[cs]e|foreign|emergency|regional|local|traffic|secret|health|justice|intelligence|naval|air|"
              "ground|airborne|internal|presidential|elite|regular|paramilitary|militia|military|occupation|proxy|"
              "separatist")
_LOWER_ORG = re.compile(
    r"(?<![\w\-])((?:[A-Z][a-z]+(?:ian|ish|ese|an|ic|i|ern)\s+)(?:(?:" + _MODIFIERS + r")\s+){0,2}"
    r"(?:ministry|police|forces|military|media|general staff|government|parliament|army|troops|television|"
    r"special forces|security services|security forces|riot police|border guards?|officials|authorities|"
    r"partisans|proxies|proxy forces|occupation authorities|" + PEOPLE_NOUNS + r")"
    r"|(?:(?:" + _MODIFIERS + r")\s+){1,2}(?:ministry|media|television|police)(?=\W)"
    r"|(?<=the )police)\b")
_PRO_GROUP = re.compile(r"\b((?:[Pp]ro|[Aa]nti)-[A-Z][\w\-]+(?:\s+[a-z]+)?\s+(?:supporters|activists|workers|"
                        r"forces|groups|militants|protesters|protestors|demonstrators|fighters|militias?|"
                        r"volunteers|students|youth|officials|politicians|parties|media|bloggers))\b")
_WORK_TITLE = re.compile(r"\b(?:report|article|study|paper|book|titled|entitled|assessment),?\s+"
                         r"((?:[A-Z][\w’'\-]*[:,]?\s*(?:(?:of|the|and|in|for|on)\s+)*)+)")
_QUOTED_SHORT = re.compile(r"[“\"«]([^”\"»]{1,40})[”\"»]")


def fold(text: str) -> str:
    """Case, accents, apostrophes and spacing aside, a leading 'the' and a trailing 's' gone."""
    plain = re.sub(r"['’`]s\b", "", text.strip(), flags=re.IGNORECASE)
    return names.fold(re.sub(r"^the\s+", "", plain, flags=re.IGNORECASE))


def similar(a: str, b: str, whole: bool = False) -> bool:
    """Whether two names are one in another spelling or script (core.names decides); `whole`: word for word,
    not a part of a name for the whole ('Lukashenko' for 'Alexander Lukashenko')."""
    return a == b or names.same_name(a, b, whole)


@dataclass
class ActorCandidate:
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)  # spans in the reading text
    existing_id: str | None = None
    existing_name: str = ""
    how: str = ""  # why it is proposed: 'matched case actor by alias', 'person (title)', ...
    spellings: list[str] = field(default_factory=list)  # names it was matched through that the case actor lacks

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class ActorIndex:
    """The case's actors by name and alias, matched through core.names (any script or spelling)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = {str(row["id"]): row for row in rows}
        self.index = names.NameIndex(
            (str(row["id"]), [fold(n) for n in [row["name"], *aliases_of(row["aliases"])]]) for row in rows)
        self.canonical: dict[str, str] = {}
        for row in self.rows.values():
            for known in [row["name"], *aliases_of(row["aliases"])]:
                self.canonical.setdefault(canonical_name(fold(known)), str(row["id"]))

    def find(self, name: str) -> dict[str, Any] | None:
        """The case actor `name` means. A part of a name stands for the whole only for a person ('Lukashenko');
        an organisation, a unit or a state is matched by its whole name in any spelling, or without its leading
        nationality ('Air Force' for 'Ukrainian Air Force'), never 'Ukraine' for 'Ukrainian Air Force'."""
        folded = fold(name)
        match = self.index.find(folded)
        if match is None:
            by_form = self.canonical.get(canonical_name(folded))  # "Russian Defense Ministry" for "Russian MoD"
            return self.rows[by_form] if by_form is not None and " " in folded else None
        row = self.rows[match.record_id]
        if row.get("kind") == "person" and not any(w in KIND_HEADS for w in folded.split()):
            return row
        known, canonical = match.name, canonical_name(folded)
        if names.same_name(folded, known, whole=True) or canonical_name(known) == canonical or (
                unqualified(canonical_name(known)) == canonical):
            return row
        whole = self.index.find(folded, whole=True)
        return self.rows[whole.record_id] if whole is not None else None


def canonical_name(folded: str) -> str:
    """One form for the ways an organisation is written: 'Russian MoD', 'Russian Defense Ministry' and 'Russian
    Ministry of Defence' are 'russian ministry of defense'."""
    name = re.sub(r"\bmod\b", "ministry of defense", folded)
    name = re.sub(r"\bdefence\b", "defense", name)
    name = re.sub(r"\bministry of the\b", "ministry of", name)
    name = re.sub(r"\b(defense|foreign affairs|foreign|interior|internal affairs|justice|emergencies|emergency|"
                  r"health|finance|education) ministry\b", r"ministry of \1", name)
    name = re.sub(r"\bministry of foreign\b(?! affairs)", "ministry of foreign affairs", name)
    name = re.sub(r"\bministry of emergency\b", "ministry of emergencies", name)
    # a nation's armed forces under any of their common names: "Russian troops", "the Russian military"
    general = re.fullmatch(r"(\w+) (?:troops|military|soldiers|servicemen|army|armed forces|military forces|"
                           r"military personnel|ground forces)", name)
    if general and general[1] in NATIONALITIES:
        name = f"{general[1]} forces"
    elif name.endswith("s") and name[:-1] in NATIONALITIES:
        name = f"{name[:-1]} forces"  # "the Russians may be trying": in a war report, the Russian forces
    return name


def unqualified(canonical: str) -> str:
    """A name without its leading nationality or state: 'russian ministry of defense' -> 'ministry of defense'."""
    words = canonical.split()
    first = re.sub(r"[’']s$", "", words[0]) if words else ""
    return " ".join(words[1:]) if len(words) > 1 and (first in NATIONALITIES or first in COUNTRIES) else canonical


def new_spelling(name: str, row: dict[str, Any]) -> bool:
    """Whether `name`, matched to the case actor `row`, spells one of its names in a way (a script, a
    romanisation) it does not carry yet; a part of a name ('Lukashenko' for 'Aleksander Lukashenko') is not."""
    known = [str(row["name"]), *aliases_of(row["aliases"])]
    if fold(name) in {fold(other) for other in known}:
        return False
    return any(names.same_name(name, other, whole=True) for other in known)


def alias_proposal(actor_id: str, actor_name: str, spelling: str, evidence: str = "",
                   span: tuple[int, int] | None = None) -> Proposal:
    """The proposal to add `spelling`, through which an import matched the case actor, to its aliases."""
    return Proposal(f"alias:{actor_id}:{fold(spelling)}", "alias", {"actor_id": actor_id, "alias": spelling},
                    label=spelling, evidence=evidence, span=span, needs=(f"actor:{actor_id}",),
                    note=f"spells {actor_name}: add it to its aliases")


def kind_of(phrase: str) -> str:
    words = [w.lower() for w in re.findall(r"[\w\-]+", phrase)]
    if not words:
        return "other"
    key = " ".join(words)
    if key in STATE_METONYMS:
        return STATE_METONYMS[key]
    if key in COUNTRIES or key in COUNTRY_ALIASES:
        return "state"
    if words[-1] in GROUP_WORDS or words[0] in ("pro", "anti") or "-" in words[0] and words[0][:4] in ("pro-", "anti"):
        return "group"
    if re.search(r"\bpress (?:service|office)$", key):
        return "government"  # "the Kremlin press service": a government's spokesmen, not a security service
    for preferred in ("media", "security"):
        if any(KIND_HEADS.get(word) == preferred and word not in ("service", "services", "agency", "security")
               for word in words):
            return preferred
    for word in reversed(words):
        if word in KIND_HEADS:
            return KIND_HEADS[word]
    return "other"


def _masked(text: str) -> str:
    """Short quoted names ('“Freedom March”', '"Sniper Border"') blanked: they name things, not actors."""
    return _QUOTED_SHORT.sub(lambda m: " " * len(m.group(0)), text)


def _is_sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \"“(*")
    before = re.sub(r"([.!?][\"”’)]*)(?:\d{1,3}|\[\d{1,3}\]|\^\d{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})+$", r"\1", before.rstrip())
    return not before or before[-1] in ".!?:\n\u2028\u2022" or before.endswith(("\u201d", "”"))


def _locative(text: str, position: int) -> bool:
    before = text[max(0, position - 40):position].lower()
    return bool(re.search(
        r"\b(?:in|into|near|to|towards|toward|at|across|outside|around|of|via|through|within|throughout|"
        r"inside|beyond|along)\s+(?:the\s+)?(?:" + _PLACE_ADJECTIVES + r"\s+)?$", before))


def _strong_locative(text: str, position: int) -> bool:
    """A preposition that puts even a two-word name in place: 'near Davydiv Brid', 'through Velykyi Burluk'."""
    before = text[max(0, position - 40):position].lower()
    return bool(re.search(r"\b(?:in|near|towards|toward|outside|around|via|through|within|inside|beyond|along|"
                          r"southeast of|southwest of|northeast of|northwest of|north of|south of|east of|west of)"
                          r"\s+(?:the\s+)?(?:" + _PLACE_ADJECTIVES + r"\s+)?$", before))


def find_actor_mentions(text: str, skip: list[tuple[int, int]] = ()) -> list[tuple[int, int, str, str, str]]:
    """(start, end, name, kind, how) for every actor-like phrase in `text` (a sentence or block)."""
    masked = _masked(text)
    label = re.match(r"^\W*[\w#&’' ]{1,40}?\s*(?:[—–]|:(?=\s))", masked)
    if label and not re.search(r"\b(?:said|says|stated|reported|claimed)\b", label.group(0)):
        masked = " " * label.end() + masked[label.end():]  # "Main effort—Kyiv", "Update:": a label, not an actor
    masked = _WORK_TITLE.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + " " * len(m.group(1)), masked)
    for a, b in skip:
        masked = masked[:a] + " " * (b - a) + masked[b:]
    found: list[tuple[int, int, str, str, str]] = []

    def add(start: int, end: int, name: str, kind: str, how: str) -> None:
        name = name.strip(" ,.;:’'\"")
        if len(name) < 2 or fold(name) in STOP:
            return
        if name.split()[0].lower() in NATIONALITIES and re.search(
                r"\b(?:a|an|another|one)\s+(?:\w+\s+)?(?:pro-|anti-)?$",
                text[max(0, start - 16):start], re.IGNORECASE):
            return  # "a Russian Telegram channel": one of many, not a named actor
        if any(a <= start and end <= b for a, b, *_ in found):
            return
        found[:] = [f for f in found if not (start <= f[0] and f[1] <= end)]
        found.append((start, end, name, kind, how))

    for match in _PRO_GROUP.finditer(masked):
        words = match[1].split()
        while len(words) > 1 and words[-1].lower() in STOP | {"are", "is", "will", "were", "was", "have", "has"}:
            words.pop()
        if len(words) >= 2:
            name = " ".join(words)
            add(match.start(1), match.start(1) + len(name), name, "group", "group (pro-/anti- phrase)")
    for match in _LOWER_ORG.finditer(masked):
        phrase = match[1]
        words = phrase.split()
        # keep a leading nationality adjective only; other capitalised leads belong to another name
        if words[0][0].isupper() and words[0].lower() not in NATIONALITIES:
            continue
        if masked[max(0, match.start(1) - 4):match.start(1)].lower().endswith("non-"):
            continue
        if re.search(r"\b(?:in|into|across|throughout)\s+$", masked[max(0, match.start(1) - 12):match.start(1)]):
            continue  # "well covered in Western media": where something is said, not who acts
        kind = kind_of(phrase)
        if kind == "other" and re.search(r"\b(?:" + PEOPLE_NOUNS + r"|partisans)$", phrase):
            kind = "group"  # "Ukrainian teachers"
        elif kind == "other" and re.search(r"\b(?:officials|authorities)$", phrase):
            kind = "government"
        add(match.start(1), match.end(1), phrase, kind, "organisation (generic head word)")
    for match in _CAP_RUN.finditer(masked):
        _cap_run(masked, match.start(), match.group(0), add)
    for match in re.finditer(r"\b(" + "|".join(GROUP_WORDS) + r")\b(?!\s+(?:outlets?|media|leaders?|figures?|"
                             r"politicians?|candidates?|part(?:y|ies)|movements?|groups?|channels?|newspapers?|"
                             r"activists?|bloggers?|deputies|lawmakers|members?)\b)", masked, re.IGNORECASE):
        if not any(a <= match.start() < b for a, b, *_ in found) and (
                match[1][0].isupper() or _acts(masked, match.start(), match.end())):
            # "protesters gathered", not "people including workers in protected industries"
            add(match.start(), match.end(), GROUP_WORDS[match[1].lower()], "group", "group (lexicon)")
    found.sort()
    return found


_FOLLOWERS = STOP | {"is", "are", "was", "were", "has", "have", "had", "will", "would", "may", "might", "could",
                     "should", "said", "says", "stated", "which", "who", "that"}


def _tail_head(text: str, after: int) -> str:
    """A trailing lower-case head word ('... TV and Radio service', 'OMON special police forces') when
    the phrase ends there (punctuation, a function word or a verb follows)."""
    tail = re.match(r"((?:\s+[a-z]+){1,3})", text[after:])
    if not tail:
        return ""
    words = tail[1].split()
    if words[0] in ("from", "to", "in", "on", "at", "by", "with", "for", "of", "and", "or"):
        return ""  # "Battalion from service": not one name
    for index in range(len(words), 0, -1):
        head = words[index - 1]
        if any(w in ("its", "their", "his", "her", "the", "a", "an", "our", "this", "that") for w in words[:index]):
            continue  # "Russia withdraws its forces": not one name
        if head in KIND_HEADS or head in ("company", "service", "channel"):
            rest = text[after + len(" ".join(words[:index])) + 1:]
            following = re.match(r"\s*([\w’']+)", rest)
            if not following or following[1].lower() in _FOLLOWERS or following[1].endswith("ed") \
                    or not rest[:1].isspace():
                return " ".join(words[:index])
    return ""


def _looks_like_person(words: list[str]) -> bool:
    lowered = [w.lower() for w in words]
    return 1 <= len(words) <= 3 and not any(
        w in STOP or w in TITLES or w in KIND_HEADS or w in NATIONALITIES or w in COUNTRIES or w in PLACES
        or w in EVENT_HEADS or w in PLACE_HEADS for w in lowered)


def _cap_run(text: str, start: int, run: str, add: Any) -> None:
    """One run of capitalised words -> titles stripped, split into names, each with a guessed kind."""
    tokens = [(m.start() + start, m.end() + start, m.group(0)) for m in re.finditer(r"\S+", run)]
    tail = _tail_head(text, start + len(run))
    sentence_start = _is_sentence_start(text, start)
    shared = _distributed(tokens)
    if shared:  # "Central and Eastern Military District units", "the 6th and 20th Combined Arms Armies"
        first, second = shared
        _emit(text, first[0][0], first[0][1], " ".join(t[2] for t in first), False, False, "", add)
        _emit(text, second[0][0], second[-1][1], " ".join(t[2] for t in second), False, False, "", add)
        return
    if tail:
        while tokens and tokens[0][2].lower() in STOP and not (tokens[0][2].lower() in DIRECTIONS and len(tokens) >= 3):
            tokens.pop(0)
        lowered_tokens = [t[2].lower() for t in tokens]
        if "of" in lowered_tokens:
            at = len(lowered_tokens) - 1 - lowered_tokens[::-1].index("of")
            left = tokens[at - 1][2] if at else ""
            if (sentence_start and at == 1 and left.lower() not in KIND_HEADS) or re.fullmatch(
                    r"[A-ZА-Я]{2,8}s", left) or left.lower() in KIND_HEADS:
                # "Encirclement of Ukrainian troops", "BTGs of the Donetsk and Luhansk proxy forces"
                tokens = tokens[at + 1:]
                while tokens and tokens[0][2].lower() in STOP and tokens[0][2].lower() not in DIRECTIONS:
                    tokens.pop(0)
        if tokens:
            name = text[tokens[0][0]:tokens[-1][1]]
            if not text[max(0, tokens[0][0] - 4):tokens[0][0]].lower().endswith("non-"):
                _emit(text, tokens[0][0], tokens[-1][1], name, False, False, tail, add)
        return
    parts: list[list[tuple[int, int, str]]] = [[]]
    for token in tokens:
        if token[2] == "and":
            parts.append([])
        else:
            parts[-1].append(token)
    locative = bool(parts[0]) and _locative(text, parts[0][0][0])
    for index, part in enumerate(parts):
        if index and locative and len(part) == 1:
            continue  # "the cities of Nevel and Klincy"
        _cap_part(text, part, sentence_start and index == 0, add)


def _distributed(tokens: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """'A and B Head Words' with single-word A -> [A Head Words, B Head Words] (the head shared); else []."""
    words = [t[2] for t in tokens]
    if words.count("and") != 1:
        return []
    at = words.index("and")
    before, after = tokens[:at], tokens[at + 1:]
    if before and before[0][2].lower() in NATIONALITIES | STOP and len(before) == 2:
        before = before[1:]
    head_words = [w.lower() for w in words[at + 1:]]
    if len(before) != 1 or len(after) < 3 or not any(w in KIND_HEADS for w in head_words):
        return []
    first = before[0][2]
    if not (re.fullmatch(r"\d+(?:st|nd|rd|th)", first) or first.lower() in ("northern", "southern", "eastern",
                                                                           "western", "central")
            or _known_place(first)):  # "Donetsk and Luhansk People’s Republics"
        return []
    # the first name takes the shared head: its span is its own word; the words are joined for the name
    return [[before[0], *after[1:]], after]


def _cap_part(text: str, tokens: list[tuple[int, int, str]], sentence_start: bool, add: Any) -> None:
    tokens = list(tokens)
    if len(tokens) > 1 and tokens[0][2] in ("St", "St.") and not any(t[2].lower() in KIND_HEADS for t in tokens):
        return  # "St Nikolas", "St. Petersburg": a saint's name given to a place or a ship
    if len(tokens) == 2 and tokens[0][2].lower() in ("north", "south", "east", "west") and \
            " ".join(t[2] for t in tokens).lower() not in COUNTRIES and tokens[1][2].lower() not in KIND_HEADS:
        return  # "North Ossetia", "South Waziristan": a region
    while tokens and tokens[0][2].lower().strip("’'") in STOP and tokens[0][2].lower() not in TITLES and not (
            tokens[0][2].lower() in DIRECTIONS and len(tokens) >= 3 and tokens[-1][2].lower() in KIND_HEADS):
        tokens.pop(0)  # "The", but not "Southern" of "Southern Military District"
        sentence_start = False  # "The Houthis fired": the name after it is not what opens the sentence
    # "15th Motorized Rifle Brigade of the Central Military District": two units
    words_now = [t[2].lower() for t in tokens]
    if "of" in words_now:
        at = words_now.index("of")
        right = tokens[at + 2:] if at + 1 < len(tokens) and words_now[at + 1] == "the" else tokens[at + 1:]
        if at and words_now[at - 1] in KIND_HEADS and right and right[-1][2].lower() in KIND_HEADS and re.fullmatch(
                r"\d+(?:st|nd|rd|th)", words_now[0]):
            _cap_part(text, tokens[:at], sentence_start, add)
            _cap_part(text, right, False, add)
            return
    titled = False
    if len(tokens) >= 2 and tokens[0][2].lower() in NATIONALITIES and tokens[1][2].lower() in TITLES \
            and tokens[-1][2].lower() not in KIND_HEADS:  # "Belarusian President X", not "Russian Defense Ministry"
        tokens.pop(0)
    # "Russia’s FSB", "Russia's 810th Brigade": the possessing state is not the actor here
    while len(tokens) >= 2 and re.search(r"[’']s$", tokens[0][2]) and \
            tokens[0][2][:-2].rstrip("’'").lower() in COUNTRIES and (
            re.fullmatch(r"[A-ZА-Я]{2,8}|\d+(?:st|nd|rd|th)", tokens[1][2]) or len(tokens) == 2):
        tokens.pop(0)
    while len(tokens) >= 2 and tokens[0][2].lower() in TITLES and tokens[1][2].lower() not in KIND_HEADS:
        titled = True
        tokens.pop(0)
    while len(tokens) >= 2 and tokens[0][2].lower() in ("of", "the", "for"):
        tokens.pop(0)  # "Secretary of the Russian Security Council"
    if sentence_start and len(tokens) > 2 and tokens[1][2] == "of" and tokens[0][2].lower() not in KIND_HEADS \
            and tokens[0][2].lower() not in TITLES:
        tokens = tokens[3:] if tokens[2][2].lower() == "the" else tokens[2:]  # "Encirclement of Ukrainian Troops"
        if not tokens:
            return
    while tokens and (tokens[-1][2].lower() in ("of", "the", "for", "de") or _MONTH.fullmatch(tokens[-1][2])):
        tokens.pop()  # "Lukashenko’s October [10 announcement]": the month is not part of the name
    if not tokens:
        return
    # a possessive inside a name stays ("Donetsk People’s Republic"); one that ends it goes ("Putin’s")
    words = [t[2].replace("‘", "’") for t in tokens]
    words = [w if index + 1 < len(words) and re.search(r"[’']s$", w) and words[index + 1][:1].isupper()
             and not (index == 0 and w[:-2].rstrip("’'").lower() in COUNTRIES
                      and not any(t[2].lower() in KIND_HEADS for t in tokens[1:]))  # "Ukraine’s Defense Ministry"
             else w.removesuffix("’s").removesuffix("'s").rstrip("’'-") for index, w in enumerate(words)]
    lowered = [w.lower() for w in words]
    if lowered[0] in TITLES and len(words) == 1:
        return
    # "Mayor of Melitopol Ivan Fedorov", "Legislative Assembly of St. Petersburg Boris Vishnevsky": a place's
    # name, then a person's
    for at in range(len(words) - 2, 0, -1):
        if len(words) - at in (2, 3) and _looks_like_person(words[at:]) and _known_place(words[at - 1]):
            if at > 1 and any(w in KIND_HEADS for w in lowered[:at]):
                _emit(text, tokens[0][0], tokens[at - 1][1], " ".join(words[:at]), sentence_start, False, "", add)
            _emit(text, tokens[at][0], tokens[-1][1], " ".join(words[at:]), False, True, "", add)
            return
    # "Luhansk Oblast Head Serhiy Haidai": whatever precedes the last title word, a titled person after it
    titles = [i for i, w in enumerate(lowered[:-1]) if w in TITLES and i > 0]
    if titles and _looks_like_person(words[titles[-1] + 1:]) and len(words) - titles[-1] - 1 >= 2:
        at = titles[-1] + 1
        _emit(text, tokens[at][0], tokens[-1][1], " ".join(words[at:]), False, True, "", add)
        return
    # "Belarussian Parliament Natalya Kochanova": an organisation followed by a person's name
    for index, word in enumerate(lowered[:-1]):
        if word in KIND_HEADS and _looks_like_person(words[index + 1:]) and len(words) - index - 1 >= 2:
            _emit(text, tokens[0][0], tokens[index][1], " ".join(words[:index + 1]), sentence_start, False, "", add)
            _emit(text, tokens[index + 1][0], tokens[-1][1], " ".join(words[index + 1:]), False, True, "", add)
            return
    _emit(text, tokens[0][0], tokens[-1][1], " ".join(words), sentence_start and not titled, titled, "", add)


_MONTH = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                    r"(?:[’']s)?")


def _known_place(word: str) -> bool:
    """Whether a capitalised word names a place: the small list of capitals, or the gazetteer."""
    key = word.lower().removesuffix("’s").removesuffix("'s")
    return key in PLACES or (key not in STOP and key not in TITLES and bool(places.lookup(word)))


def _in_place_list(text: str, start: int) -> bool:
    """A name listed after a preposition of place: 'near Oktyabirske, Neskuchene, and Yehorivka', 'settlements
    ... including Novolyubivka, Nevske'."""
    before = text[max(0, start - 240):start]
    return bool(re.search(
        r"\b(?:in|near|towards?|around|outside|including|through|via|from|into|at|on|of|between|and)\s+(?:the\s+)?"
        r"(?:(?:settlements?|villages?|towns?|cities)\s+(?:of\s+)?)?"
        r"(?:[A-ZА-Я][\w'’\-]*(?:\s+[A-ZА-Я][\w'’\-]*){0,2}(?:\s*\([^()]{0,80}\))?\s*,\s*)+(?:and\s+|or\s+)?$",
        before))


def _acts(text: str, start: int, end: int) -> bool:
    """Whether a state named at [start, end) acts in its clause: the subject of a verb ('Russia agreed', 'Belarus
    and Russia have deployed', 'Russia’s war'), or the one an actor acts on ('Putin accused Ukraine'). A state
    named as a place or in a comparison ('an area larger than Denmark') does not."""
    after = text[end:end + 80]
    if re.match(r"[’']s\s+(?!(?:territory|border|borders|soil|airspace|regions?|cities|capital|north|south|east|"
                r"west|side)\b)[a-z]", after):
        return True  # "Russia’s war", not "Russia’s territory"
    verb = re.match(r"(?:\s+and\s+[A-Z][\w’']*)?(?:\s*,[^,.;]{1,60},)?\s+(?:(?:has|have|had|will|would|may|might|could|"
                    r"can|cannot|should|must|is|are|was|were|did|does|do|not|never|also|still|likely|reportedly|"
                    r"already|further|again|then|now|continues to|continued to|intends to|plans to|seeks to|wants to|"
                    r"refuses to|refused to)\s+)*([a-z]+)", after)
    if verb and (re.search(r"(?:ed|es|ing)$", verb[1]) or verb[1] in _VERBS or (
            verb[1].endswith("s") and not verb[1].endswith("ss") and len(verb[1]) > 3)):
        return True
    # the words before a list the name closes: "calls from Poland, Lithuania and Latvia"
    before = re.sub(r"(?:[A-Z][\w’']*(?:\s+[A-Z][\w’']*)?\s*,\s*)*(?:[A-Z][\w’']*(?:\s+[A-Z][\w’']*)?\s*,?\s+"
                    r"(?:and|or)\s+)?$", "", text[max(0, start - 160):start])[-48:].lower()
    if re.search(r"\b(?:calls?|offers?|pressure|demands?|requests?|statements?|criticism|threats?|warnings?|"
                 r"proposals?|appeals?|protests?|objections?|messages?|invitations?)\s+(?:from|by)\s+$", before):
        return True  # "calls from Poland": who calls acts
    if re.search(r"\b(?:aid|assistance|support|weapons|arms|help|package|loans?|sanctions|pressure|war|talks|"
                 r"negotiations|agreement|deal|treaty|relations|ties|commitment|guarantees)\s+(?:for|to|with|on|"
                 r"against|from)\s+(?:the\s+)?$", before):
        return True  # "military aid for Ukraine", "talks with Russia": a party to what is done
    if re.search(r"\b(?:with|against)\s+(?:[a-z]+\s+)?$", before) and not re.search(r"\bborders?\s+with", before):
        return True  # "engage with civilian protesters", "fought against Russia"
    return bool(re.search(r"\b(?:accused|accuses|attacked|attacks|invaded|invades|warned|warns|urged|urges|threatened|"
                          r"threatens|sanctioned|supplied|supplies|supported|supports|pressured|blamed|blames|"
                          r"condemned|condemns|called on|asked|told|met with|signed with|agreed with|negotiated with|"
                          r"talks with|joined|recognized|recognised|struck|strikes|shelled|shells|helped|helps|"
                          r"armed|arms|deterred|deters)\s+(?:the\s+)?$", before))


_VERBS = {"said", "says", "made", "makes", "took", "takes", "sent", "sends", "began", "begins", "struck", "fought",
          "lost", "won", "held", "holds", "sought", "seeks", "told", "gave", "gives", "went", "got", "met", "meets",
          "built", "builds", "paid", "pays", "let", "set", "put", "cut", "ran", "runs", "led", "leads", "brought",
          "bought", "spent", "kept", "keeps", "left", "withdrew", "withdraws", "chose", "rejected", "agree",
          "deploy", "attack", "launch", "strike", "continue", "intend", "plan", "seek", "want", "refuse", "use",
          "need", "deny", "claim", "warn", "threaten", "declare", "demand", "send", "move", "try"}


def _emit(text: str, start: int, end: int, name: str, sentence_start: bool, titled: bool, tail: str,
          add: Any) -> None:
    words = name.split()
    lowered = [w.lower() for w in words]
    key = " ".join(lowered)
    while words and (QUALIFIER.match(words[0]) or all(p.lower() in NATIONALITIES for p in words[0].split("-"))
                     and "-" in words[0]):
        if len(words) == 1:
            return  # "Russian-appointed", "Russian-Belarusian": a qualifier, not an actor
        start += len(words[0]) + 1
        words = words[1:]
        name = " ".join(words)
        lowered = [w.lower() for w in words]
        key = " ".join(lowered)
    if tail:
        tail_words = tail.split()
        while len(tail_words) > 1 and tail_words[-1] in GENERIC_TAILS and tail_words[-2] != "of" \
                and any(w in KIND_HEADS for w in tail_words[:-1]):  # "the Centre group of forces" keeps its forces
            tail_words.pop()  # "ground forces units"
        tail = " ".join(tail_words)
        full = f"{name} {tail}"
        if lowered[-1] in ("city", "oblast", "raion", "town", "village", "krai", "okrug"):
            return  # "the Dnipro City district": a place
        if lowered[-1] in KIND_HEADS and tail in GENERIC_TAILS:
            full = name  # "Eastern Military District units": the district's units are the district
        add(start, end + 1 + len(tail), full, kind_of(full), "organisation (name and head word)")
        return
    if any(w in EVENT_HEADS for w in lowered[-1:]) and not titled:
        return
    following_words = re.match(r"\s+([a-z]+)(?:\s+([a-z]+))?", text[end:end + 40])
    if lowered[-1] in EQUIPMENT or (following_words and not tail and lowered[-1] not in KIND_HEADS and (
            following_words[1] in EQUIPMENT or following_words[2] in EQUIPMENT and following_words[1] in _GEAR)):
        return  # "Grad MLRS", "Shahed drones", "Turkish Stream gas pipeline": a weapon or a thing
    if words[0] in ("St.", "St") and not any(w in KIND_HEADS for w in lowered):
        return  # "St. Petersburg": a place
    if not titled and len(words) <= 3 and not any(w in KIND_HEADS for w in lowered) and key not in COUNTRIES and (
            _DISTANCE_AFTER.match(text, end) or _in_place_list(text, start)):
        return  # "Pobieda (32km southwest of Avdiivka)", "near Oktyabirske, Neskuchene, and Yehorivka": places
    if len(words) > 1 and lowered[0] != "world" and any(w in EVENT_HEADS for w in lowered[1:]) and not titled \
            and not any(w in KIND_HEADS for w in lowered) or key.startswith("world war"):
        return  # "World War II", "Army Games 2020"
    if "-" in lowered[-1] and any(part in PLACE_HEADS for part in lowered[-1].split("-")):
        return  # "Oskil River-Kreminna Line"
    republic = re.fullmatch(r"(?:the )?republic of (.+)", key)
    if republic and republic[1] in COUNTRIES:  # "the Republic of Belarus": the state
        name = words[-1] if len(words) > 1 else name
        key = name.lower()
        lowered = [key]
    following = re.match(r"\s+([a-z]+)(?:\s+([a-z]+))?", text[end:end + 40])
    if following and (following[1] in PLACE_HEADS or following[2] in PLACE_HEADS) and not tail \
            and lowered[-1] not in KIND_HEADS:
        return  # "the Sumy axis", "the Azovstal steel plant": a place's name
    if (lowered[-1] in PLACE_HEADS and not (len(lowered) > 1 and lowered[-2] == "military")) or key in PLACES \
            or lowered[-1] in THING_HEADS:
        return
    if any(re.fullmatch(r"[A-ZА-Я][A-Za-zА-я]{0,2}-?\d{1,4}[A-Za-z]?s?|[A-Za-zА-я]+-\d{1,4}[A-Za-z]?s?", w)
           for w in words) or re.fullmatch(
            r"\d+(?:st|nd|rd|th)", lowered[-1]):
        return  # a road, a weapon or an aircraft ('T1302', 'Ka-52', 'T-80'), or a number cut from its unit
    if len(words) >= 2 and _strong_locative(text, start) and not titled and not any(
            w in KIND_HEADS or w in NATIONALITIES for w in lowered):
        return  # "near Davydiv Brid": a place the gazetteer may not know
    if key in STATE_METONYMS:
        add(start, end, name, STATE_METONYMS[key], "state (seat of power)")
        return
    if key in COUNTRIES or key in COUNTRY_ALIASES:
        if _locative(text, start) or re.search(r"\bborders?\s+(?:with|of)\s+$|(?:(?:north|south)?(?:east|west)ern|"
                                               r"northern|southern|central)\s+$", text[max(0, start - 16):start],
                                               re.IGNORECASE) or not _acts(text, start, end):
            return  # "in Russia", "the border with Russia", "larger than Denmark": a place here, not an actor
        add(start, end, COUNTRY_ALIASES.get(key, name) if key in COUNTRY_ALIASES and key not in COUNTRIES else name,
            "state", "state (country acting)")
        return
    if re.fullmatch(r"[A-ZА-Я]{2,8}s", words[-1]):
        return  # "BTGs", "GLOCs": a kind of thing counted, not an actor
    if name.upper() == name and re.search(r"\b(?:a|an)\s+(?:\w+\s+)?$", text[max(0, start - 20):start], re.I):
        return  # "an excellent OSINT analyst": the acronym describes
    if name.upper() == name and len(name) >= 2 and re.fullmatch(r"[A-ZА-Я0-9\-]+", name):
        if name in PUBLISHERS or key in STOP or re.fullmatch(r"[A-Z]{1,2}", name):
            return
        add(start, end, name, kind_of(name) if lowered[0] in KIND_HEADS else "organization", "acronym")
        return
    if len(words) == 1 and lowered[0] in NATIONALITIES:
        return
    named_as = re.search(r"\b([a-z]+)\s+$", text[max(0, start - 24):start])
    if named_as and named_as[1] in NAMED_AS and not NAMED_AS[named_as[1]]:
        return  # "the patrol ship Sergei Kotov": a vessel's name
    if named_as and named_as[1] in NAMED_AS and not any(w in KIND_HEADS for w in lowered):
        add(start, end, name, NAMED_AS[named_as[1]], f"{NAMED_AS[named_as[1]]} (named as {named_as[1]})")
        return  # "the outlet Biznes Online", "milblogger Rybar"
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", lowered[0]) and re.fullmatch(r"[A-Z]{2,6}", words[-1]):
        add(start, end, name, "military", "military unit (number and type)")
        return  # "20th CAA", "58th CAA"
    if lowered[0] in NATIONALITIES and len(words) >= 2:
        kind = kind_of(name)
        if lowered[-1] in EVENT_HEADS or lowered[1] in EVENT_HEADS:
            return
        add(start, end, name, kind if kind != "other" else "organization", "organisation (national)")
        return
    sub_unit = re.search(r"\(([A-ZА-Я]{2,8})\)\s+$", text[max(0, start - 14):start])
    if len(words) == 1 and lowered[0] in KIND_HEADS and sub_unit:
        add(start, end, f"{sub_unit[1]} {name}", kind_of(name), "organisation (acronym and head word)")
        return  # "the Islamic Revolutionary Guards Corps (IRGC) Navy": the IRGC's navy
    if len(lowered) > 1 and lowered[-2:] == ["military", "district"]:
        add(start, end, name, "military", "military district")
        return
    if any(w in KIND_HEADS for w in lowered):
        if len(words) == 1 and sentence_start:
            return  # "Media reports indicate": a common noun that opens the sentence
        add(start, end, name, kind_of(name), "organisation (head word)")
        return
    if any(w in STOP or w in NATIONALITIES for w in lowered):
        return
    if len(words) > 1 and any(w in COUNTRIES for w in lowered):
        if not all(w in COUNTRIES for w in lowered) and not titled:
            add(start, end, name, "organization", "organisation (named for a state)")
        return  # "United Russia", "Fair Russia": a party; "Russia Belarus": two states listed
    if _locative(text, start) and not titled and len(words) == 1:
        return  # "in Nevel", "towards Vitebsk": a place
    if not titled and (len(words) == 1 and _TOPONYM_END.search(lowered[0]) or len(words) == 2 and (
            lowered[0] in _TOPONYM_LEADS or _TOPONYM_END.search(lowered[0]) and _TOPONYM_END.search(lowered[1]))):
        return  # "Klishchiivka", "Velyka Novosilka": a settlement the gazetteer does not list
    if len(words) == 1 and not titled and re.search(r"(?:ite|ean|ian|ese|ish|an)$", lowered[0]) and re.match(
            r"\s+[a-z]+\b(?<!ed)", text[end:end + 30]):
        return  # "Muscovite criticism", "a Crimean man": a demonym qualifying a noun
    if len(words) >= 2 and lowered[-1] in ("center", "centre") and not titled:
        add(start, end, name, "organization", "organisation (a centre)")
        return  # "the Wagner Center"
    if len(words) == 1 and not titled and re.search(
            r"\b(?:offensives?|attacks?|assaults?|advances?|push|strikes?|drive|march)\s+(?:on|against|into|toward)\s+$",
            text[max(0, start - 30):start], re.IGNORECASE):
        return  # "their major offensive on Donbas": where it goes, a place
    if len(words) == 1 and not titled and re.search(r"(?:is|ans|ists|ites)$", lowered[0]) and re.search(
            r"\bthe\s+$", text[max(0, start - 5):start], re.IGNORECASE):
        add(start, end, name, "group", "group (the ...s)")  # "the Houthis", "the Alawites"
        return
    if 2 <= len(words) <= 4:
        add(start, end, name, "person", "person (title)" if titled else "person (name pattern)")
    elif len(words) == 1 and sentence_start and re.search(r"\w[’']s?$", text[start:end]):
        add(start, end, name, "other", "capitalised name (possessive)")  # "Hamas’ military wing said"
    elif len(words) == 1 and not sentence_start:
        add(start, end, name, "person" if titled else "other", "person (title)" if titled else "capitalised name")
    elif len(words) == 1 and titled:
        add(start, end, name, "person", "person (title)")
