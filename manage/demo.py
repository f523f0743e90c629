"""Demo data: a partnership with three closed rounds (instrument version 1) and one open round
(the latest version) of synthetic but realistic responses, and youth answers in the last
three, stored through the same code paths as real submissions, and a programme with three
neighbouring partnerships for the coordinators' view."""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta

from flask import current_app

import clock
from dashboard.releases import release_if_due
from dashboard.youth import add_youth_response, release_youth_if_due
from extensions import db
from models import (
    Action,
    ActionStatus,
    Coordinatorship,
    PartnerMap,
    PartnerOrganisation,
    Partnership,
    Programme,
    Role,
    Round,
    TimelineNote,
    find_user,
)
from surveys.instrument import Instrument, get_instrument
from surveys.responses import add_response
from surveys.scoring import flip
from surveys.youth import get_youth_instrument

from .accounts import create_user, grant

DEMO_SLUG = "demo"
# The demo's leader account; `flask demo` gives it a fresh random password every run, so a
# demo that ends up on a server never has a password known from this source.
DEMO_LEADER_EMAIL = "leider@demo.example"
DEMO_COORDINATOR_EMAIL = "coordinator@demo.example"
DEMO_PROGRAMME_SLUG = "demo-programma"
# The demo partnership's neighbours in its programme: (slug, name, how far each dimension sits
# from the demo's base, responses in each of their two closed rounds, days before today
# each opened). Few enough to build in seconds, enough to pass the threshold.
NEIGHBOURS = [
    ("demo-noord", "Regio Noord: Jong en Werk", -0.3, (18, 12), (400, 150)),
    ("demo-oost", "Regio Oost: Samen naar Start", 0.3, (22, 16), (330, 60)),
    ("demo-zuid", "Regio Zuid: Geen Jongere Buiten Beeld", 0.0, (9, 4), (300, 120)),  # the second round too small
]

# Days before today on which each round opens, its length in days, how many respond and the
# instrument version it uses (None: the latest, as a new round gets): the closed rounds on
# version 1, the open one on the latest, so the demo shows a history across two versions.
ROUNDS = [
    ("T0 nulmeting", 540, 28, 52, 1),
    ("T1 tweede meting", 360, 28, 44, 1),
    ("T2 derde meting", 180, 28, 38, 1),
    ("T3 vierde meting", 7, 28, 14, None),  # still open
]
# The neighbours' rounds, all closed before the latest version: on version 1.
NEIGHBOUR_VERSION = 1

# How each level tends to see each dimension (offset from the round's base), so that
# governance and the work floor differ where they do in real partnerships.
LEVEL_OFFSET = {
    "bestuur": {"urgency": 0.5, "investment": 0.3, "momentum": 0.6, "youth": -0.2, "levels": 0.4, "daring": 0.1},
    "beleid": {"urgency": 0.2, "investment": 0.0, "momentum": 0.3, "youth": 0.0, "levels": 0.0, "daring": -0.2},
    "werkvloer": {"urgency": -0.1, "investment": -0.3, "momentum": -0.4, "youth": 0.4, "levels": -0.5, "daring": 0.3},
}
BASE = {"urgency": 3.4, "investment": 2.9, "momentum": 3.0, "youth": 3.5, "levels": 2.7, "daring": 3.1}
# Change per round: investment and levels grow as the partnership works on them.
GROWTH = {"urgency": 0.1, "investment": 0.35, "momentum": -0.05, "youth": 0.15, "levels": 0.3, "daring": 0.2}

