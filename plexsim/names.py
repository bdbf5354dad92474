"""Word pools for the generated sample library.

Every title, person, studio and network name is assembled from these invented words, so the sample data
never names a real film, series or person. Genres, countries, languages and ratings use standard values.
The generators at the end assemble the pools; they draw only from the `random.Random` they are given.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def _pool(text: str) -> tuple[str, ...]:
    """Split a `|`-separated block into a tuple of entries (keeps the pools compact and formatter-proof)."""
    return tuple(" ".join(part.split()) for part in text.split("|") if part.strip())


def _weighted(text: str) -> tuple[tuple[str, float], ...]:
    """Parse `name:weight | name:weight` into pairs."""
    pairs = []
    for entry in _pool(text):
        name, _, weight = entry.rpartition(":")
        pairs.append((name, float(weight)))
    return tuple(pairs)


# ---- titles
TITLE_ADJECTIVES: tuple[str, ...] = _pool(
    """
    Amber | Ashen | Bitter | Black | Blind | Broken | Burning | Cold | Crimson | Crooked | Dark | Distant | Drowned
    | Electric | Empty | Endless | Fallen | Final | Forgotten | Frozen | Gentle | Gilded | Glass | Golden | Hidden |
    Hollow | Iron | Last | Little | Lonely | Long | Lost | Midnight | Narrow | Northern | Pale | Paper | Quiet |
    Restless | Rusted | Savage | Scarlet | Secret | Shattered | Silent | Silver | Sleeping | Small | Southern |
    Stolen | Strange | Sudden | Sunken | Tender | Thin | Twisted | Velvet | Wandering | Wild | Winter
    """
)
TITLE_NOUNS: tuple[str, ...] = _pool(
    """
    Anchor | Archive | Arrow | Autumn | Beacon | Bridge | Canyon | Carnival | Cathedral | Cipher | Circuit | Compass
    | Corridor | Crown | Current | Dancer | Daughter | Echo | Embassy | Ember | Engine | Falcon | Ferry | Fever |
    Frontier | Garden | Ghost | Harbor | Harvest | Heart | Highway | Horizon | Hunter | Island | Jury | Kingdom |
    Ladder | Lantern | Letter | Lighthouse | Machine | Mirror | Monsoon | Orchard | Outpost | Passenger | Pilgrim |
    Prophet | Quarry | Raven | Reckoning | Relic | Rider | River | Saint | Satellite | Season | Shepherd | Signal |
    Sister | Smuggler | Stranger | Summit | Tide | Tower | Traveler | Tunnel | Verdict | Voyage | Witness
    """
)
# Invented place names (never real towns).
PLACES: tuple[str, ...] = _pool(
    """
    Alderwick | Ambercross | Bramholt | Caldmere | Corrowin | Dunmarrow | Eastvane | Elmsbury | Fallowden |
    Farrowgate | Glenhollow | Greyhaven | Harrowmoor | Hollin Reach | Ironmouth | Kestrel Bay | Larkspur | Lowmarsh
    | Marrowby | Mistral Point | Northfen | Oakhurst Vale | Pellwater | Quenmoor | Ravensend | Redcastle Hill |
    Saltmere | Skellbrook | Stonewray | Tallowmere | Thornwick | Umberlee | Varnholt | Westmarch | Whitlow |
    Yarrowfield
    """
)
TITLE_PATTERNS: tuple[str, ...] = _pool(
    """
    The {adj} {noun} | The {noun} | {adj} {noun} | The {noun} of {place} | {place} | Return to {place} | The {adj}
    {noun}s | {noun} and {noun2} | Beyond the {noun} | The Last {noun} | {place} {noun} | A {adj} {noun} | {noun}s
    of {place} | Under the {adj} {noun}
    """
)
EPISODE_PATTERNS: tuple[str, ...] = _pool(
    """
    The {noun} | {adj} {noun} | Pilot | The {adj} Hour | {noun} at {place} | A {noun} Returns | Leaving {place} |
    The {noun} Problem | {noun}, Part {n} | What the {noun} Knew | Night of the {noun}
    """
)
# Syllables for "original titles" in other languages and other invented words.
SYLLABLES: tuple[str, ...] = _pool(
    """
    al | ba | ce | dor | el | fa | gi | ha | ik | jo | ka | lu | mi | na | or | pe | qui | ra | si | to | ul | va |
    we | xa | yo | zu | ren | tan | mel | sor | vin | lai
    """
)

# ---- people (invented surnames; common first names)
FIRST_NAMES: tuple[str, ...] = _pool(
    """
    Ada | Adrian | Alma | Amos | Ansel | Aria | Arlo | Astrid | Basil | Bea | Bram | Briar | Caius | Calla | Cass |
    Cleo | Cora | Dara | Dax | Delia | Dorian | Edda | Elio | Elsa | Emrys | Enzo | Esme | Ezra | Faye | Felix |
    Fenna | Finn | Flora | Gideon | Greta | Hale | Hana | Hugo | Ida | Ilse | Ines | Ivo | Jonah | Juno | Kai |
    Kaspar | Kira | Lars | Leda | Levi | Lina | Lior | Lotte | Luca | Mabel | Maren | Milo | Mira | Nadia | Nell |
    Nico | Nina | Noor | Oona | Orin | Otto | Paz | Pia | Quinn | Rafa | Remy | Rhea | Rosa | Rune | Sabine | Sasha
    | Selma | Silas | Sol | Tamsin | Teo | Thea | Tobin | Uma | Una | Vera | Vida | Wren | Xavi | Yara | Yusuf |
    Zadie | Zeno | Zora | Abel | Bodil | Corin | Dell | Elof | Frida | Gus | Hedda | Ivar | Jules | Kasimir | Linnea
    | Mads | Nils | Odile | Petra | Ravi | Saoirse | Tove | Ulla | Viggo | Wanda | Yvo | Zelda | Anouk | Bettina
    """
)
LAST_NAMES: tuple[str, ...] = _pool(
    """
    Ashgrove | Bellweather | Blackwood | Brackenridge | Brasvik | Calloway | Carrowmore | Castellane | Coldwater |
    Crane | Dalvanne | Dunmore | Eastbrook | Elderfield | Farrington | Fenwick | Fairweather | Galloway | Glenmorrow
    | Greystone | Halberd | Hartwell | Hollowell | Holmqvist | Ingleby | Ivesdale | Jarrow | Kellaway | Kingsley |
    Kowalczek | Lachance | Langstrom | Larkin | Lindqvar | Lockhart | Marchetti | Marlowen | Merriwold | Moravec |
    Nakamora | Northcott | Oakenshaw | Okonde | Oldacre | Pemberton | Penhallow | Quillfeather | Ravensworth |
    Redgrave | Rosewall | Saltonstall | Sandoval | Silverton | Stromberg | Sutherby | Tallis | Thackery | Thornbury
    | Underhill | Vandermeer | Varga | Vasquell | Wainwright | Westerholm | Whitcombe | Winslowe | Yardley | Zamora
    | Zelenko | Abernathy | Ballantyne | Castellano | Delacourt-Vane | Esterhazy | Fontaine | Gustavsen | Halloran |
    Iskander | Jovanek | Kaltenbach | Lorimer | Obiora-Hart | Novarro | Orsolya | Petrakis | Quennell | Rasmusen |
    Sorensby | Takamura | Ulbrecht | Valdane | Wexford | Yilmazer | Zoltanyi | Ardent | Birchall | Corvane |
    Draycott | Emberly | Foxhall | Gorrindge | Harker-Lane | Illingsworth | Juniper | Kettering | Lowther | Mallory
    | Nettleford | Osgood | Prewitt | Quarrington | Rookwood | Stavanger-Lee | Tremarrow | Upshaw | Vellacott |
    Wrenfield | Yates-Morrow | Zabrinski | Anselmo | Brightwater | Coldridge | Dunleavy | Everhart | Falconer |
    Grimsdale | Hawthorne | Islington | Jessop | Kilbride | Lindenhurst | Merrow | Nightingale | Ormsby | Pellegrino
    | Quayle | Rothwell | Stirling | Tenbury | Umberfold | Vickery | Whitlock | Yeovil | Zennor | Alcott | Bramwell
    """
)
CHARACTER_TITLES: tuple[str, ...] = _pool(
    """
    Captain | Detective | Doctor | Sergeant | Professor | Agent | Father | Aunt | Judge | Officer
    """
)

# ---- companies
STUDIOS: tuple[str, ...] = _pool(
    """
    Northwind Pictures | Copperline Studios | Grand Meridian Films | Bluefield Entertainment | Lanternfish Pictures
    | Silver Arc Studios | Harborlight Films | Stonebridge Media | Red Kite Pictures | Tallgrass Films | Paper Moon
    Productions | Iron Gate Studios | Wildcard Pictures | Quiet Hour Films | Ember & Oak | Fjordlight | Halcyon Reel
    | Marigold Motion | Owl Street Films | Pinecone Pictures | Crosswind Cinema | Lowtide Films | Mosaic Frame |
    Blue Heron Studios | Glasshouse Pictures | Saltwater Films | Second Act Pictures | Thimble Productions | Upland
    Pictures | Velvet Rope Films | Wayfarer Studios | Yellow Door Pictures | Zenith Lane Films | Kettle Black Media
    | Driftwood Reel | Cobalt Sky Films | Larkspur Pictures | Morrow Hill Studios | Nine Lanterns | Open Road Reel
    """
)
NETWORKS: tuple[str, ...] = _pool(
    """
    Channel Meridian | Bluefield TV | Northwind Network | Skylark One | Harbor Broadcasting | Copperline+ |
    Stonebridge TV | Vista Stream | Lantern Network | Orbit Play | Tallgrass Channel | Red Kite TV
    """
)

# ---- standard values
COUNTRIES: tuple[str, ...] = _pool(
    """
    United States of America | United Kingdom | Canada | France | Germany | Japan | South Korea | Italy | Spain |
    Australia | India | Sweden | Denmark | Mexico | Ireland | New Zealand | Norway | Belgium | Netherlands | Brazil
    """
)
MOVIE_GENRES: tuple[tuple[str, float], ...] = _weighted(
    """
    Drama:20 | Comedy:16 | Action:14 | Thriller:11 | Adventure:9 | Romance:8 | Crime:8 | Horror:7 | Science
    Fiction:6 | Fantasy:5 | Mystery:5 | Family:4 | Animation:4 | Documentary:3 | History:2 | War:2 | Music:2 |
    Western:1.5
    """
)
SHOW_GENRES: tuple[tuple[str, float], ...] = _weighted(
    """
    Drama:20 | Comedy:15 | Crime:9 | Mystery:7 | Science Fiction:6 | Action:6 | Adventure:5 | Fantasy:5 |
    Animation:4 | Reality:3 | Documentary:3 | Family:3 | Thriller:3 | War & Politics:1.5 | Kids:1.5
    """
)
LABELS: tuple[str, ...] = _pool(
    """
    Favorite | Watchlist | Family Night | Rewatch | Classic | Kids | 4K Upgrade | Date Night | Halloween | Holiday |
    Staff Pick | Needs Subtitles
    """
)
EDITIONS: tuple[str, ...] = _pool(
    """
    Director's Cut | Extended Edition | Theatrical | IMAX | Unrated | Special Edition | Remastered | Final Cut
    """
)
MOVIE_RATINGS: tuple[tuple[str, float], ...] = _weighted(
    """
    G:5 | PG:15 | PG-13:30 | R:35 | NC-17:2 | NR:8
    """
)
TV_RATINGS: tuple[tuple[str, float], ...] = _weighted(
    """
    TV-Y:4 | TV-G:8 | TV-PG:20 | TV-14:38 | TV-MA:30
    """
)
# languageCode -> (language, languageTag, country that usually produces it)
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "eng": ("English", "en", "United States of America"),
    "fre": ("French", "fr", "France"),
    "ger": ("German", "de", "Germany"),
    "spa": ("Spanish", "es", "Spain"),
    "jpn": ("Japanese", "ja", "Japan"),
    "kor": ("Korean", "ko", "South Korea"),
    "ita": ("Italian", "it", "Italy"),
}
FOREIGN_LANGUAGES: tuple[tuple[str, float], ...] = _weighted(
    """
    fre:5 | spa:4 | jpn:4 | ger:3 | kor:3 | ita:2
    """
)

# ---- prose
SUMMARY_SUBJECTS: tuple[str, ...] = _pool(
    """
    A retired cartographer | Two estranged sisters | A young ferry pilot | An ambitious archivist | A disgraced
    detective | A small-town baker | A reluctant heir | A crew of salvage divers | A night-shift nurse | An aging
    magician | A runaway apprentice | A widowed lighthouse keeper | A stubborn schoolteacher | A band of unlikely
    thieves | A quiet radio operator | A travelling surgeon
    """
)
SUMMARY_VERBS: tuple[str, ...] = _pool(
    """
    uncovers | races to recover | is drawn into | must protect | sets out to find | stumbles upon | tries to outrun
    | agrees to guard | bargains for | becomes obsessed with
    """
)
SUMMARY_OBJECTS: tuple[str, ...] = _pool(
    """
    a map that should not exist | a stolen ledger | a family secret | a signal from the deep | a forgotten promise |
    the last working engine | a child with no name | a fortune in old coins | a letter never sent | an experiment
    gone wrong | a crown of glass | an island that moves
    """
)
SUMMARY_TWISTS: tuple[str, ...] = _pool(
    """
    Nothing is what it seems. | Old debts come due. | Time is running out. | Trust becomes a luxury. | The past
    refuses to stay buried. | Every choice has a price. | Help arrives from an unlikely place. | The storm is only
    the beginning. | Loyalties are tested. | One mistake could cost everything.
    """
)
TAGLINES: tuple[str, ...] = _pool(
    """
    Some doors should stay closed. | Every {noun} has a story. | The {noun} remembers. | No one leaves {place}. |
    Trust the {noun}. | It was never about the {noun}. | Fear the {adj} {noun}. | One night. One {noun}. | Home is a
    {noun}. | The journey ends where it began.
    """
)


# ---- generators that assemble the pools


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """Uniform choice from one `random()` draw: several times faster than `rng.choice` for bulk data."""
    return seq[int(rng.random() * len(seq))]


def randint(rng: random.Random, low: int, high: int) -> int:
    """Uniform integer in [low, high] from one `random()` draw."""
    return low + int(rng.random() * (high - low + 1))


def people(rng: random.Random, count: int) -> list[str]:
    """`count` distinct invented person names; middle initials once plain first/last pairs run out."""
    first, last = FIRST_NAMES, LAST_NAMES
    nf, plain = len(first), len(first) * len(last)
    out = [f"{first[i % nf]} {last[i // nf]}" for i in rng.sample(range(plain), min(count, plain))]
    if count > plain:
        for i in rng.sample(range(plain * 26), count - plain):
            rest = i % plain
            out.append(f"{first[rest % nf]} {chr(65 + i // plain)}. {last[rest // nf]}")
    return out


def title(rng: random.Random, used: dict[str, int]) -> str:
    """An invented title; repeats become sequels or subtitled follow-ups."""
    base = pick(rng, TITLE_PATTERNS).format(
        adj=pick(rng, TITLE_ADJECTIVES),
        noun=pick(rng, TITLE_NOUNS),
        noun2=pick(rng, TITLE_NOUNS),
        place=pick(rng, PLACES),
    )
    if base.startswith("A ") and base[2] in "AEIOU":
        base = "An " + base[2:]
    seen = used.get(base, 0)
    used[base] = seen + 1
    if not seen:
        return base
    if rng.random() < 0.5:
        return f"{base} {seen + 1}"
    return f"{base}: {pick(rng, TITLE_ADJECTIVES)} {pick(rng, TITLE_NOUNS)}"


def sort_title(title: str) -> str | None:
    for article in ("The ", "A ", "An "):
        if title.startswith(article):
            return title[len(article) :]
    return None


def foreign_title(rng: random.Random) -> str:
    words = ("".join(rng.choices(SYLLABLES, k=randint(rng, 2, 3))) for _ in range(randint(rng, 1, 3)))
    return " ".join(words).capitalize()


def summary(rng: random.Random) -> str:
    place = pick(rng, PLACES)
    return (
        f"{pick(rng, SUMMARY_SUBJECTS)} {pick(rng, SUMMARY_VERBS)} "
        f"{pick(rng, SUMMARY_OBJECTS)} in {place}. {pick(rng, SUMMARY_TWISTS)}"
    )


def tagline(rng: random.Random) -> str:
    return pick(rng, TAGLINES).format(
        adj=pick(rng, TITLE_ADJECTIVES).lower(),
        noun=pick(rng, TITLE_NOUNS).lower(),
        place=pick(rng, PLACES),
    )


def episode_title(rng: random.Random) -> str:
    return pick(rng, EPISODE_PATTERNS).format(
        adj=pick(rng, TITLE_ADJECTIVES),
        noun=pick(rng, TITLE_NOUNS),
        place=pick(rng, PLACES),
        n=randint(rng, 1, 3),
    )


def characters(rng: random.Random, count: int) -> list[str]:
    """Character names for roles: mostly first + last name, some titled ("Captain ...")."""
    out = [f"{pick(rng, FIRST_NAMES)} {pick(rng, LAST_NAMES)}" for _ in range(count)]
    out += [f"{t} {pick(rng, LAST_NAMES)}" for t in CHARACTER_TITLES for _ in range(max(1, count // 120))]
    return out
