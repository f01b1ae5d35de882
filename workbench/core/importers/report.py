"""Report import: Markdown, HTML or plain text of an ISW/CTP-style update -> proposals for the analyst
to review: the document, its footnotes as sources, dated sentences as candidate events, names as
candidate actors (matched to the case's own), simple relations, and citations from the markers.

Nothing in the text is executed or rendered: the report is read by workbench.core.document's
plain-text reader (the stdlib HTML parser, links kept as data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from workbench.core.document import LINE_BREAK, Block, Reading, read_document
from workbench.core.domains import domain_of as registrable_domain_of
from workbench.core.importers import dates, places
from workbench.core.importers.names import (
    COUNTRIES,
    COUNTRY_ALIASES,
    GROUP_WORDS,
    KIND_HEADS,
    NATIONALITIES,
    PUBLISHERS,
    STOP,
    TITLES,
    ActorCandidate,
    ActorIndex,
    alias_proposal,
    canonical_name,
    find_actor_mentions,
    fold,
    new_spelling,
    similar,
    unqualified,
)
from workbench.core.importers.proposals import (
    ImportRefused,
    Plan,
    Proposal,
    clean_url,
    mark_existing,
    stable_id,
    text_digest,
    url_key,
)
from workbench.core.importers.webpage import WebPage, is_web_page, read_web_page
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case
from workbench.core.times import case_zone

REPORT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "text",
                   ".text": "text"}
URL = re.compile(r"https?://[^\s<>\"'\u2028]+")
# Footnote markers in the body: [N], ^N (or ^[N]), and Unicode superscript digits (not a unit's km²).
BRACKET_MARKER = re.compile(r"\[(\d{1,3})\]|\^\[?(\d{1,3})\]?|(?<![kcm]m)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})")
DEFINITION_START = re.compile(r"^\s*(?:\u2022\s*)?(?:\[(\d{1,3})\]|\^\[?(\d{1,3})\]?|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})"
                              r"|(\d{1,3})[.):])(?:\s+|(?=h(?:tt|xx)ps?\W))")
NOTES_HEADING = re.compile(r"^\s*(?:end\s*notes?|foot\s*notes?|notes|sources|references)\s*:?\s*$", re.IGNORECASE)
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "st", "no", "vs", "e.g", "i.e", "u.s", "u.k",
                 "approx", "maj", "capt", "sgt", "adm", "gov", "sen"}
MONTH_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
HEDGES = (
    ("unverified", r"\bunverified\b|\bunconfirmed\b|\bno documented\b|\bno specific evidence\b|\bno evidence\b"
                   r"|\bcould not (?:be )?(?:independently )?verif\w*"),
    ("possible", r"\bmay\b|\bmight\b|\bcould\b|\bpossibl[ey]\b|\bpotential(?:ly)?\b|\ballegedly\b|\bostensibly\b"
                 r"|\bpurportedly\b|\bapparently\b|\bclaimed\b|\bunclear\b"),
    ("likely", r"\blikely\b|\bprobabl[ey]\b|\balmost certainly\b|\bassess(?:es)? that\b"),
    ("planned", r"\bwill\b|\bplann(?:ed|ing)\b|\bis set to\b|\bare set to\b|\bscheduled\b|\bintends? to\b"),
    ("reported", r"\breportedly\b|\bclaims?\b"),
)
CONFIDENCE_ORDER = ("unverified", "possible", "likely", "planned", "reported")
CREDIBILITY = {"confirmed": 1, "likely": 2, "reported": 6, "possible": 3, "unverified": 6, "planned": 6}
IRREGULAR_PAST = set("""met held left said told went came took gave put sent shot fled began fought struck won lost
broke made saw found led brought spoke wrote stood sought ran hit cut set kept built drove fell rose threw withdrew
arrived entered gathered walked""".split())
NOT_PAST = {"need", "red", "bed", "speed", "seed", "united", "based", "armed", "detailed", "alleged", "related",
            "limited", "unverified", "documented", "supposed", "pictured", "advanced", "skilled", "led", "embed",
            "biased", "aged", "concerned", "interested", "so-called", "increased", "sized", "shared"}
AFTER_CUES = re.compile(r"^\W*(?:shortly thereafter|thereafter|shortly after(?:wards)?|afterwards|later|then|"
                        r"soon after)\b", re.IGNORECASE)
DISCOURSE = re.compile(r"^(?:shortly thereafter|thereafter|however|meanwhile|separately|additionally|moreover|"
                       r"furthermore|in addition|also|notably|still)\s*,?\s*", re.IGNORECASE)
SPLITTERS = re.compile(r";\s+|,\s+as well as\s+|,\s+while\s+|,\s+whereas\s+|,\s+but\s+|,\s+(?=who\s|which\s)"
                       r"|,\s+and\s+(?=[A-Z])")
EVENT_KINDS = (
    (r"arrest|warrant|detain|charge|sentenc|court", "legal action"),
    (r"\bmet\b|meeting|talks|negotiat", "meeting"),
    (r"strike", "strike"),
    (r"protest|demonstrat|rally|march|gathered", "protest"),
    (r"\bshot\b|killed|attack|clash|violen|beat|wounded", "violence"),
    (r"agreement|mediat|calls from|rejected|diplomat|sanction", "diplomacy"),
    (r"video|posted|shared|edited|report(?:ing|ed)|published|broadcast|media", "media"),
    (r"forces|troops|units|deploy|massing|concentrat|brigade|convoy", "military movement"),
    (r"\bban|decree|law\b|order", "administrative measure"),
    (r"stated|said|warned|told|announced|declared|claimed", "statement"),
)


@dataclass
class Marker:
    start: int
    end: int
    label: str


@dataclass
class Sentence:
    start: int
    end: int
    block: int
    labels: list[str] = field(default_factory=list)
    text: str = ""  # without footnote markers


@dataclass
class Header:
    title: str = ""
    author: str = ""
    publisher: str = ""
    published: str | None = None
    day: date | None = None
    blocks: set[int] = field(default_factory=set)


def report_format(name: str, text: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in REPORT_SUFFIXES:
        return REPORT_SUFFIXES[suffix]
    head = text[:2000].lower()
    if "<html" in head or "<body" in head or "<p>" in head:
        return "html"
    return "markdown" if re.search(r"^#{1,6}\s|\*\*|<sup>", text, re.MULTILINE) else "text"


# --- the report's structure ---------------------------------------------------------------


def block_lines(reading: Reading, index: int) -> list[tuple[int, int]]:
    """[start, end) of each hard line of a block in the reading text."""
    start = reading.block_starts[index]
    text = reading.blocks[index].text
    spans, position = [], start
    for line in text.split(LINE_BREAK):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def parse_header(reading: Reading) -> Header:
    header = Header()
    for index, block in enumerate(reading.blocks[:8]):
        text = block.text.strip()
        lines = text.split(LINE_BREAK)
        if not header.title and (block.kind == "heading" or (index == 0 and len(lines[0]) < 200)):
            header.title = lines[0].strip() if block.kind != "heading" else text
            header.blocks.add(index)
            if block.kind == "heading" or len(lines) == 1:
                continue
            lines = lines[1:]  # a plain-text header: title, byline and date on lines of one block
        if len(text) > 300 and not header.blocks & {index}:
            break
        for line in (part for whole in lines for part in re.split(r"\s+[·|•]\s+", whole.strip())):
            line = line.strip(" *_")  # "**Jane Roe and Pat Doe** · Commentary · 12 March 2024"
            if not line:
                continue
            published = dates.parse_published(line) if header.published is None else None
            if published and len(line) < 80:
                header.published, header.day = published
                header.blocks.add(index)
            elif len(line) < 60 and _date_line(line):
                header.blocks.add(index)  # "March 5, 3:00 PM EST": the date line, without its year
            elif not header.author and re.fullmatch(
                    r"(?:(?:[Bb]y|Authors?:|Written by)\s+)?[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){1,3}"
                    r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){1,3})*", line):
                header.author = re.sub(r"^(?:[Bb]y|Authors?:|Written by)\s+", "", line)
                header.blocks.add(index)
    counts = {name: len(re.findall(rf"\b{re.escape(name)}\b", reading.text)) for name in PUBLISHERS}
    best = max(counts, key=lambda name: counts[name]) if counts else ""
    if best and counts[best]:
        header.publisher = PUBLISHERS[best]
    return header


def _date_line(line: str) -> bool:
    """A line that is only a date and maybe a time ('June 15, 6pm ET'), not a sentence."""
    found = dates.find_dates(line, date(2000, 1, 1))
    if not found or found[0].start > 2:
        return False
    rest = line[found[0].end:]
    clock = dates.find_time(rest)
    if clock:
        rest = rest.replace(clock[2], "")
    return not re.search(r"[A-Za-z]{3,}", re.sub(r"\b(?:[ECMP][SD]?T|UTC|GMT|MSK|at|local time)\b", "", rest))


SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# Written so as not to link: "rbc dot ua", "example[.]ru", "(.)", "hxxps://", "[:]//".
_OBF_DOT = r"(?:\s*\[\.\]\s*|\s*\(\.\)\s*|\s*\{\.\}\s*|\s*\[dot\]\s*|\s*\(dot\)\s*|\s+dot\s+)"
_SCHEME = r"h(?:tt|xx)ps?(?:\[:\]|\(:\)|:)//|h(?:tt|xx)ps?\[://\]"
_URL_CHARS = r"[^\s<>\"'\u2028\u201c\u201d«»]"
WRITTEN_URL = re.compile(
    rf"(?:(?:{_SCHEME})|(?<![\w./])(?=www(?:\.|{_OBF_DOT})\w))(?:{_URL_CHARS}|{_OBF_DOT}(?=[a-z0-9]))+"
    rf"|(?<![\w./@])[a-z0-9][\w\-]*(?:\[\.\]|\(\.\)|\{{\.\}}|\[dot\]|\(dot\))[\w\-]+(?:(?:\.|{_OBF_DOT})[\w\-]+)*"
    rf"(?:/{_URL_CHARS}*)?",
    re.IGNORECASE)
TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*$")


def restore_url(written: str) -> str:
    """A URL as written to keep it from linking -> the URL; trailing punctuation trimmed."""
    url = re.sub(r"^h(?:tt|xx)p(s?)(?:\[:\]|\(:\)|:)//|^h(?:tt|xx)p(s?)\[://\]",
                 lambda m: f"http{m[1] or m[2] or ''}://", written.strip(), flags=re.IGNORECASE)
    url = re.sub(_OBF_DOT, ".", url, flags=re.IGNORECASE)
    url = url.rstrip(".,;:!?'\"”’»]}")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:")
    if not re.match(r"https?://", url, re.IGNORECASE):
        url = "https://" + url
    return url


def written_urls(text: str) -> list[tuple[str, str]]:
    """(URL, its form as written) of every address in `text`, obfuscated or not, in order."""
    found = []
    for match in WRITTEN_URL.finditer(text):
        written = match.group(0).rstrip(".,;:!?'\"”’»]}")
        url = restore_url(written)
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            continue
        if not re.search(r"\.(?:[a-z]{2,}|xn--[\w-]+)$", host.removeprefix("www.")) and not re.fullmatch(
                r"[\d.]+", host):
            continue  # "https://www.pravda" alone: an address cut short, not a page
        found.append((clean_url(url), written))
    return found


def _line_with_targets(reading: Reading, start: int, end: int) -> str:
    """A line's text with each link's text replaced by its target where the text does not give the address
    (a title, a cut-short 'https://site.com/long-pa…'); a link text that goes on as an obfuscated address
    ('https://www.rbc' + ' dot ua/news/…') is kept, since only the text has the whole address."""
    pieces, position = [], start
    for link in sorted((s for s in reading.links if start <= s.start < end), key=lambda s: s.start):
        if link.start < position:
            continue
        text = reading.text[link.start:min(link.end, end)]
        target = link.value.strip()
        pieces.append(reading.text[position:link.start])
        position = min(link.end, end)
        if not re.match(r"https?://", target, re.IGNORECASE):
            pieces.append(text)
            continue
        after = reading.text[position:end]
        looks_like_address = bool(re.match(r"\s*(?:h(?:tt|xx)ps?\W|www\.)", text, re.IGNORECASE))
        if looks_like_address and not TRUNCATED.search(text) and re.match(_OBF_DOT + r"[a-z0-9]", after, re.I):
            pieces.append(text)
        else:
            pieces.append(f" {target} ")
    pieces.append(reading.text[position:end])
    return "".join(pieces)


@dataclass
class Definitions:
    urls: dict[str, list[str]] = field(default_factory=dict)  # label -> URLs (or 'title:...')
    written: dict[str, str] = field(default_factory=dict)  # URL -> its obfuscated written form
    blocks: set[int] = field(default_factory=set)
    spans: list[tuple[int, int]] = field(default_factory=list)


def footnote_definitions(reading: Reading) -> Definitions:
    """Endnotes: '[N] url', '<sup>N</sup> url', '^N', '¹ url', 'N. url' lines, under a Notes/Sources/Endnotes/
    References heading, after a rule, or with neither; a line of addresses only goes on the note before it.
    A numbered line ('4) Belarus/Kyiv;') is an endnote only under such a heading or where the body cites N."""
    candidates: list[tuple[str, int, int, int, bool, list[tuple[str, str]]]] = []
    after_notes_heading = False
    previous_block = -2
    for index, block in enumerate(reading.blocks):
        if block.kind == "heading":
            after_notes_heading = bool(NOTES_HEADING.match(block.text))
            continue
        for start, end in block_lines(reading, index):
            line = reading.text[start:end]
            label = None
            body_start = start
            numbered = False
            lead = len(line) - len(line.lstrip(" \u2022"))
            sup = next((s for s in reading.footnotes if s.start == start + lead), None)
            if sup is not None:
                label, body_start = sup.value.strip("[]^ ").translate(SUPERSCRIPT_DIGITS), sup.end
            else:
                match = DEFINITION_START.match(line)
                if match:
                    label = next(g for g in match.groups() if g).translate(SUPERSCRIPT_DIGITS)
                    body_start = start + match.end()
                    numbered = bool(match.group(4))
            found = written_urls(_line_with_targets(reading, body_start, end))
            if label is None:
                # a line of addresses only, right after an endnote, belongs to it
                rest = WRITTEN_URL.sub(" ", _line_with_targets(reading, start, end))
                if found and candidates and previous_block >= index - 1 and len(re.findall(r"[A-Za-zА-я]{2,}",
                                                                                           rest)) <= 3:
                    candidates.append((candidates[-1][0], index, start, end, False, found))
                    previous_block = index
                continue
            if not found and not after_notes_heading and sup is None:
                continue
            if not found:
                title = reading.text[body_start:end].strip(" .;,")
                if len(title) < 3:
                    continue
                found = [(f"title:{title}", "")]
            candidates.append((label, index, start, end, numbered and not after_notes_heading, found))
            previous_block = index
    spans = [(start, end) for _, _, start, end, _, _ in candidates]
    cited = {m.label for m in body_markers(reading, spans)}
    result = Definitions()
    for label, index, start, end, needs_citing, found in candidates:
        if needs_citing and label not in cited:
            continue
        urls = result.urls.setdefault(label, [])
        for url, written in found:
            if url not in urls:
                urls.append(url)
            if written and written != url and restore_url(written) != written:
                result.written.setdefault(url, written)
        result.blocks.add(index)
        result.spans.append((start, end))
    return result


def body_markers(reading: Reading, definition_spans: list[tuple[int, int]]) -> list[Marker]:
    def in_definition(position: int) -> bool:
        return any(a <= position < b for a, b in definition_spans)

    markers = [Marker(s.start, s.end, s.value.strip("[]^ ").translate(SUPERSCRIPT_DIGITS))
               for s in reading.footnotes if not in_definition(s.start)]
    taken = {(s.start, s.end) for s in reading.footnotes}
    for match in BRACKET_MARKER.finditer(reading.text):
        if not in_definition(match.start()) and not any(a <= match.start() < b for a, b in taken):
            label = next(g for g in match.groups() if g).translate(SUPERSCRIPT_DIGITS)
            markers.append(Marker(match.start(), match.end(), label))
    markers.sort(key=lambda m: m.start)
    return markers


def split_sentences(reading: Reading, blocks: list[int], markers: list[Marker]) -> list[Sentence]:
    marker_at = {m.start: m for m in markers}
    sentences: list[Sentence] = []
    for index in blocks:
        start = reading.block_starts[index]
        text = reading.blocks[index].text
        end_of_block = start + len(text)
        sentence_start = start
        for match in re.finditer(r"[.!?][\"”’)\]]*", text):
            position = start + match.end()
            while position in marker_at:
                position = marker_at[position].end
            word = re.search(r"([\w.]+)[.!?]$", text[:match.start() + 1])
            if word and (word[1].lower().rstrip(".") in ABBREVIATIONS or re.fullmatch(r"[A-Z]\.?", word[1])):
                continue
            after = reading.text[position:position + 3]
            if word and word[1].lower().rstrip(".") in MONTH_ABBREVIATIONS and re.match(r"\s+\d", after):
                continue  # "Aug. 15"
            if position < end_of_block and not re.match(r"\s+[\"“(A-ZА-Я0-9<*]", after):
                continue
            sentences.append(Sentence(sentence_start, position, index))
            sentence_start = position
            while sentence_start < end_of_block and reading.text[sentence_start].isspace():
                sentence_start += 1
        if sentence_start < end_of_block and reading.text[sentence_start:end_of_block].strip():
            sentences.append(Sentence(sentence_start, end_of_block, index))
    for sentence in sentences:
        inside = [m for m in markers if sentence.start <= m.start < sentence.end]
        sentence.labels = list(dict.fromkeys(m.label for m in inside))
        pieces, position = [], sentence.start
        for marker in inside:
            pieces.append(reading.text[position:marker.start])
            position = marker.end
        pieces.append(reading.text[position:sentence.end])
        sentence.text = " ".join("".join(pieces).replace(LINE_BREAK, " ").split())
    return [s for s in sentences if s.text]


# --- sources -------------------------------------------------------------------------------

RUSSIAN_SLUG = {"v", "na", "po", "s", "o", "i", "pri", "dlya", "ne", "ot", "za", "iz", "k", "u", "so", "chto",
                "kak", "eto", "zhe", "nashem", "rossii", "rossija", "novosti", "statja", "mir"}
ENGLISH_SLUG = {"the", "of", "in", "a", "to", "and", "for", "on", "is", "are", "with", "news", "says", "after"}
TLD_LANGUAGE = {"ru": "ru", "by": "ru", "kz": "ru", "ua": "uk", "pl": "pl", "lt": "lt", "lv": "lv", "ee": "et",
                "rs": "sr", "de": "de", "fr": "fr", "es": "es", "it": "it", "tr": "tr", "ir": "fa", "cn": "zh",
                "uk": "en", "us": "en", "gov": "en", "ge": "ka", "am": "hy", "az": "az", "md": "ro", "ro": "ro",
                "cz": "cs", "sk": "sk", "hu": "hu", "bg": "bg", "hr": "hr", "ba": "bs", "fi": "fi", "se": "sv"}
LANGUAGE_PATHS = {"rus": "ru", "ru": "ru", "en": "en", "eng": "en", "ukr": "uk", "uk": "uk", "de": "de",
                  "fr": "fr", "pl": "pl", "by": "be", "be": "be"}
SOCIAL = {"twitter.com": "Twitter", "x.com": "Twitter", "t.me": "Telegram", "facebook.com": "Facebook",
          "youtube.com": "YouTube", "instagram.com": "Instagram", "vk.com": "VKontakte", "tiktok.com": "TikTok"}


def domain_of(url: str) -> str:
    """The registrable domain of a URL (news.tut.by is tut.by): the publisher a source is counted under."""
    return registrable_domain_of(url)


def guess_language(url: str) -> str:
    """Language of a page from its address: a language folder or subdomain, the slug's words, the country TLD."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    if host in SOCIAL or any(host.endswith("." + s) for s in SOCIAL):
        return ""
    labels = host.split(".")
    segments = [s.lower() for s in parts.path.split("/") if s]
    for candidate in [labels[0], *segments[:2]]:
        if candidate in LANGUAGE_PATHS and len(labels) > 1:
            return LANGUAGE_PATHS[candidate]
    words = [w for s in segments for w in re.split(r"[-_.]+", s.lower()) if w.isalpha()]
    russian = sum(w in RUSSIAN_SLUG or bool(re.search(r"(?:zh|sch|kh|yy|iy|aya|ogo|ov)$", w)) for w in words)
    english = sum(w in ENGLISH_SLUG for w in words)
    if russian >= 2 and russian > english:
        return "ru"
    if english >= 2:
        return "en"
    tld = labels[-1] if labels else ""
    return TLD_LANGUAGE.get(tld, "")