LEVELS = (("werkvloer", 5), ("beleid", 3), ("bestuur", 2))
DOMAINS = (
    ("onderwijs", 4),
    ("werk_inkomen", 3),
    ("zorg_jeugdhulp", 3),
    ("gemeente", 4),
    ("leerplicht_rmc", 2),
    ("jongere", 1),
    ("anders", 1),
)
COMMENTS = {
    "urgency": [
        "Iedereen ziet de thuiszitters, maar niet iedereen voelt zich eigenaar.",
        "De ambitie is groot; nu nog samen kiezen waar we beginnen.",
    ],
    "investment": [
        "Het casusoverleg helpt enorm om elkaar te leren kennen.",
        "Er gaat veel tijd in overleg zitten, soms te veel.",
        "Onze projectleider opent echt deuren.",
    ],
    "momentum": [
        "De landelijke aandacht voor jongeren buiten beeld gaf ons een zetje.",
        "Ik merk weinig van landelijke afspraken op de werkvloer.",
    ],
    "youth": [
        "We praten steeds vaker met de jongere in plaats van over de jongere.",
        "Regels van de eigen organisatie gaan nog te vaak voor.",
    ],
    "levels": [
        "Bestuurders en werkvloer spreken elkaar te weinig.",
        "Sinds er één wethouder aanspreekpunt is, gaat het sneller.",
    ],
    "daring": [
        "We zijn gewoon begonnen met vijf jongeren en dat werkte.",
        "Soms durven we wel, maar wacht iedereen op de financiering.",
    ],
}


# Young people who fill in the youth questionnaire in each round (in the order of ROUNDS), and
# how each statement tends to come out in the first of them: less positive than the
# professionals about being asked, being known and telling their story again and again (what
# the guide then asks about), more about helpers knowing each other; a little better each round.
YOUTH_COUNTS = (0, 7, 10, 12)
YOUTH_BASE = {
    "asked_needs": 2.7,
    "knew_my_story": 2.5,
    "me_first": 3.1,
    "worked_together": 3.0,
    "tell_once": 2.2,
    "joined_plan": 3.3,
    "help_went_on": 3.4,
    "help_early": 2.9,
    "helpers_knew_each_other": 4.2,
    "quick_action": 3.5,
}
YOUTH_GROWTH = 0.1
YOUTH_UNKNOWN = 0.08  # share of "weet ik niet"


def _pick(rng: random.Random, weighted) -> str:
    keys, weights = zip(*weighted)
    return rng.choices(keys, weights)[0]


def _answers(rng: random.Random, instrument: Instrument, means: dict[str, float], level: str) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for dimension in instrument.dimensions:
        unknown_share = 0.15 if (dimension.key == "momentum" and level == "werkvloer") else 0.04
        for item in dimension.items:
            if rng.random() < unknown_share:
                answers[item.key] = None
                continue
            value = min(5, max(1, round(rng.gauss(means[dimension.key], 0.85))))
            answers[item.key] = flip(value) if item.reverse else value
    return answers


def _add_round_responses(
    rng: random.Random, instrument: Instrument, round_: Round, index: int, count: int, last_day: date, shift: float = 0
):
    days = max(1, (min(round_.closes_on, last_day) - round_.opens_on).days + 1)
    for _ in range(count):
        level, domain = _pick(rng, LEVELS), _pick(rng, DOMAINS)
        personal = rng.gauss(0, 0.35)  # some people are more positive than others
        means = {key: BASE[key] + shift + index * GROWTH[key] + LEVEL_OFFSET[level][key] + personal for key in BASE}
        comments = {key: rng.choice(texts) for key, texts in COMMENTS.items() if rng.random() < 0.12}
        add_response(
            round_.id,
            instrument,
            answers=_answers(rng, instrument, means, level),
            comments=comments,
            profile={"level": level, "domain": domain},
            language="nl" if rng.random() < 0.93 else "en",
            submitted_on=round_.opens_on + timedelta(days=rng.randrange(days)),
        )
        db.session.commit()
        release_if_due(round_.id, current_app.config["MIN_GROUP_SIZE"])


