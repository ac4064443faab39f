"""Word lists the generator combines into headlines and article text.

Kept apart from the generation logic so the grammar in ``content.py`` stays readable. The
headline lists are sized so that every (country, section) class has
``len(subjects) * len(VERBS) * len(objects) * len(QUALIFIERS)`` = 54,000 distinct
headlines, which is what lets ``content.py`` make titles unique by construction. People
quoted in generated text are fictional; institutions are real only where nothing is
attributed to them.
"""

from __future__ import annotations

from typing import NamedTuple


class Country(NamedTuple):
    name: str
    adjective: str
    capital: str
    parliament: str
    currency: str
    cities: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country("Kazakhstan", "Kazakh", "Astana", "Mazhilis", "tenge",
            ("Almaty", "Shymkent", "Karaganda", "Aktobe", "Atyrau", "Pavlodar", "Turkistan")),
    Country("Kyrgyzstan", "Kyrgyz", "Bishkek", "Jogorku Kenesh", "som",
            ("Osh", "Jalal-Abad", "Karakol", "Naryn", "Talas", "Batken")),
    Country("Tajikistan", "Tajik", "Dushanbe", "Majlisi Oli", "somoni",
            ("Khujand", "Bokhtar", "Kulob", "Khorog", "Istaravshan")),
    Country("Uzbekistan", "Uzbek", "Tashkent", "Oliy Majlis", "sum",
            ("Samarkand", "Bukhara", "Namangan", "Andijan", "Fergana", "Nukus", "Khiva")),
    Country("Turkmenistan", "Turkmen", "Ashgabat", "Mejlis", "manat",
            ("Turkmenabat", "Mary", "Dashoguz", "Balkanabat", "Turkmenbashi")),
)

# (slug, display name) in the order that makes ``section = SECTIONS[i % 6]``.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("politics", "Politics"),
    ("economy", "Economy"),
    ("society", "Society"),
    ("security", "Security"),
    ("tech", "Tech"),
    ("culture", "Culture"),
)

# Headline subjects: (headline form, prose form); ``{c}`` is a Country.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("{c.name}", "{c.name}"),
    ("{c.capital}", "{c.capital}"),
    ("{c.adjective} Government", "the {c.adjective} government"),
    ("{c.parliament}", "the {c.parliament}"),
    ("{c.adjective} Cabinet", "the {c.adjective} cabinet"),
    ("{c.adjective} Prime Minister", "the {c.adjective} prime minister"),
)

# (headline form, past-tense prose form)
VERBS: tuple[tuple[str, str], ...] = (
    ("Launches", "launched"), ("Unveils Plan for", "unveiled a plan for"),
    ("Expands", "expanded"), ("Debates", "debated"), ("Backs", "backed"),
    ("Tightens Rules on", "tightened rules on"), ("Eases Rules on", "eased rules on"),
    ("Weighs", "weighed"), ("Pledges Funding for", "pledged funding for"),
    ("Reviews", "reviewed"), ("Approves", "approved"), ("Delays", "delayed"),
    ("Restructures", "restructured"), ("Seeks Investors for", "sought investors for"),
    ("Orders Audit of", "ordered an audit of"), ("Signs Deal on", "signed a deal on"),
    ("Accelerates", "accelerated"), ("Pilots", "piloted"), ("Revives", "revived"),
    ("Targets Gaps in", "targeted gaps in"), ("Overhauls", "overhauled"),
    ("Opens Talks on", "opened talks on"), ("Reports Progress on", "reported progress on"),
    ("Drafts Law on", "drafted a law on"), ("Cuts Red Tape in", "cut red tape in"),
    ("Boosts", "boosted"), ("Promotes", "promoted"), ("Modernizes", "modernized"),
    ("Scales Up", "scaled up"), ("Pauses", "paused"),
)