def source_values(url: str) -> dict[str, object]:
    """What a URL alone says about its page: domain as publisher, social handles, dates in paths and ids."""
    values: dict[str, object] = {"url": url, "title": "", "publisher": domain_of(url), "language": guess_language(url),
                                 "reliability": "F"}
    host = domain_of(url)
    try:
        path = urlsplit(url).path
    except ValueError:  # 'http://[1]': a bracketed host that is no IPv6 address
        path = ""
    social = SOCIAL.get(host)
    if social:
        handle = path.strip("/").split("/")[0] if path.strip("/") else ""
        values["publisher"] = f"{social} (@{handle})" if handle and social == "Twitter" else social
        status = re.search(r"/status(?:es)?/(\d{15,20})", path)
        if status and social == "Twitter":  # a tweet id carries its own time (Twitter's snowflake ids)
            moment = datetime.fromtimestamp(((int(status[1]) >> 22) + 1288834974657) / 1000, tz=UTC)
            values["published"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            values["title"] = f"Post by @{handle} on Twitter"
    if "published" not in values:
        found = re.search(r"/((?:19|20)\d\d)/([01]?\d)/([0-3]?\d)/", path)
        if found:
            try:
                day = date(int(found[1]), int(found[2]), int(found[3]))
                values["published"] = f"{day.isoformat()}T00:00:00Z"
            except ValueError:
                pass
    return values


# --- proposing ------------------------------------------------------------------------------


def _hedges(text: str) -> list[tuple[int, int, str]]:
    found = []
    for level, pattern in HEDGES:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            found.append((match.start(), match.end(), level))
    return sorted(found)


def confidence_of(text: str, start: str, reference_end: str) -> str:
    levels = {level for _, _, level in _hedges(text)}
    for level in CONFIDENCE_ORDER[:3]:
        if level in levels:
            return level
    if start > reference_end or "planned" in levels and re.search(r"\bwill\b|\bset to\b|\bplanned\b", text, re.I):
        return "planned"
    return "reported"


def _past_tense(text: str) -> bool:
    for match in re.finditer(r"(?<![\w\-])([A-Za-z][a-z]{2,})(?![\w\-])", text):
        word = match[1].lower()
        before = text[max(0, match.start() - 12):match.start()].lower()
        if re.search(r"\b(?:has|have|had)\s+(?:been\s+)?$|\b(?:the|a|an|its|their|is|are|be|being)\s+$", before):
            continue
        if word in IRREGULAR_PAST or (word.endswith("ed") and word not in NOT_PAST and len(word) > 4):
            return True
    return False


def _title(text: str, limit: int = 150) -> str:
    text = DISCOURSE.sub("", text.strip()).rstrip(" .;:,")
    text = text[:1].upper() + text[1:]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _kind(text: str) -> str:
    lowered = text.lower()
    for pattern, kind in EVENT_KINDS:
        if re.search(pattern, lowered):
            return kind
    return ""


def _heading_like(block: Block) -> bool:
    """A paragraph that is a heading in all but markup: short, and no sentence ends it ('Supporting Effort #1—
    Kharkiv: (Russian objective: Advance southeast…)', a bold 'Key Takeaways')."""
    runs = list(block.runs)
    while runs and runs[-1].footnote is not None:
        runs.pop()  # the markers that close it
    text = " ".join("".join(run.text for run in runs).replace(LINE_BREAK, " ").split())
    if block.kind != "paragraph" or not text or len(text.split()) > 40:
        return False
    text = re.sub(r"(?:\s*(?:\[\d{1,3}\]|\^\[?\d{1,3}\]?|[⁰¹²³⁴⁵⁶⁷⁸⁹]+))+$", "", text)
    return not re.search(r"[.!?…][\"”’)\]]*$", text)


NOT_PLACES = {places.key_of(w) for w in STOP | TITLES | NATIONALITIES | set(KIND_HEADS) | COUNTRIES | set(
    COUNTRY_ALIASES) | set(GROUP_WORDS) | set(PUBLISHERS)}


def _is_place(name: str, start: int, end: int, found: list[places.PlaceMention]) -> bool:
    """An actor-like name that is one of the block's places ('Kherson', 'Kharkiv City', 'Izyum-Slovyansk')."""
    inside = [m for m in found if start <= m.start and m.end <= end + 1]
    if not inside:
        return False
    rest = name
    for mention in inside:
        rest = rest.replace(mention.written, " ")
    return not re.sub(r"\b(?:[Cc]ity|[Tt]own|[Vv]illage)\b|[\W_]", "", rest)


def _listed_with_places(text: str, start: int, end: int, kind: str, found: list[places.PlaceMention]) -> bool:
    """A bare name in a list of places ('Mykolaivka, Yasylivka, Yakovlikva, and Berestove') is a place the
    gazetteer does not know."""
    if kind not in ("person", "other"):
        return False
    joint = r"\s*(?:\([^()]{0,60}\)\s*)?,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+"
    before = any(re.fullmatch(joint, text[m.end:start]) for m in found if m.end <= start)
    after = any(re.fullmatch(joint, text[end:m.start]) for m in found if m.start >= end)
    return before or after


class ActorTable:
    """Candidate actors of one report: the case's own (matched by name, alias or spelling) and new ones."""

    def __init__(self, case_rows: list[dict[str, object]], text: str) -> None:
        self.index = ActorIndex(case_rows)  # type: ignore[arg-type]
        self.items: dict[str, ActorCandidate] = {}
        self.expansions: dict[str, str] = {}
        for match in re.finditer(r"\b([A-Z][A-Za-z]+(?:\s+[A-Za-z]+){1,6})\s*\(([A-Z]{2,8})\)", text):
            self.expansions[fold(match[1])] = match[2]
        for match in re.finditer(r"\b([A-Z]{2,8})\s*\(([A-Z][^()]{3,80}?)\)", text):
            self.expansions[fold(match[2])] = match[1]

    def add(self, name: str, kind: str, how: str, span: tuple[int, int]) -> str:
        both = re.fullmatch(r"(\w+) and (\w+) (.+)", name)
        if both and both[1].lower() in NATIONALITIES and both[2].lower() in NATIONALITIES:
            self.add(f"{both[1]} {both[3]}", kind, how, span)  # "Russian and Belarusian units": two actors
            return self.add(f"{both[2]} {both[3]}", kind, how, span)
        listed = re.fullmatch(r"([A-ZА-Я]{2,8}) and ([A-ZА-Я][\w’'\-]*(?: [\w’'\-]+)+)", name)
        if listed:  # "DNR and Russian military police": two actors, not one
            self.add(listed[1], "organization", how, span)
            return self.add(listed[2], kind, how, span)
        name = COUNTRY_ALIASES.get(fold(name), name) if fold(name) in COUNTRY_ALIASES else name
        head = name.split()[0]
        if len(name.split()) > 1 and re.fullmatch(r"[A-ZА-Я]{2,8}", head) and name[len(head):] == name[
                len(head):].lower() and fold(head) not in COUNTRY_ALIASES:  # "US forces" are not the US
            key = self.add(head, kind, how, span)  # "OMON special police forces": OMON, described
            if fold(name) not in {fold(n) for n in self.items[key].names()}:
                self.items[key].aliases.append(name)
            return key
        acronym = self.expansions.get(fold(name)) or self.expansions.get(unqualified(fold(name)))
        if acronym:
            key = self.add(acronym, kind, how, span)
            if fold(name) not in {fold(n) for n in self.items[key].names()}:
                self.items[key].aliases.append(name)
            return key
        row = self.index.find(name)
        if row is not None:
            key = f"case:{row['id']}"
            candidate = self.items.setdefault(key, ActorCandidate(
                str(row["name"]), str(row["kind"]), existing_id=str(row["id"]), existing_name=str(row["name"]),
                how="matched a case actor" + ("" if fold(name) == fold(str(row["name"])) else f" (as “{name}”)")))
            candidate.mentions.append(span)
            if new_spelling(name, row) and name not in candidate.spellings:
                candidate.spellings.append(name)  # proposed as an alias (importers.names.alias_proposal)
            return key
        key = self._same_as(name, kind)
        if key is None:
            key = f"new:{fold(name)}"
            self.items[key] = ActorCandidate(name, kind, how=how)
        candidate = self.items[key]
        if fold(name) not in {fold(n) for n in candidate.names()}:
            folded = fold(name)
            if candidate.kind == "person" and len(name.split()) > len(candidate.name.split()) or (
                    canonical_name(folded) == folded != fold(candidate.name)
                    and canonical_name(fold(candidate.name)) == folded):
                # the fuller name of a person; "Russian forces", not "the Russians", names the forces
                candidate.aliases.append(candidate.name)
                candidate.name = name
            else:
                candidate.aliases.append(name)
        if candidate.kind in ("other", "organization") and kind not in ("other", "organization"):
            candidate.kind = kind
        candidate.mentions.append(span)
        return key

    def _same_as(self, name: str, kind: str) -> str | None:
        folded = fold(name)
        words = folded.split()
        canonical = canonical_name(folded)
        side = side_of(folded)
        if len(words) > 1 or canonical != folded:
            # "MoD" after "Russian MoD", "General Staff" after "Ukrainian General Staff": the one the report names
            plain = unqualified(canonical)
            same = [key for key, candidate in self.items.items()
                    if any(unqualified(canonical_name(fold(n))) == plain for n in candidate.names())
                    and not other_sides(side, candidate)]
            if len(same) == 1 and kind == self.items[same[0]].kind or len(same) == 1 and plain == canonical:
                return same[0]
        for key, candidate in self.items.items():
            if other_sides(side, candidate):
                continue  # "Ukrainian forces" are not "Russian forces", "Fair Russia" is not Belarus
            # a part of a name stands for the whole only for people ('Putin'); 'Republic' is not 'Luhansk
            # People's Republic', 'Ukraine' not 'Ukrainian General Staff'
            partial = candidate.kind == "person" and kind in ("person", "other")
            spelled = "state" not in (kind, candidate.kind)  # "Ukrainians" is not "Ukraine"
            for known in (fold(n) for n in candidate.names()):
                other = known.split()
                if known == folded or canonical_name(known) == canonical or spelled and similar(
                        known, folded, whole=not partial):
                    return key
                if len(words) == len(other) > 1 and all(similar(a, b) for a, b in zip(words, other, strict=True)):
                    return key
                if candidate.kind == "person" and len(words) == 1 and words[0] == other[-1]:
                    return key  # a surname alone
                if kind == "person" and candidate.kind in ("person", "other") and len(other) == 1 \
                        and len(words) > 1 and other[0] == words[-1]:
                    return key
                if len(words) > 1 and len(other) > 1 and words[0] == other[0] and words[-1] == other[-1] \
                        and kind == candidate.kind and not re.search(r"\d", folded + known):
                    return key  # "Russian forces" / "Russian conventional forces"
                if len(words) > 2 and len(other) > 2 and words[:-1] == other[:-1] and kind == candidate.kind \
                        and kind != "person":
                    return key  # "... TV and Radio service" / "... TV and Radio company"
                if len(other) == 1 and len(words) > 1 and words[0] == other[0] and name.split()[0].isupper():
                    return key  # "NEXTA" / "NEXTA Telegram channel"
                if len(words) == 1 and len(other) > 1 and other[0] == words[0] and name.isupper():
                    candidate.aliases.append(candidate.name)
                    candidate.name = name
                    return key
        return None


def side_of(folded: str) -> str:
    """The state a name belongs to, by its leading nationality or country ('russian forces', 'russia’s mod' ->
    'russ'), or '' when it names none; 'russian' and 'russia' are one side."""
    first = re.sub(r"[’']s$", "", folded.split()[0]) if folded else ""
    two = " ".join(folded.split()[:2])
    if two in COUNTRIES:
        return two
    if first in NATIONALITIES or first in COUNTRIES:
        return first[:4]
    return ""


def other_sides(side: str, candidate: ActorCandidate) -> bool:
    """Whether a name of `side` and the candidate belong to different states (then they are never one actor)."""
    if not side:
        return False
    return any(other and other != side for other in (side_of(fold(n)) for n in candidate.names()))


class ReportDateMissing(ImportRefused):
    """The report states no date with a year anywhere (header, title, metadata, file name): the analyst
    must give it, since every year-less date and every undated claim is placed by it."""


FILE_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?([01]\d)[-_.]?([0-3]\d)(?!\d)")


def date_in_name(name: str) -> date | None:
    """'isw-2022-03-05.html', 'report_20220305.md' -> the date the file's name gives."""
    for match in FILE_NAME_DATE.finditer(name):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


@dataclass
class ReportDate:
    day: date
    published: str  # ISO text for the document's `published`
    source: str  # where it was found: 'header', 'title', 'page metadata (dc:date)', 'file name', 'given'


def find_report_date(header: Header, name: str, page: WebPage | None = None,
                     given: date | None = None) -> ReportDate | None:
    """The report's own date, from what the analyst gave, the header's date line, the title, the page's
    metadata or the file's name, in that order; None when none of them states a full date with a year."""
    if given is not None:
        return ReportDate(given, given.isoformat(), "given")
    if header.published and header.day:
        return ReportDate(header.day, header.published, "header")
    titled = dates.parse_published(header.title) if header.title else None
    if titled:
        return ReportDate(titled[1], titled[0], "title")
    if page is not None and page.day is not None:
        return ReportDate(page.day, page.published or page.day.isoformat(), f"page metadata ({page.date_source})")
    named = date_in_name(name)
    if named:
        return ReportDate(named, named.isoformat(), "file name")
    return None


def propose_report(case: Case, text: str, name: str, fmt: str | None = None,
                   progress: Progress = NO_PROGRESS, report_date: date | None = None) -> Plan:
    """Read a report and propose everything in it for `case`; writes nothing.

    The report's date places every year-less date and bounds every undated claim; it is taken from the
    report (see find_report_date) or from `report_date`, never from the clock: without one the import
    is refused with ReportDateMissing.
    """
    fmt = fmt or report_format(name, text)
    progress(0, 1)  # Cancel is heard before a large page is read
    page = None
    if fmt == "html" and is_web_page(text):
        try:
            page = read_web_page(text)
        except (ValueError, TypeError, LookupError, RecursionError):
            page = None  # markup lxml cannot hold: read the page whole with our own reader
    stored = page.article if page is not None else text
    reading = read_document(stored, fmt)
    zone = case_zone(case.meta("timezone"))
    header = parse_header(reading)
    if page is not None and not header.author and page.authors:
        header.author = ", ".join(page.authors)
    found_date = find_report_date(header, name, page, report_date)
    if found_date is None:
        raise ReportDateMissing(
            f"{name} states no date with a year (not in its header, title, metadata or file name); give the "
            "report's date with --report-date YYYY-MM-DD.")
    header.day = found_date.day
    header.published = header.published if found_date.source == "header" else found_date.published
    reference = found_date.day
    reference_end = dates.stamp(reference, time(23, 59), zone)
    plan = Plan(name=name, text=reading.text)

    document_id = stable_id("document", text_digest(text))
    plan.report_date = found_date.day
    plan.report_date_source = found_date.source
    document_exists = case.get("documents", document_id) is not None
    plan.add(Proposal(
        f"document:{document_id}", "document",
        {"id": document_id, "title": header.title or name, "author": header.author, "publisher": header.publisher,
         "published": header.published, "url": "", "format": fmt, "text": stored},
        label=header.title or name, existing=document_exists,
        note=" · ".join(x for x in (header.author, header.publisher,
                                    f"dated {found_date.day.isoformat()} ({found_date.source})") if x)))

    # footnotes -> sources
    found_notes = footnote_definitions(reading)
    definitions, definition_blocks, definition_spans = found_notes.urls, found_notes.blocks, found_notes.spans
    known_sources = {}
    for source_id, url, title in case.conn.execute("SELECT id, url, title FROM sources"):
        known_sources[url_key(url) if url else f"title:{fold(title)}"] = source_id
    label_sources: dict[str, list[str]] = {}
    source_keys: dict[str, str] = {}
    for label, urls in definitions.items():
        for position, url in enumerate(urls):
            key = f"title:{fold(url[6:])}" if url.startswith("title:") else url_key(url)
            if key not in source_keys:
                existing_id = known_sources.get(key)
                source_id = existing_id or stable_id("source", key)
                values = ({"url": "", "title": url[6:], "publisher": "", "language": "", "reliability": "F"}
                          if url.startswith("title:") else source_values(url))
                written = found_notes.written.get(url, "")
                plan.add(Proposal(f"source:{source_id}", "source", {"id": source_id, **values},
                                  label=url[6:] if url.startswith("title:") else url, existing=existing_id is not None,
                                  note=f"footnote {label}" + (" · already in the case" if existing_id else "")
                                  + (f" · written “{written}”" if written else "")))
                if written:
                    note_id = stable_id("note", source_id, written)
                    plan.add(Proposal(
                        f"note:{note_id}", "note",
                        {"id": note_id, "source_id": source_id, "author": "import",
                         "text": f"Written in {header.title or name} as “{written}” (restored to this address)."},
                        label=f"written “{written}”", needs=(f"source:{source_id}",)))
                source_keys[key] = source_id
            else:
                plan.by_key()[f"source:{source_keys[key]}"].note += f", {label}"
            source_id = source_keys[key]
            label_sources.setdefault(label, []).append(source_id)
            plan.add(Proposal(f"footnote:{label}:{source_id}", "footnote",
                              {"document_id": document_id, "label": label, "source_id": source_id,
                               "position": position},
                              label=f"[{label}] {url}", needs=(f"document:{document_id}", f"source:{source_id}")))

    # sentences
    markers = body_markers(reading, definition_spans)
    body_blocks = [i for i, block in enumerate(reading.blocks)
                   if i not in definition_blocks and i not in header.blocks and block.kind != "heading"
                   and not _heading_like(block)]
    sentences = split_sentences(reading, body_blocks, markers)
    skip = [(link.start, link.end) for link in reading.links]

    # places and actors, block by block; a name that is a place is never an actor
    actors = ActorTable(case.rows("actors"), reading.text)
    mentions: list[tuple[int, int, str]] = []  # (start, end, candidate key) in reading text
    lower_words = {places.key_of(w) for w in re.findall(r"(?<![\w’'\-])(?:[a-z][a-z’'\-]+|[а-яёіїєґў][а-яёіїєґў’'\-]+)",
                                                    reading.text)}
    place_mentions: list[places.PlaceMention] = []
    common_acronyms = {m[2] for m in re.finditer(
        r"\b((?:[a-z][\w\-]*\s+){1,5}[a-z][\w\-]*)\s*\(([A-Z]{2,8})s?\)", reading.text)}
    # "the 20th Combined Arms Army (CAA)": the acronym names a type of unit, "20th CAA" the unit
    common_acronyms |= {m[1] for m in re.finditer(
        r"\d+(?:st|nd|rd|th)\s+(?:[A-Z][\w\-]*\s+){1,4}\(([A-Z]{2,8})s?\)", reading.text)}
    for number, index in enumerate(body_blocks):
        if number % 20 == 0:  # the first half of the work: names and places, block by block
            progress(number, 2 * len(body_blocks))
        else:
            progress.check()
        start = reading.block_starts[index]
        block_text = reading.blocks[index].text
        local_skip = [(a - start, b - start) for a, b in skip if start <= a < start + len(block_text)]
        local_places = places.find_place_mentions(block_text, lower_words, NOT_PLACES, local_skip)
        place_mentions += [places.PlaceMention(start + m.start, start + m.end, m.written, m.place)
                           for m in local_places]
        for a, b, actor_name, kind, how in find_actor_mentions(block_text, local_skip):
            if _is_place(actor_name, a, b, local_places) or _listed_with_places(block_text, a, b, kind, local_places):
                continue
            if re.sub(r"s$", "", actor_name.split()[-1]) in common_acronyms:
                continue  # "battalion tactical group (BTG)": a kind of thing the report abbreviates
            mentions.append((start + a, start + b, actors.add(actor_name, kind, how, (start + a, start + b))))
    actor_ids: dict[str, str] = {}
    for key, candidate in actors.items.items():
        actor_id = candidate.existing_id or stable_id("actor", fold(candidate.name))
        actor_ids[key] = actor_id
        first = min(candidate.mentions) if candidate.mentions else None
        evidence, span = "", None
        if first is not None:
            sentence = next((s for s in sentences if s.start <= first[0] < s.end), None)
            if sentence is not None:
                evidence, span = sentence.text, (sentence.start, sentence.end)
        existing = candidate.existing_id is not None or case.get("actors", actor_id) is not None
        plan.add(Proposal(
            f"actor:{actor_id}", "actor",
            {"id": actor_id, "name": candidate.name, "kind": candidate.kind,
             "aliases": [a for a in dict.fromkeys(candidate.aliases) if fold(a) != fold(candidate.name)]},
            label=candidate.name, evidence=evidence, span=span, existing=existing,
            note=f"{candidate.how} · {len(candidate.mentions)} mention{'s' if len(candidate.mentions) != 1 else ''}"))
        for spelling in candidate.spellings:
            plan.add(alias_proposal(actor_id, candidate.name, spelling, evidence, span))

    # places, one proposal per place the report names
    known_places = {fold(str(row["name"])): str(row["id"]) for row in case.rows("places")}
    meant = places.resolve(place_mentions)
    place_ids: dict[str, str] = {}
    place_spans: list[tuple[int, int, str]] = []
    place_mentions = [m for m in place_mentions if places.key_of(m.written) in meant]
    for mention in place_mentions:
        place = meant[places.key_of(mention.written)]
        existing_id = known_places.get(fold(place.name)) or known_places.get(fold(mention.written))
        place_id = existing_id or stable_id("place", place.name, place.country, f"{place.lat:.3f},{place.lon:.3f}")
        key = f"place:{place_id}"
        if key not in place_ids.values():
            sentence = next((s for s in sentences if s.start <= mention.start < s.end), None)
            plan.add(Proposal(
                key, "place", {"id": place_id, "name": place.name, "lat": place.lat, "lon": place.lon,
                               "country": place.country},
                label=place.name, evidence=sentence.text if sentence else "",
                span=(sentence.start, sentence.end) if sentence else None, existing=existing_id is not None,
                note=f"gazetteer: {place.name}, {place.country} ({place.lat:.2f}, {place.lon:.2f})"
                     + (f" · written “{mention.written}”" if fold(mention.written) != fold(place.name) else "")))
        place_ids[mention.written] = key
        place_spans.append((mention.start, mention.end, place_id))

    # events
    context_day: dict[int, tuple[date, dt_time | None]] = {}
    for number, sentence in enumerate(sentences):
        if number % 20 == 0:  # the second half: events, sentence by sentence
            progress(len(sentences) + number, 2 * len(sentences))
        else:
            progress.check()
        _propose_events(plan, sentence, reading, reference, reference_end, zone, mentions, actor_ids, document_id,
                        label_sources, context_day, header, place_spans)
    mark_existing(case, plan)
    return plan


dt_time = time


def _segments(sentence: Sentence, mentions: list[dates.DateMention]) -> list[tuple[int, int]]:
    """[start, end) clauses of a sentence holding several dates (or a dated and a 'recently' clause)."""
    text = sentence.text
    days = {m.day for m in mentions}
    if len(days) < 2 and not (mentions and dates.RECENT.search(text)):
        return [(0, len(text))]
    cuts = [0] + [m.start() for m in SPLITTERS.finditer(text)] + [len(text)]
    segments = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]
    return segments or [(0, len(text))]