def _add_youth_responses(rng: random.Random, round_: Round, index: int, count: int, last_day: date) -> None:
    """Young people answer through the same code as the youth questionnaire's page: each
    response stored and committed, then the youth release check."""
    statements = get_youth_instrument().statements
    days = max(1, (min(round_.closes_on, last_day) - round_.opens_on).days + 1)
    for _ in range(count):
        personal = rng.gauss(0, 0.3)
        answers = {
            s.key: None
            if rng.random() < YOUTH_UNKNOWN
            else min(5, max(1, round(rng.gauss(YOUTH_BASE[s.key] + index * YOUTH_GROWTH + personal, 0.8))))
            for s in statements
        }
        on = round_.opens_on + timedelta(days=rng.randrange(days))
        add_youth_response(round_.id, answers, "nl" if rng.random() < 0.9 else "en", on)
        db.session.commit()
        release_youth_if_due(round_.id, current_app.config["MIN_GROUP_SIZE"])


def create_demo(today: date | None = None, seed: int = 2026) -> Round:
    """Create the demo partnership once; return its open round either way."""
    today = today or clock.today()
    partnership = db.session.scalar(db.select(Partnership).where(Partnership.slug == DEMO_SLUG))
    if partnership is None:
        rng = random.Random(seed)
        partnership = Partnership(
            slug=DEMO_SLUG, name="Regio Voorbeeld: Samen Slim Slagvaardig", region="Voorbeeldregio"
        )
        db.session.add(partnership)
        for index, (title, opens_ago, length, count, version) in enumerate(ROUNDS):
            instrument = get_instrument(version)
            closes_on = today - timedelta(days=opens_ago) + timedelta(days=length)
            # As the app's default round runs: results hidden while people answer. Its
            # responses come in while it is open; a past round gets its closing day after.
            round_ = Round(
                partnership=partnership,
                title=title,
                instrument_version=instrument.version,
                opens_on=today - timedelta(days=opens_ago),
                closes_on=max(closes_on, today),
                hide_results_while_open=closes_on < today,
            )
            db.session.add(round_)
            db.session.flush()
            _add_round_responses(rng, instrument, round_, index, count, last_day=min(closes_on, today))
            _add_youth_responses(rng, round_, index, YOUTH_COUNTS[index], last_day=min(closes_on, today))
            round_.closes_on = closes_on
        _add_followup(partnership, today)
        _add_partner_map(partnership)
        db.session.commit()
    return partnership.rounds[-1]


def _add_followup(partnership: Partnership, today: date) -> None:
    """What the demo's leaders agreed after T0 and what happened around them: the experiment
    log shows investment rising after the first action."""
    t0, t1 = partnership.rounds[0], partnership.rounds[1]
    db.session.add_all(
        [
            Action(
                partnership_id=partnership.id,
                round_id=t0.id,
                title="UWV en leerplicht aan de casustafel",
                dimensions=["investment", "levels"],
                owner="projectleider",
                due_on=t1.opens_on,
                status=ActionStatus.DONE,
                note="Sinds maart zitten ze elke maand aan tafel.",
            ),
            Action(
                partnership_id=partnership.id,
                round_id=t1.id,
                title="Met vijf jongeren hun plan samen maken",
                dimensions=["youth", "daring"],
                owner="jongerenwerker",
                due_on=today - timedelta(days=20),
                status=ActionStatus.ONGOING,
            ),
        ]
    )
    db.session.add_all(
        [
            TimelineNote(
                partnership_id=partnership.id, happened_on=t0.closes_on + timedelta(days=30), text="Convenant getekend"
            ),
            TimelineNote(
                partnership_id=partnership.id, happened_on=t1.closes_on + timedelta(days=45), text="Nieuwe wethouder"
            ),
        ]
    )