# Prose forms; headline forms are derived by title-casing. Lists are disjoint across
# sections, which keeps titles of different sections distinct.
OBJECTS: dict[str, tuple[str, ...]] = {
    "politics": (
        "electoral code amendments", "local government elections", "civil service reform",
        "the presidential term debate", "the anti-corruption agency",
        "regional governor appointments", "public council oversight",
        "party registration rules", "the ombudsman's mandate", "state media funding",
        "constitutional court powers", "the national referendum plan",
        "youth policy councils", "diplomatic ties with the Gulf states",
        "border talks with neighbors", "the foreign agents bill",
        "parliamentary question time", "petition portal rules", "the state language law",
        "civic activism rules", "regional autonomy proposals", "digital voting trials",
        "the civil registry overhaul", "protest permit rules", "the asset declaration law",
    ),
    "economy": (
        "wheat export quotas", "the national pension fund", "small business tax breaks",
        "the sovereign wealth fund", "cross-border payment systems",
        "the Middle Corridor freight route", "copper smelting capacity",
        "gold reserve management", "remittance flows from Russia",
        "the currency exchange market", "state asset privatization",
        "foreign direct investment rules", "cotton sector reform",
        "the Caspian shipping fleet", "rail links to China", "fuel price controls",
        "the uranium export strategy", "microfinance lending", "free economic zones",
        "public-private partnerships", "the mortgage subsidy program",
        "critical minerals mining", "customs clearance times",
        "the bank deposit guarantee", "agricultural credit lines",
    ),
    "society": (
        "rural school renovations", "public health insurance",
        "women's employment programs", "labor migrant support", "child care subsidies",
        "pension indexation", "disability access standards", "housing for young families",
        "water supply in villages", "student grant quotas", "public transport fares",
        "mental health services", "road safety campaigns", "vaccination coverage",
        "domestic violence shelters", "teacher salary scales",
        "clean drinking water projects", "air quality monitoring", "urban heating networks",
        "volunteer firefighting units", "food price monitoring",
        "the social assistance registry", "rural clinic staffing", "orphanage reform",
        "the national literacy drive",
    ),
    "security": (
        "security along the Afghan frontier", "counterterrorism cooperation",
        "cybercrime units", "drug trafficking investigations", "military procurement",
        "emergency response drills", "the national guard budget",
        "police accountability rules", "airspace monitoring", "peacekeeping contributions",
        "extremism prevention programs", "arms control commitments",
        "joint military exercises", "prison service reform", "customs smuggling probes",
        "the cyber defense strategy", "demining operations", "disaster preparedness plans",
        "the reserve officer system", "intelligence service oversight",
        "human trafficking prosecutions", "border checkpoint upgrades",
        "counter-narcotics training", "cross-border water security",
        "the civil defense network",
    ),
    "tech": (
        "rural broadband access", "the e-government portal",
        "artificial intelligence research", "digital identity cards",
        "data center construction", "satellite launch plans", "fintech sandbox rules",
        "cryptocurrency mining licenses", "the 5G network rollout",
        "IT park tax incentives", "electronic health records",
        "online education platforms", "cybersecurity standards", "open data portals",
        "the startup visa program", "semiconductor assembly plans", "smart metering",
        "drone delivery trials", "digital tax filing", "the national supercomputer",
        "e-commerce regulation", "mobile payment adoption", "software export targets",
        "coding schools for girls", "the space agency budget",
    ),
    "culture": (
        "the Nowruz celebrations", "film industry subsidies", "heritage site restoration",
        "Silk Road tourism routes", "national museum funding",
        "the folk music festival", "the World Nomad Games", "theater season plans",
        "book translation grants", "archaeological excavations", "crafts export programs",
        "the national opera house", "cultural exchanges with Turkey",
        "the Aral Sea memorial project", "folk dance ensembles", "sports infrastructure",
        "the national football league", "mountain tourism", "language revival courses",
        "regional crafts fairs", "public library modernization",
        "the international jazz festival", "the contemporary art biennale",
        "epic poetry recitals", "horse breeding traditions",
    ),
}

# (headline suffix, prose suffix)
QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("", ""),
    (" Amid Budget Pressures", " amid budget pressures"),
    (" After Public Outcry", " after a public outcry"),
    (" Ahead of Winter", " ahead of winter"),
    (" as Demand Grows", " as demand grows"),
    (" With EU Support", " with support from the European Union"),
    (" Following Audit", " following an audit"),
    (" Despite Criticism", " despite criticism"),
    (" for 2026", " for 2026"),
    (" Under New Plan", " under a new plan"),
    (" With ADB Backing", " with backing from the Asian Development Bank"),
    (" After Regional Talks", " after regional talks"),
)

# Words kept lower case inside headlines (AP style).
SMALL_WORDS: frozenset[str] = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the",
     "to", "with"}
)

TOPICS: tuple[str, ...] = (
    "Energy", "Water", "Migration", "Trade", "China", "Russia", "Elections",
    "Human Rights", "Climate", "Infrastructure", "Tourism", "Education", "Health",
    "Afghanistan", "Media", "Banking", "Agriculture", "Investment", "Transport", "Youth",
)