def _propose_events(plan: Plan, sentence: Sentence, reading: Reading, reference: date, reference_end: str,
                    zone, mentions: list[tuple[int, int, str]], actor_ids: dict[str, str], document_id: str,
                    label_sources: dict[str, list[str]], context_day: dict, header: Header,
                    place_spans: list[tuple[int, int, str]] = ()) -> None:
    text = sentence.text
    words = text.split()
    if len(words) < 4 or text.endswith("?") or re.match(r"^(?:ISW|CTP|We|Our)\b", text):
        return
    if any(text.startswith(k) for k in PUBLISHERS):
        return
    found = dates.find_dates(text, reference)
    context = context_day.get(sentence.block)
    in_sentence = [m for m in mentions if sentence.start <= m[0] < sentence.end]
    events: list[tuple[str, dates.When, str, list[str]]] = []  # (title text, when, segment, extra actor keys)
    segments = _segments(sentence, found)
    previous_text = ""
    for a, b in segments:
        segment = text[a:b]
        connector = re.match(r"^[;,]?\s*(?:as well as|while|whereas|but|and)?\s*", segment)
        segment_core = segment[connector.end():] if connector else segment
        inside = [m for m in found if a <= m.start < b]
        local = [dates.DateMention(m.start - a, m.end - a, m.day, m.weekday_only, m.bound, m.month_only)
                 for m in inside]
        when = None
        if local:
            when = dates.resolve(segment, local, reference, zone)
        elif len(segments) > 1 and dates.RECENT.search(segment):
            when = dates.recent_when(reference, zone)
        elif len(segments) == 1:
            clock = dates.find_time(segment)
            cited_or_past = bool(sentence.labels) or _past_tense(segment)
            has_actor = bool(in_sentence)
            if clock or (cited_or_past and has_actor):
                if context is not None:
                    day, clock_context = context
                    after = AFTER_CUES.match(segment)
                    if clock:
                        when = dates.resolve(segment, [], reference, zone, fallback=day)
                    else:
                        start = dates.stamp(day, clock_context or time(0), zone)
                        note = ("shortly after the events before it" if after else
                                f"date not stated; the paragraph is about {dates.describe_day(day)}")
                        when = dates.When(start, time_precision="approximate", time_note=note,
                                          earliest=start if after else None,
                                          latest=dates.stamp(day, time(23, 59), zone))
                else:
                    when = dates.resolve(segment, [], reference, zone, fallback=reference)
        if when is None:
            previous_text = segment_core
            continue
        title_text = segment_core
        extra: list[str] = []
        relative = re.match(r"^(?:who|which)\s+", segment_core)
        if relative:
            before = [m for m in in_sentence if m[0] < sentence.start + a + 5]
            if before:
                title_text = f"{reading.text[before[-1][0]:before[-1][1]]} {segment_core[relative.end():]}"
                extra.append(before[-1][2])
        elif connector and connector.group(0).strip(" ,;") and previous_text:
            stem = re.split(r"\s(?:in|on|at|near)\s+(?=[A-Z0-9])", previous_text)[0]
            title_text = f"{stem} {segment_core}"
        events.append((title_text, when, segment, extra))
        previous_text = segment_core
        if local:
            first_day = local[0].day
            clock = dates.find_time(segment)
            context_day[sentence.block] = (first_day, clock[0] if clock else None)
    if not events and found:
        clock = dates.find_time(text)
        context_day[sentence.block] = (found[0].day, clock[0] if clock else None)

    for index, (title_text, when, segment, extra) in enumerate(events):
        evidence = text
        confidence = confidence_of(text, when.start, reference_end)
        event_id = stable_id("event", document_id, str(sentence.start), str(index))
        offset = text.find(segment)
        hedges = [(s, e, w) for s, e, w in _hedges(evidence)]
        event = plan.add(Proposal(
            f"event:{event_id}", "event",
            {"id": event_id, "title": _title(title_text), "summary": text, "kind": _kind(segment),
             "confidence": confidence, **when.values()},
            label=_title(title_text), evidence=evidence, span=(sentence.start, sentence.end), hedges=hedges,
            note=when.time_note or when.time_precision))
        event.values["time_note"] = when.time_note
        seg_start = sentence.start + max(offset, 0)
        seg_end = seg_start + len(segment) + 10
        keys = list(dict.fromkeys([*extra, *(k for s, _, k in in_sentence
                                             if (len(events) == 1 or seg_start <= s < seg_end))]))
        for key in keys:
            actor_id = actor_ids[key]
            plan.add(Proposal(f"event_actor:{event_id}:{actor_id}", "event_actor",
                              {"event_id": event_id, "actor_id": actor_id, "role": ""},
                              needs=(event.key, f"actor:{actor_id}")))
        # the places its clause names (the whole sentence when it states one event)
        for place_id in dict.fromkeys(p for s, _, p in place_spans if sentence.start <= s < sentence.end
                                      and (len(events) == 1 or seg_start <= s < seg_end)):
            plan.add(Proposal(f"event_place:{event_id}:{place_id}", "event_place",
                              {"event_id": event_id, "place_id": place_id},
                              needs=(event.key, f"place:{place_id}")))
        _cite(plan, ("event_id", event_id), event.key, sentence, label_sources, document_id, confidence)
        _propose_relation(plan, sentence, segment, seg_start, in_sentence, actor_ids, event, document_id,
                          label_sources)
    if not events and sentence.labels:
        # a cited sentence that states no event: its sources still back the actors it names
        for key in dict.fromkeys(k for _, _, k in in_sentence):
            actor_id = actor_ids[key]
            _cite(plan, ("actor_id", actor_id), f"actor:{actor_id}", sentence, label_sources, document_id,
                  confidence_of(text, "", reference_end))


