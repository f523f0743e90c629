"""The leaders' downloads: the scores of every round, a round's statements and its youth
figures, and the programme table, as CSV (two dialects) or XLSX through dashboard/exports.py,
each recorded in the audit log. Aggregates only, from dashboard.results like every page:
rows of answers beside group figures would let a leader match rows to groups. The routes
are on the dashboard blueprint (pages.py)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import login_required

from auth.access import partnership_or_404, programme_or_404, round_or_404
from i18n import current_language
from models import Partnership
from surveys.instrument import Instrument, get_instrument
from surveys.scoring import Aggregate

from .. import exports
from ..labels import dimension_titles, option_labels
from ..results import RoundResult, comparison, item_results, min_group_size, round_results
from ..youth import youth_view
from .pages import bp, period_label, programme_context


@bp.get("/programma/<programme_slug>/export.<fmt>")
@login_required
def export_programme(programme_slug: str, fmt: str):
    """The programme table as CSV or XLSX, recorded in the log of every partnership in it."""
    programme = programme_or_404(programme_slug)
    context, status = programme_context(programme)
    if status != 200:
        abort(status)
    detail = f"{programme.name}, {period_label(context['choice'].period)}"
    return exports.logged_download(
        [row.result.round.partnership for row in context["rows"]],
        "export.programme",
        detail,
        lambda: programme_table(context),
        fmt,
        f"programma-{programme.slug}",
        _("Programma"),
    )


def programme_columns(instrument: Instrument, anonymous: bool) -> list[exports.Column]:
    Column = exports.Column
    named = [
        Column(_("Meting"), _("De meting van het samenwerkingsverband in de gekozen periode."), width=24),
        Column(_("Open vanaf"), _("De dag waarop de meting openging."), "date"),
        Column(
            _("Respondenten"),
            _("Hoeveel mensen de vragenlijst invulden, geteld per %(n)d of meer.", n=min_group_size()),
            "count",
            width=14,
        ),
        Column(
            _("Gevraagd"),
            _(
                "Hoeveel mensen gevraagd zijn mee te doen: het aantal dat de leider opgaf, anders het aantal "
                "persoonlijke uitnodigingen. Leeg als dat niet bekend is."
            ),
            "count",
        ),
        Column(_("Respons"), _("Respondenten gedeeld door gevraagd, als percentage."), "percent"),
    ]
    return [
        Column(
            _("Samenwerkingsverband"),
            _("Met verborgen namen een letter, op volgorde van de gemiddelde score.") if anonymous else "",
            width=28,
        ),
        *([] if anonymous else named),
        *(
            Column(
                dimension.title.get(current_language()),
                _("De gemiddelde score op deze dimensie, van 1 tot 5; leeg als te weinig mensen een score hebben."),
                "decimal",
                width=14,
            )
            for dimension in instrument.dimensions
        ),
        # Like a round's title and date, its version could name a partnership: only with names shown.
        *([] if anonymous else [version_column()]),
    ]


def programme_table(context: dict) -> tuple[list[exports.Column], list[list]]:
    """One row per partnership in the comparison, then the programme average."""
    instrument, anonymous = context["instrument"], context["choice"].anonymous
    rows = []
    for row in context["rows"]:
        named = [row.result.round.title, row.result.round.opens_on, row.result.n, row.invited, row.response_rate]
        rows.append(
            [
                row.label,
                *([] if anonymous else named),
                *(decimals(row.result.total.mean(d.key)) for d in instrument.dimensions),
                *([] if anonymous else [row.result.round.instrument_version]),
            ]
        )
    average = context["average"]
    rows.append(
        [
            _("Programmagemiddelde"),
            *([] if anonymous else [None] * 5),
            *(decimals(average.get(d.key)) for d in instrument.dimensions),
            *([] if anonymous else [None]),
        ]
    )
    return programme_columns(instrument, anonymous), rows


# --- exports and API -----------------------------------------------------------------------


def decimals(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def score_columns() -> list[exports.Column]:
    """The columns of the score export, in the interface language, with what each means."""
    Column = exports.Column
    return [
        Column(_("Meting"), _("De titel van de meting."), width=24),
        Column(_("Open vanaf"), _("De dag waarop de meting openging."), "date"),
        Column(
            _("Soort groep"),
            _("Over wie de cijfers van deze regel gaan: de hele meting, één niveau of één domein."),
            width=14,
        ),
        Column(
            _("Groep"),
            _(
                "De groep: de hele meting, of het niveau of domein dat de respondenten kozen. Groepen met minder "
                "dan %(n)d respondenten staan er niet in.",
                n=min_group_size(),
            ),
            width=28,
        ),
        Column(_("Respondenten"), _("Hoeveel mensen van deze groep de vragenlijst invulden."), "count", width=14),
        Column(_("Dimensie"), _("De dimensie van de samenwerking waar de score over gaat."), width=40),
        Column(
            _("Gemiddelde"),
            _(
                "De gemiddelde score op de dimensie, van 1 (helemaal oneens) tot 5 (helemaal eens); omgekeerd "
                "geformuleerde stellingen zijn al omgerekend. Leeg als te weinig mensen een score hebben."
            ),
            "decimal",
            width=12,
        ),
        Column(
            _("Spreiding"),
            _("De standaardafwijking van de scores: hoe ver ze gemiddeld van het gemiddelde liggen."),
            "decimal",
        ),
        Column(
            _("Aantal met een score"),
            _(
                "Hoeveel respondenten een score op deze dimensie hebben; wie alles met weet ik niet "
                "beantwoordde, heeft er geen."
            ),
            "count",
        ),
        version_column(),
    ]


def score_table(partnership: Partnership) -> tuple[list[exports.Column], list[list]]:
    """Aggregate scores per round, and per level and domain within each round, as rows; each
    round with the dimensions and profile options of its own instrument version, all as
    labels in the interface language."""
    kinds = {"total": _("Hele meting"), "level": _("Per niveau"), "domain": _("Per domein")}
    language = current_language()
    rows = []
    for result in round_results(partnership.rounds):
        if not result.shown:
            continue
        instrument = get_instrument(result.round.instrument_version)
        groups = [("total", _("Hele meting"), result.total)]
        for by in ("level", "domain"):
            labels = option_labels(instrument, by)
            groups += [(by, labels[g.key], g) for g in comparison(result, by, tuple(labels)).groups]
        for group_type, name, group in groups:
            for dimension in instrument.dimensions:
                aggregate = group.scores.get(dimension.key)
                rows.append(
                    [
                        result.round.title,
                        result.round.opens_on,
                        kinds[group_type],
                        name,
                        group.n,
                        dimension.title.get(language),
                        decimals(aggregate.mean) if aggregate else None,
                        decimals(aggregate.sd) if aggregate else None,
                        aggregate.n if aggregate else None,
                        result.round.instrument_version,
                    ]
                )
    return score_columns(), rows


@bp.get("/<slug>/export/scores.<fmt>")
@login_required
def export_scores(slug: str, fmt: str):
    partnership = partnership_or_404(slug)
    table = lambda: score_table(partnership)  # noqa: E731
    return exports.logged_download(
        partnership, "export.scores", None, table, fmt, f"{partnership.slug}-scores", _("Scores")
    )


def version_column() -> exports.Column:
    """The instrument version of a row's round, so rows of rounds on different versions can be
    told apart (the score, programme and statement exports)."""
    return exports.Column(
        _("Instrumentversie"),
        _(
            "De versie van de vragenlijst waarmee de meting is gehouden. Metingen op verschillende versies zijn "
            "per dimensie te vergelijken, per stelling alleen waar de stelling in beide versies staat."
        ),
        "count",
    )


def answer_columns(scale) -> list[exports.Column]:
    """The figure columns of a statement, the professionals' and the young people's alike: n,
    mean, spread, the count of each answer (named by the questionnaire's own scale), "weet ik
    niet" and the release the figure comes from."""
    Column, language = exports.Column, current_language()
    return [
        Column(
            _("Aantal antwoorden"), _("Hoeveel respondenten de stelling met 1 tot en met 5 beantwoordden."), "count"
        ),
        Column(
            _("Gemiddelde"),
            _("Het gemiddelde van de antwoorden zoals gegeven (1 tot en met 5, niet omgerekend)."),
            "decimal",
            width=12,
        ),
        Column(
            _("Spreiding"),
            _("De standaardafwijking van de antwoorden: hoe ver ze gemiddeld van het gemiddelde liggen."),
            "decimal",
        ),
        *(
            Column(
                f"{option.value} {option.label.get(language)}",
                _(
                    "Hoeveel respondenten %(value)d (%(label)s) antwoordden.",
                    value=option.value,
                    label=option.label.get(language),
                ),
                "count",
            )
            for option in scale.options
        ),
        Column(
            scale.unknown.get(language),
            _("Hoeveel respondenten weet ik niet of niet van toepassing antwoordden; dat telt nergens mee."),
            "count",
        ),
        Column(
            _("Stand"),
            _(
                "Het nummer van de stand waaruit de cijfers van deze stelling komen. De uitkomsten verschijnen in "
                "standen: een nieuwe stand komt er zodra er minstens %(n)d nieuwe respondenten zijn.",
                n=min_group_size(),
            ),
            "count",
        ),
    ]


def answer_cells(aggregate, unknown: int | None, release: int | None, options: int) -> list:
    """The cells under answer_columns: empty where no figure is shown."""
    if aggregate is None:
        return [None, None, None, *(None,) * options, unknown, release]
    return [aggregate.n, decimals(aggregate.mean), decimals(aggregate.sd), *aggregate.distribution, unknown, release]


def statement_columns(instrument: Instrument) -> list[exports.Column]:
    """The columns of the statement export, in the interface language."""
    Column = exports.Column
    return [
        Column(_("Stelling"), _("De stelling zoals de respondenten hem lazen."), width=60),
        Column(_("Dimensie"), _("De dimensie van de samenwerking waar de stelling bij hoort."), width=40),
        Column(
            _("Omgekeerd geformuleerd"),
            _(
                "Ja als instemmen met de stelling op een zwakke samenwerking wijst; voor de score per dimensie "
                "telt een antwoord dan als 6 min het antwoord."
            ),
        ),
        *answer_columns(instrument.scale),
        version_column(),
    ]


def statement_table(result: RoundResult, instrument: Instrument) -> tuple[list[exports.Column], list[list]]:
    """Per statement of a round's latest release: n, mean, spread, counts per answer and
    "weet ik niet". Aggregates only: rows of answers beside group figures would let a leader
    match rows to groups."""
    language, titles = current_language(), dimension_titles(instrument)
    options = len(instrument.scale.options)
    rows = [
        [
            item.item.text.get(language),
            titles[item.item.dimension],
            _("ja") if item.item.reverse else _("nee"),
            *answer_cells(item.aggregate, item.unknown, item.release, options),
            result.round.instrument_version,
        ]
        for item in item_results(result, instrument) or []
    ]
    return statement_columns(instrument), rows


def youth_table(view: dict) -> tuple[list[exports.Column], list[list]]:
    """Per youth statement what "Wat jongeren zeggen" shows (`view`: youth_view's, shown): its
    text, dimension and figure; a statement the release does not show has its text and
    dimension only (the dashboard says "niet getoond" there, and shows no count)."""
    Column, language, titles = exports.Column, current_language(), dimension_titles()
    instrument = view["instrument"]
    columns = [
        Column(_("Zin voor jongeren"), _("De zin zoals de jongeren hem lazen."), width=60),
        Column(
            _("Dimensie"),
            _(
                "De dimensie van de professionals waar de zin naast staat. De antwoorden van jongeren tellen niet "
                "mee in de scores van de professionals."
            ),
            width=40,
        ),
        *answer_columns(instrument.scale),
    ]
    options = len(instrument.scale.options)
    rows = []
    for row in view["rows"]:
        figure, cells = row["figure"], answer_cells(None, None, None, options)
        if figure is not None:
            aggregate = Aggregate(figure["n"], figure["mean"], figure["sd"], tuple(figure["distribution"]))
            cells = answer_cells(aggregate, row["unknown"], figure["release"], options)
        rows.append([row["statement"].text.get(language), titles[row["statement"].dimension], *cells])
    return columns, rows


@bp.get("/<slug>/rounds/<id:round_id>/export/statements.<fmt>")
@login_required
def export_statements(slug: str, round_id: int, fmt: str):
    partnership = partnership_or_404(slug)
    round_ = round_or_404(partnership, round_id)
    result = round_results([round_])[0]
    if not result.shown:
        abort(404)
    table = lambda: statement_table(result, get_instrument(round_.instrument_version))  # noqa: E731
    filename = f"{partnership.slug}-{round_.id}-statements"
    return exports.logged_download(
        partnership, "export.statements", round_.title, table, fmt, filename, _("Stellingen")
    )


@bp.get("/<slug>/rounds/<id:round_id>/export/jongeren.<fmt>")
@login_required
def export_youth(slug: str, round_id: int, fmt: str):
    """The "Wat jongeren zeggen" of a round as a file: the dashboard's youth figures and nothing
    more; a 404 while the dashboard shows none (results hidden, or too few young people)."""
    partnership = partnership_or_404(slug)
    round_ = round_or_404(partnership, round_id)
    view = youth_view(round_, {}, min_group_size())
    if view["state"] != "shown":
        abort(404)
    filename = f"{partnership.slug}-{round_.id}-jongeren"
    return exports.logged_download(
        partnership, "export.youth", round_.title, lambda: youth_table(view), fmt, filename, _("Jongeren")
    )
