"""A seeded synthetic case of any size, shaped like a real one, for benchmarks and scale tests.

`generate_case(path, n)` writes n events, n/20 actors, n/5 relations, n/10 sources, 1-3
citations per event, 1-3 actors per event and a few places, all through `Case.bulk_insert`.
Everything, ids and created_at stamps included, follows from the seed: two builds with the
same seed hold the same rows. Actors fall into communities (relations and co-participation
mostly stay inside one) and a few actors and sources are used far more than the rest, as in
a real investigation, so graph metrics, layouts and "single source" views see a realistic load.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from workbench.core.store import Case, create_case

DEFAULT_SEED = 20200815
CASE_TIMEZONE = "Europe/Minsk"
LOCAL_OFFSET = 3 * 3600  # Minsk keeps UTC+3 all year (since 2011), so local midnight is 21:00Z
SPAN_START = int(datetime(2020, 8, 1, tzinfo=UTC).timestamp())
SPAN_DAYS = 730
DAY = 86400
ACTORS_PER_EVENT = 20
EVENTS_PER_RELATION = 5
EVENTS_PER_SOURCE = 10
ACTORS_PER_COMMUNITY = 40

# (name, Russian/Belarusian spelling, lat, lon, country)
PLACES = (
    ("Minsk", "Минск", 53.9045, 27.5615, "Belarus"),
    ("Grodno", "Гродно", 53.6694, 23.8131, "Belarus"),
    ("Brest", "Брест", 52.0976, 23.7341, "Belarus"),
    ("Gomel", "Гомель", 52.4345, 30.9754, "Belarus"),
    ("Vitebsk", "Витебск", 55.1904, 30.2049, "Belarus"),
    ("Mogilev", "Могилёв", 53.9007, 30.3314, "Belarus"),
    ("Baranovichi", "Барановичи", 53.1327, 26.0139, "Belarus"),
    ("Babruysk", "Бобруйск", 53.1384, 29.2214, "Belarus"),
    ("Pinsk", "Пинск", 52.1115, 26.1031, "Belarus"),
    ("Barysaw", "Борисов", 54.2279, 28.5050, "Belarus"),
    ("Salihorsk", "Солигорск", 52.7876, 27.5415, "Belarus"),
    ("Zhodzina", "Жодино", 54.0985, 28.3331, "Belarus"),
    ("Lida", "Лида", 53.8885, 25.2846, "Belarus"),
    ("Navapolatsk", "Новополоцк", 55.5318, 28.5987, "Belarus"),
    ("Maladzyechna", "Молодечно", 54.3167, 26.8500, "Belarus"),
    ("Moscow", "Москва", 55.7558, 37.6173, "Russia"),
    ("Smolensk", "Смоленск", 54.7818, 32.0401, "Russia"),
    ("Pskov", "Псков", 57.8136, 28.3496, "Russia"),
    ("Saint Petersburg", "Санкт-Петербург", 59.9311, 30.3609, "Russia"),
    ("Kaliningrad", "Калининград", 54.7104, 20.4522, "Russia"),
    ("Kyiv", "Київ", 50.4501, 30.5234, "Ukraine"),
    ("Chernihiv", "Чернігів", 51.4982, 31.2893, "Ukraine"),
    ("Lviv", "Львів", 49.8397, 24.0297, "Ukraine"),
    ("Vilnius", "Vilnius", 54.6872, 25.2797, "Lithuania"),
    ("Kaunas", "Kaunas", 54.8985, 23.9036, "Lithuania"),
    ("Warsaw", "Warszawa", 52.2297, 21.0122, "Poland"),
    ("Bialystok", "Białystok", 53.1325, 23.1688, "Poland"),
    ("Riga", "Rīga", 56.9496, 24.1052, "Latvia"),
    ("Daugavpils", "Daugavpils", 55.8750, 26.5362, "Latvia"),
    ("Berlin", "Berlin", 52.5200, 13.4050, "Germany"),
    ("Brussels", "Bruxelles", 50.8503, 4.3517, "Belgium"),
    ("Geneva", "Genève", 46.2044, 6.1432, "Switzerland"),
    ("Astana", "Астана", 51.1694, 71.4491, "Kazakhstan"),
    ("Yerevan", "Երևան", 40.1792, 44.4991, "Armenia"),
    ("Belgrade", "Београд", 44.7866, 20.4489, "Serbia"),
    ("Tbilisi", "თბილისი", 41.7151, 44.8271, "Georgia"),
    ("Chisinau", "Chișinău", 47.0105, 28.8638, "Moldova"),
    ("Orsha", "Орша", 54.5081, 30.4172, "Belarus"),
    ("Slonim", "Слоним", 53.0869, 25.3163, "Belarus"),
    ("Mazyr", "Мозырь", 52.0495, 29.2456, "Belarus"),
)

FIRST_NAMES = (
    "Aleksandr", "Viktor", "Maria", "Svetlana", "Pavel", "Olga", "Sergei", "Natalia", "Igor", "Tatiana",
    "Andrei", "Yulia", "Dmitry", "Elena", "Nikolai", "Veronika", "Roman", "Maksim", "Ivan", "Anna",
    "Ales", "Katsiaryna", "Yauhen", "Darya", "Uladzimir", "Hanna", "Siarhei", "Iryna", "Mikhail", "Lidia",
)
SURNAMES = (
    "Kovalenko", "Petrov", "Novik", "Shevchenko", "Karpenko", "Lebedev", "Marchenko", "Bondar", "Melnik",
    "Zhuk", "Kravchenko", "Sokolov", "Volkov", "Orlov", "Hrytsevich", "Lukyanenko", "Tsikhan", "Babich",
    "Kazlou", "Shved", "Karaliova", "Yermakovich", "Dzmitryeu", "Lahvinets", "Sapega", "Astapenka",
    "Kalesnikava", "Barysenka", "Mikhalevich", "Pratasevich",
)
FIRST_NAMES_RU = ("Александр", "Виктор", "Мария", "Светлана", "Павел", "Ольга", "Сергей", "Наталья",
                  "Игорь", "Татьяна", "Андрей", "Юлия", "Дмитрий", "Елена", "Николай", "Вероника")
SURNAMES_RU = ("Ковалёв", "Петров", "Новик", "Жук", "Мельник", "Соколов", "Волков", "Орлов",
               "Бондарь", "Лебедев", "Кравченко", "Шведов", "Бабич", "Сапега", "Козлов", "Гриценко")
PATRONYMICS = {"male": ("Aleksandrovich", "Viktorovich", "Ivanovich", "Uladzimiravich"),
               "female": ("Sergeevna", "Nikolaevna", "Petrovna", "Mikhailauna")}
INSTITUTIONS = (
    "Ministry of Internal Affairs", "Ministry of Defence", "Ministry of Foreign Affairs", "Ministry of Information",
    "State Security Committee", "Investigative Committee", "Prosecutor General's Office", "Central Election Commission",
    "State Border Committee", "Ministry of Emergency Situations", "Supreme Court", "Security Council",
)
INSTITUTIONS_RU = ("Министерство внутренних дел", "Государственный пограничный комитет", "Следственный комитет",
                   "Комитет государственной безопасности", "Центральная избирательная комиссия")
STATES = ("Republic of Belarus", "Russian Federation", "Ukraine", "Republic of Poland", "Republic of Lithuania",
          "Republic of Latvia", "Federal Republic of Germany", "French Republic", "United States", "People's Republic "
          "of China", "Republic of Kazakhstan", "Republic of Armenia", "Republic of Serbia", "European Union",
          "Union State of Russia and Belarus", "Collective Security Treaty Organization")
FACTORIES = ("Belaruskali", "Minsk Tractor Works", "BelAZ", "Grodno Azot", "Naftan", "MAZ", "Belshina",
             "Minsk Automobile Plant", "Mogilevkhimvolokno", "Integral", "Gomselmash", "Belarusian Steel Works")
ORG_WORDS = ("Civic", "Independent", "Democratic", "National", "Regional", "Free", "United", "Youth", "Legal",
             "Human Rights", "Solidarity", "Workers'", "Medical", "Student", "Veterans'", "Diaspora")
ORG_NOUNS = ("Foundation", "Association", "Union", "Initiative", "Council", "Centre", "Network", "Alliance",
             "Committee", "Fund", "Movement", "Platform")
MEDIA_WORDS = ("Nexta", "Zerkalo", "Vot Tak", "Malanka", "Belsat", "Euroradio", "Onliner", "Svaboda", "Nasha Niva",
               "Mediazona", "Flagshtok", "Hrodna Life", "Brest Online", "Gomel Today", "Vitebsk Courier", "Motolko")
TOPICS = ("the presidential election", "the constitutional referendum", "the treatment of detainees",
          "the border crisis", "the Coordination Council", "migrants at the Polish border", "the closure of "
          "independent media", "the forced landing of Ryanair flight 4978", "new sanctions", "the Union State "
          "integration roadmaps", "the release of political prisoners", "the strike at state enterprises",
          "joint military exercises", "energy supplies", "the state of emergency", "the army games",
          "the loan from Moscow", "the nuclear power plant at Astravets", "internet shutdowns", "election fraud")
TOPICS_RU = ("выборы", "референдум", "задержания", "санкции", "забастовка", "учения", "миграционный кризис")
EVENT_KINDS = (
    ("protest", 18), ("detention", 16), ("statement", 16), ("meeting", 10), ("military", 8), ("strike", 6),
    ("media", 8), ("legal", 8), ("sanction", 4), ("cyber", 3), ("border", 3),
)
TITLES = {
    "protest": ("Protest march in {city}", "{n} people rally in {city} against {topic}",
                "Women's solidarity chain in {city}", "{city_ru}: акция протеста", "{actor} holds a rally in {city}",
                "Students walk out of classes in {city}", "Night protest in the {district} district of {city}"),
    "detention": ("{actor} detains {n} protesters in {city}", "Journalists detained in {city}",
                  "{city_ru}: задержания", "{actor2} detained at the border near {city}",
                  "Mass detentions after the march in {city}", "{actor} raids the office of {actor2}"),
    "statement": ("{actor} statement on {topic}", "{actor} calls {topic} 'a provocation from abroad'",
                  "{actor} demands an end to {topic}", "Заявление {actor}: {topic_ru}",
                  "{actor} comments on {topic}", "{actor} warns of consequences over {topic}"),
    "meeting": ("{actor} meets {actor2}", "Talks between {actor} and {actor2} in {city}",
                "{actor} and {actor2} discuss {topic}", "Встреча: {actor} и {actor2} ({city_ru})"),
    "military": ("{actor} exercise near {city}", "{actor} redeploys to {city}",
                 "Column of military vehicles seen near {city}", "Snap readiness inspection of {actor}",
                 "{actor} moves units toward the border near {city}"),
    "strike": ("Strike at {factory}", "Workers of {factory} walk out", "Забастовка на предприятии {factory}",
               "{actor} calls for a general strike over {topic}"),
    "media": ("{actor} publishes footage from {city}", "Internet outage in {city}",
              "{actor} reports on {topic}", "Website of {actor} blocked", "{actor} livestream from {city}"),
    "legal": ("Criminal case opened against {actor}", "Court in {city} sentences {actor}",
              "{actor} designated 'extremist'", "Суд ({city_ru}) вынес приговор: {actor}",
              "{actor2} charged over {topic}"),
    "sanction": ("{actor} announces sanctions over {topic}", "{actor} adds {actor2} to its sanctions list",
                 "{actor} freezes assets of {actor2}"),
    "cyber": ("Websites of {actor} defaced", "DDoS attack on {actor}", "{actor} database leaked online"),
    "border": ("Border incident near {city}", "{actor} closes the crossing near {city}",
               "Migrants gather at the border near {city}"),
}
SUMMARY_SENTENCES = (
    "Witnesses in {city} described {n} vehicles without licence plates.",
    "{actor} said the measures were a response to {topic}.",
    "Footage shared on Telegram shows people gathering near the {district} metro station.",
    "The report could not be independently verified.",
    "According to {actor2}, at least {n} people were detained.",
    "Officials in {city} declined to comment.",
    "The statement followed a meeting with {actor2}.",
    "Очевидцы сообщают о задержаниях ({city_ru}).",
    "{actor} denied any involvement.",
    "Local media in {city} reported a heavy police presence along {street}.",
    "The move was described as routine by the {institution}.",
    "Analysts link the event to {topic}.",
    "Представитель {institution_ru} подтвердил информацию.",
    "Several outlets repeated the claim without attribution.",
    "Internet access in {city} was restricted for about {hours} hours.",
)
DISTRICTS = ("Pushkinskaya", "Uruchcha", "Kamennaya Horka", "Frunzenski", "Partyzanski", "Centralny", "Zavodski",
             "Malinauka", "Sukharava", "Serabranka", "Niamiha", "Kastrychnitskaya")
STREETS = ("Independence Avenue", "Pobediteley Avenue", "Masherov Avenue", "Nemiga Street", "Lenin Street",
           "Sovetskaya Street", "Kalvariyskaya Street", "Partizansky Avenue")
ROLES = ("participant", "perpetrator", "target", "speaker", "organizer", "observer", "victim", "host")
CONFIDENCES = (("reported", 45), ("confirmed", 20), ("likely", 14), ("possible", 8), ("unverified", 11),
               ("planned", 2))
PRECISIONS = (("minute", 30), ("hour", 25), ("day", 35), ("approximate", 10))
APPROXIMATE_NOTES = ("evening", "early morning", "week of", "no later than", "around this date",
                     "reported date", "overnight", "")
ACTOR_KIND_WEIGHTS = (("person", 45), ("organization", 14), ("group", 12), ("media", 10), ("security", 9),
               ("military", 6), ("state", 4))
# kind, directed, weight
RELATION_KINDS = (
    ("commands", 1, 8), ("member_of", 1, 14), ("allied_with", 0, 10), ("opposes", 1, 12), ("funds", 1, 5),
    ("supplies", 1, 4), ("negotiates_with", 0, 6), ("reports_on", 1, 10), ("employs", 1, 6), ("detained", 1, 8),
    ("supports", 1, 10), ("family_of", 0, 2), ("successor_of", 1, 1), ("sanctions", 1, 4),
)
# domain, publisher, language, typical reliability
DOMAINS = (
    ("belta.by", "BelTA", "ru", "C"), ("president.gov.by", "Office of the President of Belarus", "ru", "C"),
    ("mvd.gov.by", "Ministry of Internal Affairs of Belarus", "ru", "C"), ("mil.by", "Ministry of Defence", "ru", "C"),
    ("tut.by", "TUT.BY", "ru", "B"), ("zerkalo.io", "Zerkalo", "ru", "B"), ("nashaniva.com", "Nasha Niva", "be", "B"),
    ("svaboda.org", "Radio Svaboda", "be", "B"), ("euroradio.fm", "Euroradio", "be", "B"),
    ("belsat.eu", "Belsat", "be", "B"), ("mediazona.by", "Mediazona Belarus", "ru", "B"),
    ("spring96.org", "Viasna Human Rights Centre", "be", "B"), ("onliner.by", "Onliner", "ru", "C"),
    ("reuters.com", "Reuters", "en", "A"), ("apnews.com", "Associated Press", "en", "A"), ("bbc.com", "BBC", "en", "A"),
    ("dw.com", "Deutsche Welle", "en", "B"), ("nytimes.com", "The New York Times", "en", "A"),
    ("washingtonpost.com", "The Washington Post", "en", "A"), ("ft.com", "Financial Times", "en", "A"),
    ("theguardian.com", "The Guardian", "en", "B"), ("kremlin.ru", "Kremlin", "ru", "C"),
    ("kommersant.ru", "Kommersant", "ru", "B"), ("rbc.ru", "RBC", "ru", "B"), ("meduza.io", "Meduza", "ru", "B"),
    ("novayagazeta.ru", "Novaya Gazeta", "ru", "B"), ("tass.ru", "TASS", "ru", "C"),
    ("ria.ru", "RIA Novosti", "ru", "D"), ("rt.com", "RT", "en", "E"), ("sputnik.by", "Sputnik Belarus", "ru", "E"),
    ("t.me", "Telegram", "ru", "F"),
    ("twitter.com", "Twitter", "en", "F"), ("youtube.com", "YouTube", "ru", "F"), ("vk.com", "VKontakte", "ru", "F"),
    ("osw.waw.pl", "Centre for Eastern Studies (OSW)", "en", "A"), ("understandingwar.org", "ISW", "en", "B"),
    ("odkb-csto.org", "CSTO Secretariat", "ru", "C"), ("consilium.europa.eu", "Council of the EU", "en", "A"),
    ("state.gov", "US Department of State", "en", "A"), ("zona.media", "Mediazona", "ru", "B"),
)
RELIABILITIES = "ABCDEF"
CREDIBILITY_WEIGHTS = (12, 30, 28, 12, 6, 12)
COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def generate_case(path: Path | str, n_events: int, seed: int = DEFAULT_SEED) -> Case:
    """Create a synthetic case of `n_events` events at `path` (which must not exist) and return it open."""
    if n_events < 0:
        raise ValueError("the number of events cannot be negative")
    case = create_case(
        path, f"Synthetic case: {n_events} events (seed {seed})", "UNCLASSIFIED//EXERCISE",
        CASE_TIMEZONE, analyst="synthetic",
    )
    try:
        with case.transaction():
            case.set_meta("generator", f"workbench.core.synthetic seed={seed} events={n_events}")
            if n_events:
                Builder(case, n_events, seed).build()
    except BaseException:
        case.close()
        raise
    return case


class Builder:
    """Writes one synthetic case; each table draws from its own seeded stream, so they stay stable."""

    def __init__(self, case: Case, n_events: int, seed: int) -> None:
        self.case = case
        self.seed = seed
        self.n_events = n_events
        self.n_actors = max(2, n_events // ACTORS_PER_EVENT)
        self.n_relations = n_events // EVENTS_PER_RELATION
        self.n_sources = max(1, n_events // EVENTS_PER_SOURCE)
        self.n_places = min(len(PLACES), max(5, n_events // 2500))
        self._days: dict[int, str] = {}

    def stream(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def build(self) -> None:
        self.places = self.make_places()
        self.case.bulk_insert("places", self.places)
        self.actors = self.make_actors()
        self.case.bulk_insert("actors", self.actors)
        self.communities = self.make_communities()
        relations = self.make_relations()
        self.case.bulk_insert("relations", relations)
        self.sources = self.make_sources()
        self.case.bulk_insert("sources", self.sources)
        events, event_actors, event_places = self.make_events()
        self.case.bulk_insert("events", events)
        self.case.bulk_insert("event_actors", event_actors)
        self.case.bulk_insert("event_places", event_places)
        self.case.bulk_insert("citations", self.make_citations(events, relations))

    # --- times ----------------------------------------------------------------------------

    def utc(self, moment: int) -> str:
        """Seconds since the epoch -> stored UTC text; day prefixes are cached, as strftime is slow."""
        day, rest = divmod(moment, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%dT")
        hour, rest = divmod(rest, 3600)
        return f"{prefix}{hour:02d}:{rest // 60:02d}:{rest % 60:02d}Z"

    def stamp(self, moment: int, rng: random.Random) -> str:
        """A created_at stamp in now_stamp's shape (microseconds), fixed by the seed."""
        return f"{self.utc(moment)[:-1]}.{rng.randrange(1_000_000):06d}Z"

    # --- tables ---------------------------------------------------------------------------

    def make_places(self) -> list[dict[str, Any]]:
        rng = self.stream("places")
        entered = SPAN_START - 30 * DAY
        return [
            {"id": new_uuid(rng), "name": name, "lat": lat, "lon": lon, "country": country,
             "created_at": (stamp := self.stamp(entered + i * 60, rng)), "updated_at": stamp}
            for i, (name, _, lat, lon, country) in enumerate(PLACES[: self.n_places])
        ]

    def make_actors(self) -> list[dict[str, Any]]:
        rng = self.stream("actors")
        kinds, kind_weights = zip(*ACTOR_KIND_WEIGHTS, strict=True)
        used: set[str] = set()
        actors = []
        for i in range(self.n_actors):
            kind = rng.choices(kinds, kind_weights)[0]
            name, aliases, description = actor_identity(kind, rng)
            if name in used:
                name = f"{name} ({i})"
            used.add(name)
            created = SPAN_START - 30 * DAY + int(rng.random() * (SPAN_DAYS + 30) * DAY)
            created_at = self.stamp(created, rng)
            updated_at = self.stamp(created + rng.randrange(400 * DAY), rng) if rng.random() < 0.2 else created_at
            actors.append({
                "id": new_uuid(rng), "name": name, "kind": kind, "aliases": aliases, "description": description,
                "color": rng.choice(COLORS) if rng.random() < 0.1 else None,
                "created_at": created_at, "updated_at": updated_at,
            })
        return actors

    def make_communities(self) -> list[list[int]]:
        """Actor indexes grouped into communities, each member list ordered by prominence."""
        count = max(1, self.n_actors // ACTORS_PER_COMMUNITY)
        rng = self.stream("communities")
        self.community_of = [rng.randrange(count) for _ in range(self.n_actors)]
        members: list[list[int]] = [[] for _ in range(count)]
        for index, community in enumerate(self.community_of):
            members[community].append(index)
        self.home_city = [rng.randrange(self.n_places) for _ in range(count)]
        # A few actors are in most of the news: weight ~ 1 / rank^0.9 (Zipf-like), rank by index.
        self.actor_weights = list(accumulate(1.0 / (i + 1) ** 0.9 for i in range(self.n_actors)))
        self.member_weights = [list(accumulate(1.0 / (i + 1) ** 0.9 for i in range(len(m)))) for m in members]
        return members

    def pick_actor(self, rng: random.Random, near: int | None = None) -> int:
        """An actor index: prominent ones more often; with `near`, mostly from that actor's community."""
        if near is not None and rng.random() < 0.8:
            community = self.community_of[near]
            members = self.communities[community]
            if len(members) > 1:
                return members[pick(self.member_weights[community], rng)]
        return pick(self.actor_weights, rng)

    def make_relations(self) -> list[dict[str, Any]]:
        rng = self.stream("relations")
        kinds = RELATION_KINDS
        weights = list(accumulate(k[2] for k in kinds))
        confidences, confidence_weights = zip(*CONFIDENCES, strict=True)
        relations = []
        for _ in range(self.n_relations):
            source = self.pick_actor(rng)
            target = self.pick_actor(rng, near=source)
            while target == source:
                target = rng.randrange(self.n_actors)
            kind, directed, _ = kinds[pick(weights, rng)]
            start = end = None
            if rng.random() < 0.7:
                began = SPAN_START - 365 * DAY + int(rng.random() * (SPAN_DAYS + 365) * DAY)
                start = self.utc(began - began % DAY - LOCAL_OFFSET + DAY)
                if rng.random() < 0.3:
                    end = self.utc(began - began % DAY - LOCAL_OFFSET + DAY * (1 + rng.randrange(1, 500)))
            created = SPAN_START + int(rng.random() * SPAN_DAYS * DAY)
            relations.append({
                "id": new_uuid(rng), "from_actor_id": self.actors[source]["id"],
                "to_actor_id": self.actors[target]["id"], "kind": kind,
                "label": kind.replace("_", " ") if rng.random() < 0.6 else rng.choice(TOPICS),
                "directed": directed, "start": start, "end": end,
                "confidence": rng.choices(confidences, confidence_weights)[0],
                "created_at": (stamp := self.stamp(created, rng)), "updated_at": stamp,
            })
        return relations

    def make_sources(self) -> list[dict[str, Any]]:
        rng = self.stream("sources")
        # Wire services and state media are cited far more than a single Telegram post.
        domain_weights = list(accumulate(1.0 / (i + 1) ** 0.6 for i in range(len(DOMAINS))))
        order = list(range(len(DOMAINS)))
        rng.shuffle(order)
        sources = []
        for i in range(self.n_sources):
            domain, publisher, language, typical = DOMAINS[order[pick(domain_weights, rng)]]
            published = SPAN_START + int(rng.random() * SPAN_DAYS * DAY)
            accessed = published + rng.randrange(3600, 60 * DAY)
            reliability = typical
            if rng.random() < 0.3:
                shift = rng.choice((-1, 1))
                reliability = RELIABILITIES[min(5, max(0, RELIABILITIES.index(typical) + shift))]
            city = PLACES[rng.randrange(self.n_places)]
            names = self.actor_name(rng), self.actor_name(rng)
            headline = fill(rng.choice(TITLES[rng.choice(list(TITLES))]), rng, names[0], city, names[1])
            slug = "-".join(headline.lower().split()[:6]).strip("'\":,.«»")
            url = f"https://{domain}/{published_path(domain, published, i, slug)}"
            archived = " ".join(
                fill(rng.choice(SUMMARY_SENTENCES), rng, names[0], city, names[1]) for _ in range(rng.randint(1, 4))
            ) if rng.random() < 0.7 else ""
            sources.append({
                "id": new_uuid(rng), "url": url, "title": headline, "publisher": publisher, "language": language,
                "published": self.utc(published), "accessed": self.utc(accessed), "reliability": reliability,
                "archived_text": archived, "created_at": (stamp := self.stamp(accessed, rng)), "updated_at": stamp,
            })
        return sources

    def actor_name(self, rng: random.Random) -> str:
        return self.actors[pick(self.actor_weights, rng)]["name"]

    def make_events(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        rng = self.stream("events")
        kinds, kind_weights = zip(*EVENT_KINDS, strict=True)
        kind_cumulative = list(accumulate(kind_weights))
        confidences, confidence_weights = zip(*CONFIDENCES, strict=True)
        confidence_cumulative = list(accumulate(confidence_weights))
        precisions, precision_weights = zip(*PRECISIONS, strict=True)
        precision_cumulative = list(accumulate(precision_weights))
        # News comes in bursts: a third of the events cluster around a few dozen crisis days.
        crises = [SPAN_START + int(rng.random() * SPAN_DAYS * DAY) for _ in range(max(3, SPAN_DAYS // 20))]
        span_end = SPAN_START + SPAN_DAYS * DAY - 1
        events, event_actors, event_places = [], [], []
        for _ in range(self.n_events):
            if rng.random() < 0.35:
                moment = int(rng.choice(crises) + rng.gauss(0, 2.5 * DAY))
                moment = min(span_end, max(SPAN_START, moment))
            else:
                moment = SPAN_START + int(rng.random() * SPAN_DAYS * DAY)
            precision = precisions[pick(precision_cumulative, rng)]
            local_midnight = moment - (moment + LOCAL_OFFSET) % DAY
            end = earliest = latest = None
            note = ""
            if precision == "minute":
                start = moment - moment % 60
                if rng.random() < 0.3:
                    end = start + 60 * rng.randrange(5, 8 * 60)
            elif precision == "hour":
                start = moment - moment % 3600
                if rng.random() < 0.25:
                    end = start + 3600 * rng.randrange(1, 12)
            elif precision == "day":
                start = local_midnight
                if rng.random() < 0.2:
                    end = start + DAY * rng.randrange(1, 15) - 60
            else:
                start = local_midnight
                note = rng.choice(APPROXIMATE_NOTES)
                earliest = start - DAY * rng.randrange(0, 10) if rng.random() < 0.85 else None
                latest = start + DAY * rng.randrange(1, 10) - 60 if rng.random() < 0.85 else None
            primary = self.pick_actor(rng)
            participants = [primary]
            for _ in range(rng.choices((0, 1, 2), (45, 35, 20))[0]):
                other = self.pick_actor(rng, near=primary)
                if other not in participants:
                    participants.append(other)
            community = self.community_of[primary]
            city_index = self.home_city[community] if rng.random() < 0.6 else rng.randrange(self.n_places)
            city = PLACES[city_index]
            second = participants[1] if len(participants) > 1 else self.pick_actor(rng, near=primary)
            while second == primary:
                second = rng.randrange(self.n_actors)
            names = (self.actors[primary]["name"], self.actors[second]["name"])
            kind = kinds[pick(kind_cumulative, rng)]
            title = fill(rng.choice(TITLES[kind]), rng, names[0], city, names[1])
            summary = " ".join(
                fill(rng.choice(SUMMARY_SENTENCES), rng, names[0], city, names[1])
                for _ in range(rng.choices((0, 1, 2, 3), (10, 40, 35, 15))[0])
            )
            created = max(start, SPAN_START) + rng.randrange(600, 5 * DAY)
            created_at = self.stamp(created, rng)
            updated_at = self.stamp(created + rng.randrange(1, 90 * DAY), rng) if rng.random() < 0.15 else created_at
            event_id = new_uuid(rng)
            events.append({
                "id": event_id, "title": title, "summary": summary, "kind": kind, "start": self.utc(start),
                "end": None if end is None else self.utc(end), "time_precision": precision, "time_note": note,
                "earliest": None if earliest is None else self.utc(earliest),
                "latest": None if latest is None else self.utc(latest),
                "confidence": confidences[pick(confidence_cumulative, rng)],
                "created_at": created_at, "updated_at": updated_at,
            })
            for position, actor in enumerate(participants):
                role = ROLES[0] if position and rng.random() < 0.5 else rng.choice(ROLES)
                event_actors.append({"event_id": event_id, "actor_id": self.actors[actor]["id"], "role": role})
            if rng.random() < 0.6:
                event_places.append({"event_id": event_id, "place_id": self.places[city_index]["id"]})
        return events, event_actors, event_places

    def make_citations(
        self, events: Sequence[dict[str, Any]], relations: Sequence[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        """1-3 citations per event and one for about half of the relations, streamed."""
        rng = self.stream("citations")
        source_weights = list(accumulate(1.0 / (i + 1) ** 0.7 for i in range(self.n_sources)))
        credibility_weights = list(accumulate(CREDIBILITY_WEIGHTS))
        targets = chain((("event_id", e) for e in events), (("relation_id", r) for r in relations))
        for column, target in targets:
            if column == "event_id":
                count = rng.choices((1, 2, 3), (50, 35, 15))[0]
            elif rng.random() < 0.5:
                count = 1
            else:
                continue
            chosen: list[int] = []
            for _ in range(count):
                source = pick(source_weights, rng)
                if source not in chosen:
                    chosen.append(source)
            for source in chosen:
                if column == "event_id":
                    words = (target["summary"] or target["title"]).split(". ")[0].split()
                    quote = " ".join(words[: rng.randint(4, 24)])
                else:
                    quote = target["label"]
                created = target["created_at"]
                yield {
                    "id": new_uuid(rng), "source_id": self.sources[source]["id"],
                    "event_id": target["id"] if column == "event_id" else None,
                    "relation_id": target["id"] if column == "relation_id" else None,
                    "actor_id": None, "document_id": None,
                    "footnote": str(rng.randint(1, 40)) if rng.random() < 0.3 else "",
                    "quote": quote, "credibility": 1 + pick(credibility_weights, rng),
                    "created_at": created, "updated_at": created,
                }


# --- helpers ------------------------------------------------------------------------------


def pick(cumulative: Sequence[float], rng: random.Random) -> int:
    """An index drawn with the given cumulative weights (random.choices without its overhead)."""
    return bisect(cumulative, rng.random() * cumulative[-1])


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded stream, in the canonical text form."""
    digits = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


def fill(template: str, rng: random.Random, actor: str, city: tuple, actor2: str = "") -> str:
    """Fill a title or sentence template; only the slots it names cost a draw."""
    values: dict[str, Any] = {"actor": actor, "actor2": actor2 or actor, "city": city[0], "city_ru": city[1]}
    if "{n}" in template:
        values["n"] = rng.choice((3, 5, 12, 20, 40, 100, 250, "dozens of", "hundreds of", "several thousand"))
    if "{hours}" in template:
        values["hours"] = rng.randint(2, 60)
    for slot, pool in (("topic", TOPICS), ("topic_ru", TOPICS_RU), ("district", DISTRICTS), ("street", STREETS),
                       ("factory", FACTORIES), ("institution", INSTITUTIONS), ("institution_ru", INSTITUTIONS_RU)):
        if "{" + slot + "}" in template:
            values[slot] = rng.choice(pool)
    return template.format(**values)


def published_path(domain: str, published: int, index: int, slug: str) -> str:
    day = datetime.fromtimestamp(published, UTC)
    if domain == "t.me":
        return f"{slug.split('-')[0] or 'channel'}/{10000 + index}"
    if domain in ("twitter.com", "vk.com"):
        return f"user{index % 997}/status/{1290000000000000000 + index}"
    if domain == "youtube.com":
        return f"watch?v=syn{index:08d}"
    return f"{day:%Y/%m/%d}/{slug}-{index}"


def actor_identity(kind: str, rng: random.Random) -> tuple[str, list[str], str]:
    """Name, aliases and a one-line description for an actor of `kind`."""
    city, city_ru = rng.choice(PLACES)[:2]
    if kind == "person":
        if rng.random() < 0.2:
            first, last = rng.choice(FIRST_NAMES_RU), rng.choice(SURNAMES_RU)
            name = f"{first} {last}"
            aliases = [f"{first[0]}. {last}"]
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            patronymics = PATRONYMICS["female" if first[-1] == "a" else "male"]
            name = f"{first} {rng.choice(patronymics)} {last}" if rng.random() < 0.15 else f"{first} {last}"
            aliases = [f"{first[0]}. {last}"] if rng.random() < 0.5 else []
        role = rng.choice(("opposition activist", "journalist", "official", "blogger", "judge", "deputy minister",
                           "strike leader", "political prisoner", "diplomat", "commander"))
        return name, aliases, f"{role.capitalize()}, {city}."
    if kind == "state":
        state = rng.choice(STATES)
        if rng.random() < 0.5:
            return f"Government of the {state}", [state], f"Government of the {state}."
        return f"{city} Regional Executive Committee", [f"{city} oblispolkom"], f"Local government of {city}."
    if kind == "security":
        pick_ = rng.random()
        if pick_ < 0.3:
            return f"OMON of {city}", ["OMON", f"ОМОН г. {city_ru}"], f"Special police unit, {city}."
        if pick_ < 0.55:
            name = (f"Main Directorate for Combating Organized Crime and Corruption of the Ministry of Internal "
                    f"Affairs, {city} Region")
            return name, ["GUBOPiK", "ГУБОПиК"], "Police directorate; the long name is real practice."
        if pick_ < 0.75:
            return f"{city} Regional KGB Directorate", ["KGB"], f"State security, {city}."
        name = rng.choice(INSTITUTIONS_RU) + f" ({city_ru})"
        return name, [], f"Security body, {city}."
    if kind == "military":
        number = rng.randint(5, 120)
        unit = rng.choice(("Separate Mechanized Brigade", "Special Operations Brigade", "Air Assault Brigade",
                           "Guards Motor Rifle Division", "Missile Brigade", "Engineer Regiment"))
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix} {unit}", [f"{number}{suffix}", f"military unit {rng.randint(1000, 99999)}"], \
            f"Military unit based near {city}."
    if kind == "media":
        outlet = rng.choice(MEDIA_WORDS)
        if rng.random() < 0.3:
            return f"Telegram channel «{outlet} {city_ru}»", [outlet], f"Telegram channel covering {city}."
        return f"{outlet} {city}" if rng.random() < 0.5 else outlet, [], f"Media outlet, {city}."
    if kind == "group":
        if rng.random() < 0.4:
            factory = rng.choice(FACTORIES)
            return f"Strike committee of {factory}", [f"{factory} strikers"], f"Workers' committee at {factory}."
        return f"{city} {rng.choice(DISTRICTS)} neighbourhood chat", [], f"Local protest group, {city}."
    if rng.random() < 0.3:
        institution = rng.choice(INSTITUTIONS)
        return f"{institution} of the {rng.choice(STATES)}", [institution], "State institution."
    words = rng.choice(ORG_WORDS)
    noun = rng.choice(ORG_NOUNS)
    name = f"{words} {noun} of {city}"
    acronym = "".join(w[0] for w in name.split() if w[0].isupper())
    return name, [acronym] if rng.random() < 0.6 else [], f"{words} {noun.lower()} registered in {city}."