def _cite(plan: Plan, target: tuple[str, str], target_key: str, sentence: Sentence,
          label_sources: dict[str, list[str]], document_id: str, confidence: str) -> None:
    for label in sentence.labels:
        for source_id in label_sources.get(label, []):
            citation_id = stable_id("citation", target[1], source_id, label)
            if f"citation:{citation_id}" in {p.key for p in plan.proposals[-20:]}:
                continue
            plan.add(Proposal(
                f"citation:{citation_id}", "citation",
                {"id": citation_id, "source_id": source_id, target[0]: target[1], "document_id": document_id,
                 "footnote": label, "quote": sentence.text, "credibility": CREDIBILITY.get(confidence, 6)},
                label=f"[{label}] {sentence.text[:90]}", evidence=sentence.text, span=(sentence.start, sentence.end),
                needs=(target_key, f"source:{source_id}", f"document:{document_id}")))


def _propose_relation(plan: Plan, sentence: Sentence, segment: str, seg_start: int,
                      in_sentence: list[tuple[int, int, str]], actor_ids: dict[str, str], event: Proposal,
                      document_id: str, label_sources: dict[str, list[str]]) -> None:
    """'<actor> <verb phrase> <actor>' in one clause -> a relation named by the verb phrase."""
    # positions in sentence.text differ from the reading by the removed markers; work on the reading text
    ordered = sorted(in_sentence)
    for (a_start, a_end, first), (b_start, _b_end, second) in zip(ordered, ordered[1:], strict=False):
        if first == second:
            continue
        between = plan.text[a_end:b_start]
        if "," in between or ";" in between or ":" in between or '"' in between or "“" in between:
            continue
        words = between.split()
        if not 1 <= len(words) <= 7 or not (_past_tense(words[0]) or words[0].lower() in (
                "is", "are", "was", "were", "will", "has", "have", "had")):
            continue
        if a_start - sentence.start > 80:
            continue
        kind = " ".join(w for w in words if w.lower() not in ("the", "a", "an")).lower().strip(" .")
        if not kind or len(kind) > 60:
            continue
        from_id, to_id = actor_ids[first], actor_ids[second]
        relation_id = stable_id("relation", document_id, from_id, kind, to_id)
        if any(p.key == f"relation:{relation_id}" for p in plan.proposals):
            return
        relation = plan.add(Proposal(
            f"relation:{relation_id}", "relation",
            {"id": relation_id, "from_actor_id": from_id, "to_actor_id": to_id, "kind": kind, "label": "",
             "directed": 1, "start": event.values["start"], "end": None,
             "confidence": event.values["confidence"]},
            label=f"{plan.text[a_start:a_end]} — {kind} — {plan.text[b_start:_b_end]}", evidence=sentence.text,
            span=(sentence.start, sentence.end), hedges=event.hedges,
            needs=(f"actor:{from_id}", f"actor:{to_id}")))
        _cite(plan, ("relation_id", relation_id), relation.key, sentence, label_sources, document_id,
              event.values["confidence"])
        return