# The demo's partner map in three versions: who sat at which table at T0, UWV and leerplicht
# joining the casusoverleg after T0 (the first agreed action), young people on the policy
# table after T2. (name, domain, seats)
PARTNERS = [
    ("ROC Voorbeeld", "onderwijs", {"werkvloer": "vast", "beleid": "soms", "bestuur": "vast"}),
    ("Gemeente Voorbeeld", "gemeente", {"werkvloer": "soms", "beleid": "vast", "bestuur": "vast"}),
    ("Jeugdteam Voorbeeld", "zorg_jeugdhulp", {"werkvloer": "vast", "beleid": "soms"}),
    ("UWV", "werk_inkomen", {"werkvloer": "vast", "beleid": "soms"}),
    ("RMC Voorbeeld", "leerplicht_rmc", {"werkvloer": "vast"}),
    ("Jongerenraad", "jongere", {"beleid": "soms"}),
]


def _add_partner_map(partnership: Partnership) -> None:
    t0, t2 = partnership.rounds[0], partnership.rounds[2]
    versions = [(t0.opens_on, 3), (t0.closes_on + timedelta(days=40), 5), (t2.closes_on + timedelta(days=10), 6)]
    for saved_on, count in versions:
        organisations = [
            PartnerOrganisation(number=number, name=name, domain=domain, seats=seats)
            for number, (name, domain, seats) in enumerate(PARTNERS[:count], start=1)
        ]
        db.session.add(PartnerMap(partnership_id=partnership.id, saved_on=saved_on, organisations=organisations))


def create_demo_programme(today: date | None = None, seed: int = 2027) -> Programme:
    """Put the demo partnership in a programme with three neighbours (once): two closed rounds
    each, the last of one of them too small to be shown, for the coordinators' view."""
    today = today or clock.today()
    programme = db.session.scalar(db.select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    if programme is not None:
        return programme
    rng = random.Random(seed)
    instrument = get_instrument(NEIGHBOUR_VERSION)
    programme = Programme(slug=DEMO_PROGRAMME_SLUG, name="Programma Jongeren in Beeld")
    db.session.add(programme)
    create_demo(today).partnership.programme = programme
    for slug, name, offset, counts, opened in NEIGHBOURS:
        partnership = Partnership(slug=slug, name=name, region="Voorbeeldregio", programme=programme)
        for index, (count, opens_ago) in enumerate(zip(counts, opened)):
            opens_on = today - timedelta(days=opens_ago)
            round_ = Round(
                partnership=partnership,
                title=f"T{index} {'nulmeting' if index == 0 else 'tweede meting'}",
                instrument_version=instrument.version,
                opens_on=opens_on,
                closes_on=opens_on + timedelta(days=28),
                audience=count + rng.randrange(4, 12),  # for the response rate
            )
            db.session.add(round_)
            db.session.flush()
            last_day = min(round_.closes_on, today)
            _add_round_responses(rng, instrument, round_, index, count, last_day, shift=offset)
    db.session.commit()
    return programme


def reset_demo_coordinator() -> str:
    """Give the demo programme's coordinator (created when missing) a new random password."""
    password = secrets.token_urlsafe(12)
    coordinator = find_user(DEMO_COORDINATOR_EMAIL)
    if coordinator is None:
        coordinator = create_user(DEMO_COORDINATOR_EMAIL, password, name="Demo programmacoördinator")
        db.session.flush()
        programme = db.session.scalar(db.select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
        db.session.add(Coordinatorship(user_id=coordinator.id, programme_id=programme.id))
    else:
        coordinator.set_password(password)
    db.session.commit()
    return password


def reset_demo_leader() -> str:
    """Give the demo leader (created when missing) a new random password; returns it. Commits
    once (like create_demo, it is the whole of a command)."""
    password = secrets.token_urlsafe(12)
    leader = find_user(DEMO_LEADER_EMAIL)
    if leader is None:
        leader = create_user(DEMO_LEADER_EMAIL, password, name="Demo projectleider")
    else:
        leader.set_password(password)
    partnership = db.session.scalar(db.select(Partnership).where(Partnership.slug == DEMO_SLUG))
    grant(leader, partnership, Role.LEADER)
    db.session.commit()
    return password