AUTHORS: tuple[str, ...] = (
    "Aruzhan Seitkali", "Michael Hartley", "Nargiza Umarova", "Daniyar Bekov",
    "Laura Whitfield", "Kamila Rakhmonova", "Timur Abdullaev", "Sophie Lindqvist",
    "Bakyt Osmonov", "Elena Marchenko", "Farhod Saidov", "Jonathan Reyes",
)

EXPERTS: tuple[str, ...] = (
    "Aida Nurlanova", "Timur Sadykov", "Dilnoza Rakhimova", "Rustam Khodjaev",
    "Gulnara Beisenova", "Farrukh Ismoilov", "Nodira Yusupova", "Azamat Kerimbaev",
    "Madina Sharipova", "Bakhtiyor Alimov", "Saule Omarova", "Jamshid Tursunov",
    "Ainura Toktogulova", "Parviz Nazarov", "Leyla Annaeva", "Erlan Zhakupov",
)

EXPERT_ROLES: tuple[str, ...] = (
    "an economist based in {c.capital}", "a political analyst in {c.capital}",
    "a researcher at a university in {city}", "a former deputy minister",
    "the head of a business association in {city}", "an independent policy consultant",
)

ORGANISATIONS: tuple[str, ...] = (
    "the Asian Development Bank", "the World Bank", "the European Union",
    "the UN Development Programme", "the Islamic Development Bank",
    "the European Bank for Reconstruction and Development", "the Eurasian Development Bank",
)

PARTNERS: tuple[str, ...] = (
    "China", "the European Union", "Turkey", "South Korea", "Japan",
    "the United Arab Emirates", "India", "Germany",
)

MINISTRIES: tuple[str, ...] = (
    "Economy", "Finance", "Energy", "Education", "Health", "Digital Development",
    "Agriculture", "Labor", "Culture", "Transport",
)

WEEKDAYS: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)

# The lede: ``{subject}``, ``{verb}``, ``{object}`` and ``{qualifier}`` carry the headline.
LEDES: tuple[str, ...] = (
    "{Subject} has {verb} {object}{qualifier}, according to a statement published on "
    "{weekday}.",
    "Officials in {c.capital} said on {weekday} that {subject} has {verb} "
    "{object}{qualifier}.",
    "{Subject} has {verb} {object}{qualifier}, a move that officials described as "
    "long overdue.",
    "In a decision announced on {weekday}, {subject} {verb} {object}{qualifier}.",
)

SENTENCES: tuple[str, ...] = (
    "The measure is expected to affect about {n},000 people in {city} and the surrounding "
    "districts.",
    "“We have to move faster, but we also have to get the details right,” said {expert}, "
    "{role}.",
    "According to the Ministry of {ministry}, spending related to {object} rose by {pct}% "
    "in {year}.",
    "Critics argue that earlier initiatives stalled because of weak coordination between "
    "ministries.",
    "{Org} has offered technical assistance worth ${n} million.",
    "Local media in {city} reported long queues at regional offices after the "
    "announcement.",
    "The government plans to review progress in {month}, with a report to parliament due "
    "by the end of the year.",
    "Neighboring countries are watching closely, since similar problems exist across the "
    "region.",
    "{expert}, {role}, said the allocation of {n} billion {c.currency} was “modest but "
    "meaningful.”",
    "Residents interviewed by The Times of Central Asia expressed cautious optimism.",
    "The initiative builds on a pilot launched in {city} in {year}.",
    "Official statistics show that {pct}% of rural households could benefit.",
    "Lawmakers are expected to vote on the accompanying amendments before the end of the "
    "session.",
    "International observers welcomed the step while urging greater transparency.",
    "A working group that includes representatives of civil society will monitor "
    "implementation.",
    "Funding will come partly from the state budget and partly from {org}.",
    "In {city}, officials said the first results could be visible within {small} months.",
    "The {c.adjective} economy grew by {gdp}% last year, giving the government more room "
    "to invest.",
    "Business associations have asked for a transition period of at least {small} months.",
    "As reported previously by The Times of Central Asia, similar measures were discussed "
    "in {year} but never implemented.",
    "Experts note that public interest in {object} has grown steadily since {year}.",
    "The announcement came a day after talks between {c.adjective} officials and a "
    "delegation from {partner}.",
    "{expert} cautioned that enforcement, not legislation, has historically been the weak "
    "point.",
    "The ministry said {n} specialists would be trained over the next two years.",
    "Regional administrations have been told to submit implementation plans within "
    "{small} weeks.",
    "Opposition-leaning commentators questioned whether the timetable was realistic.",
)

MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)

RUSSIAN_MONTHS_GENITIVE: tuple[str, ...] = (
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
    "сентября", "октября", "ноября", "декабря",
)
