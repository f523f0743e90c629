"""The leaders' side: dashboards, the printable report, exports and the JSON API.
Every route finds its partnership through auth.access and its numbers through
dashboard.results (which applies the anonymity threshold)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from flask import (
    Blueprint,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import clock
from auth.access import (
    may_see,
    partnership_or_404,
    programme_or_404,
    round_or_404,
    sees_instrument_quality,
    visible_partnerships,
    visible_programmes,
)
from i18n import current_language
from models import Partnership, Role, database_id
from surveys.instrument import Instrument, get_instrument
from surveys.scoring import Aggregate, band

from . import charts, exports
from . import programme as programme_view
from .actions import experiment_log, open_actions, timeline_notes
from .followup_forms import status_labels
from .labels import dimension_titles, option_labels
from .partners import partner_section
from .quality import instrument_quality
from .results import (
    RoundResult,
    comments_page,
    comparison,
    item_results,
    min_group_size,
    previous_shown,
    round_comments,
    round_results,
    shown_histories,
)
from .summary import Change, changes, headline
from .youth import youth_json, youth_view

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
api = Blueprint("api", __name__, url_prefix="/api")


def selected(results: list[RoundResult], round_id: int | None) -> RoundResult | None:
    """The round asked for, else the latest round with results to show, else the latest."""
    if round_id is not None:
        return next((r for r in results if r.round.id == round_id), None)
    shown = [r for r in results if r.shown]
    return shown[-1] if shown else (results[-1] if results else None)


def compare_id_or_404(partnership: Partnership) -> int | None:
    """The round asked for with ?compare=: one of the partnership's own (else 404, as
    ?round=); an id that cannot be one (text, zero, too large) means no choice."""
    compare_id = request.args.get("compare", type=database_id)
    if compare_id is not None:
        round_or_404(partnership, compare_id)
    return compare_id


def compared_with(results: list[RoundResult], current: RoundResult, compare_id: int | None) -> RoundResult | None:
    """The round `current` is compared with: the one chosen, else the previous one shown.
    Only a round that is shown can be chosen (404 for one that is not); choosing the current
    round itself (its picker changed, the other not) means the default."""
    if compare_id is None or compare_id == current.round.id:
        return previous_shown(results, current)
    chosen = next(r for r in results if r.round.id == compare_id)
    if not chosen.shown:
        abort(404)
    return chosen


def bound(value: float) -> str:
    """An end of an interval with its sign: one decimal, or two where one would read 0,0 (so
    -0,04 never shows as "-0,0", and the sign that decides "groter dan toeval" stays visible).
    Rounded as Babel rounds (half to even on the decimal text)."""
    if value == 0:
        return format_decimal(0, "0.0")
    if Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_EVEN) == 0:
        return format_decimal(value, "+0.00;-0.00")
    return format_decimal(value, "+0.0;-0.0")


def interval(change: Change) -> str:
    """The 95% interval of the change, e.g. "-0,1 tot +0,3", in the interface's decimals."""
    return _("%(low)s tot %(high)s", low=bound(change.difference.low), high=bound(change.difference.high))


def change_words(change: Change | None) -> str:
    """Whether a change is larger than chance, with its interval; empty without an interval."""
    if change is None or change.difference is None:
        return ""
    if change.real:
        return _("groter dan toeval (%(interval)s)", interval=interval(change))
    return _("binnen toeval (%(interval)s)", interval=interval(change))


def map_compared(results: list[RoundResult], current: RoundResult, previous: RoundResult | None):
    """The round whose partner map the dashboard compares with: the round compared with, else
    (the map is no figure of respondents, so a round that is not shown has one too) the round
    before `current`."""
    if previous is not None:
        return previous.round
    index = results.index(current)
    return results[index - 1].round if index else None


def trend_point(result: RoundResult, dimension: str, change: Change | None) -> charts.TrendPoint:
    """A round on a dimension's trend: n under the point, and its change since the round
    before it, in colour only when larger than chance (the words and interval on hover)."""
    if not result.shown:
        return charts.TrendPoint(result.round.opens_on, result.round.title, None)
    label = f"n={result.n}"
    if change is None:
        return charts.TrendPoint(result.round.opens_on, result.round.title, result.total.mean(dimension), label)
    shown = format_decimal(change.shown, "+0.0;-0.0")
    return charts.TrendPoint(
        result.round.opens_on,
        result.round.title,
        result.total.mean(dimension),
        f"{label}<br><b>{shown}</b>" if change.real else f"{label}<br>{shown}",
        f"{shown} {change_words(change)}",
        (1 if change.rise else -1) if change.real else 0,
    )


def statement_label(item, language: str) -> str:
    """A statement as a chart label; reverse-worded ones marked, as in the tables."""
    return item.text.get(language) + (" ↺" if item.reverse else "")


def group_radar(instrument: Instrument, current: RoundResult, comparison, names: dict[str, str]) -> dict | None:
    """The groups of a round, with the whole round as a reference."""
    if not comparison.groups:
        return None
    series = [(names[g.key], g.means()) for g in comparison.groups]
    return charts.groups_radar(
        instrument, series, current_language(), reference=(_("Hele meting"), current.total.means())
    )


@bp.get("/")
@login_required
def index():
    partnerships, programmes = visible_partnerships(current_user), visible_programmes(current_user)
    # An administrator without partnerships stays here: the first-run steps say what comes next.
    first_run = current_user.is_admin and not partnerships
    if len(partnerships) + len(programmes) == 1 and not first_run:
        only = partnerships[0] if partnerships else programmes[0]
        endpoint, values = (
            (".partnership", {"slug": only.slug}) if partnerships else (".programme", {"programme_slug": only.slug})
        )
        return redirect(url_for(endpoint, **values))
    return render_template(
        "dashboard/index.html",
        partnerships=partnerships,
        programmes=programmes,
        sees_quality=sees_instrument_quality(current_user),
    )


def round_view(
    partnership: Partnership,
    results: list[RoundResult],
    current: RoundResult,
    instrument: Instrument,
    compare_id: int | None = None,
) -> dict:
    """Everything the dashboard and the report show of one round, compared with the round
    chosen (else the previous one shown)."""
    lang = current_language()
    previous = compared_with(results, current, compare_id) if current.shown else None
    levels = comparison(current, "level", tuple(option_labels(instrument, "level")))
    domains = comparison(current, "domain", tuple(option_labels(instrument, "domain")))
    items = item_results(current, instrument)
    sort = request.args.get("sort", "instrument")
    if items and sort == "spread":
        items = sorted(items, key=lambda item: -(item.aggregate.sd or 0) if item.shown else 1)
    level_names, domain_names = option_labels(instrument, "level"), option_labels(instrument, "domain")
    return {
        "current": current,
        "previous": previous,
        "headline": headline(current.total.scores, previous.total.scores if previous else None)
        if current.shown
        else None,
        "changes": changes(current.total.scores, previous.total.scores if previous else None) if current.shown else {},
        "compare_options": [r for r in results if r.shown and r is not current],
        "compare_chosen": compare_id is not None and previous is not None and previous.round.id == compare_id,
        "levels": levels,
        "domains": domains,
        "level_names": level_names,
        "domain_names": domain_names,
        "items": items,
        "sort": sort,
        "comments": round_comments(current),
        "partners": partner_section(partnership.id, current, map_compared(results, current, previous), instrument),
        "youth": youth_view(current.round, current.total.scores if current.shown else {}, min_group_size()),
        "level_radar": group_radar(instrument, current, levels, level_names),
        "domain_radar": group_radar(instrument, current, domains, domain_names),
        "item_bars": {
            dimension.key: charts.statement_bars(
                [
                    (statement_label(item.item, lang), item.counts)
                    for item in items
                    if item.item.dimension == dimension.key and item.shown
                ],
                [option.label.get(lang) for option in instrument.scale.options],
            )
            for dimension in instrument.dimensions
        }
        if items
        else {},
    }


@bp.get("/<slug>/")
@login_required
def partnership(slug: str):
    partnership = partnership_or_404(slug)
    results = round_results(partnership.rounds)
    round_id = request.args.get("round", type=database_id)
    if round_id is not None:
        round_or_404(partnership, round_id)
    compare_id = compare_id_or_404(partnership)
    current = selected(results, round_id)
    instrument = get_instrument(current.round.instrument_version) if current else get_instrument()
    lang = current_language()
    shown = [r for r in results if r.shown]
    round_changes = {
        r.round.id: changes(r.total.scores, p.total.scores if (p := previous_shown(results, r)) else None)
        for r in shown
    }
    timeline = timeline_notes(partnership)
    notes = [(entry.on, entry.text) for entry in timeline]
    context = {
        "partnership": partnership,
        "results": results,
        "may_lead": may_see(current_user, partnership, Role.LEADER),  # for the empty page's next step
        "instrument": instrument,
        "rounds_radar": charts.rounds_radar(instrument, [(r.round.title, r.total.means()) for r in shown], lang)
        if shown
        else None,
        "round_changes": round_changes,
        "notes": notes,
        **followup(partnership, results, timeline),
        "trends": {
            d.key: charts.trend_chart(
                [trend_point(r, d.key, round_changes.get(r.round.id, {}).get(d.key)) for r in results],
                d.title.get(lang),
                notes,
            )
            for d in instrument.dimensions
        }
        if shown
        else {},
    }
    if current:
        context.update(round_view(partnership, results, current, instrument, compare_id))
    return render_template("dashboard/partnership.html", **context)


def followup(partnership: Partnership, results: list[RoundResult], timeline: list) -> dict:
    """What the dashboard and the report show of the learning loop: open actions, the
    experiment log (released figures only) and the timeline."""
    return {
        "open_actions": open_actions(partnership),
        "experiment_log": experiment_log(partnership, results),
        "timeline": timeline,
        "dimension_titles": dimension_titles(),
        "statuses": status_labels(),
        "today": clock.today(),
    }


@bp.get("/<slug>/rounds/<id:round_id>/report")
@login_required
def report(slug: str, round_id: int):
    partnership = partnership_or_404(slug)
    round_or_404(partnership, round_id)
    compare_id = compare_id_or_404(partnership)
    results = round_results(partnership.rounds)
    current = selected(results, round_id)
    instrument = get_instrument(current.round.instrument_version)
    context = round_view(partnership, results, current, instrument, compare_id)
    timeline = timeline_notes(partnership)
    context["notes"] = [(entry.on, entry.text) for entry in timeline]
    context.update(followup(partnership, results, timeline))
    # The round compared with first, so the current one is the emphasised latest.
    pair = [r for r in (context["previous"], current) if r is not None and r.shown]
    context["pair_radar"] = (
        charts.rounds_radar(instrument, [(r.round.title, r.total.means()) for r in pair], current_language())
        if pair
        else None
    )
    return render_template("dashboard/report.html", partnership=partnership, instrument=instrument, **context)


def page_number() -> int:
    """?pagina=: a page number from 1, else 404 (as an unknown page); absent means 1."""
    value = request.args.get("pagina", "1")
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        abort(404)
    return int(value)


@bp.get("/<slug>/rounds/<id:round_id>/toelichtingen/<dimension>")
@login_required
def comments(slug: str, round_id: int, dimension: str):
    """All comments on one dimension of a round, a page at a time, under the same rule as the
    dashboard: only released responses, only while the round may be shown (else 404)."""
    partnership = partnership_or_404(slug)
    round_ = round_or_404(partnership, round_id)
    instrument = get_instrument(round_.instrument_version)
    if dimension not in {d.key for d in instrument.dimensions}:
        abort(404)
    result = round_results([round_])[0]
    page = comments_page(result, dimension, page_number())
    if page is None:
        abort(404)
    return render_template(
        "dashboard/comments.html",
        partnership=partnership,
        round=round_,
        instrument=instrument,
        dimension=instrument.dimension(dimension),
        page=page,
    )


# --- programme view --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeChoice:
    """What the coordinator asked for on the programme page."""

    period: str
    keys: list[str]  # partnerships for the radar, statements and trends
    anonymous: bool

    @classmethod
    def from_request(cls, options: list[str]) -> ProgrammeChoice:
        """From the query string; a period there is no round of is a 404 (as an unknown round)."""
        period = request.args.get("periode", programme_view.LATEST)
        if period not in options:
            abort(404)
        return cls(period, request.args.getlist("p"), request.args.get("anoniem") == "1")

    def args(self) -> dict:
        """The query string that shows the same choice (for the export and report links)."""
        return {"periode": self.period, "p": self.keys, **({"anoniem": 1} if self.anonymous else {})}


def programme_context(programme) -> tuple[dict, int]:
    """Everything the programme page, its report and its export show, and the status: 400
    (with the reason on the page) when more partnerships are chosen than a radar can show."""
    lang = current_language()
    partnerships = programme.partnerships
    histories = shown_histories(partnerships)  # a constant number of queries, whatever the programme's size
    options = programme_view.periods(histories)
    choice = ProgrammeChoice.from_request(options)
    letters = _("Samenwerkingsverband") if choice.anonymous else None
    rows, left_out = programme_view.entries(partnerships, histories, choice.period, letters)
    too_many = len(set(choice.keys) & {row.key for row in rows}) > programme_view.MAX_CHOSEN
    picked = [] if too_many else programme_view.chosen(rows, choice.keys)
    average = programme_view.average([row.result.total.means() for row in rows])
    # Labels from the first chosen round's own version; every version has the same six dimension keys.
    instrument = get_instrument(picked[0].result.round.instrument_version) if picked else get_instrument()
    context = {
        "programme": programme,
        "today": clock.today(),
        "instrument": instrument,
        "choice": choice,
        "periods": [(value, period_label(value)) for value in options],
        "rows": rows,
        "picked": picked,
        "average": average,
        "left_out": left_out,
        "too_many": too_many,
        "max_chosen": programme_view.MAX_CHOSEN,
        "radar": charts.groups_radar(
            instrument,
            [(row.label, row.result.total.means()) for row in picked],
            lang,
            reference=(_("Programmagemiddelde"), average),
        )
        if picked
        else None,
        "statements": programme_view.statement_rows(rows, picked) if picked else [],
        "trends": programme_trends(instrument, rows, [] if choice.anonymous else picked) if rows else {},
    }
    return context, 400 if too_many else 200


def period_label(value: str) -> str:
    return _("Laatste meting") if value == programme_view.LATEST else value


def programme_trends(instrument: Instrument, rows: list, picked: list) -> dict:
    """Per dimension: the chosen partnerships' rounds and the programme average per year."""
    lang = current_language()
    histories = [row.history for row in rows]
    trends = {}
    for dimension in instrument.dimensions:
        lines = [
            charts.Line(
                row.label,
                [
                    (r.round.opens_on, mean, r.round.title)
                    for r in row.history
                    if (mean := r.total.mean(dimension.key)) is not None
                ],
            )
            for row in picked
        ]
        yearly = programme_view.yearly_average(histories, dimension.key)
        reference = charts.Line(
            _("Programmagemiddelde"),
            [
                (
                    programme_view.trend_day(year),
                    mean,
                    ngettext(
                        "%(year)d, %(num)d samenwerkingsverband",
                        "%(year)d, %(num)d samenwerkingsverbanden",
                        n,
                        year=year,
                    ),
                )
                for year, mean, n in yearly
            ],
        )
        trends[dimension.key] = charts.lines_chart(lines, dimension.title.get(lang), reference)
    return trends


@bp.get("/programma/<programme_slug>/")
@login_required
def programme(programme_slug: str):
    """A programme's partnerships side by side (each with its round of the chosen period),
    two to four of them against the programme average on one radar, trends, statements and
    response rates. Partnerships without a round that may be shown are named and left out;
    names can be hidden for a presentation."""
    context, status = programme_context(programme_or_404(programme_slug))
    return render_template("dashboard/programme.html", **context), status


@bp.get("/programma/<programme_slug>/rapport")
@login_required
def programme_report(programme_slug: str):
    """The programme page's choice as a printable A4 report."""
    context, status = programme_context(programme_or_404(programme_slug))
    return render_template("dashboard/programme_report.html", **context), status


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


def aggregate_json(aggregate) -> dict:
    return {"n": aggregate.n, "mean": aggregate.mean, "sd": aggregate.sd, "distribution": list(aggregate.distribution)}


@api.get("/partnerships/<slug>/rounds/<id:round_id>")
@login_required
def round_aggregates(slug: str, round_id: int):
    """Read-only aggregates of one round, for leaders and viewers of its partnership."""
    partnership = partnership_or_404(slug)
    round_ = round_or_404(partnership, round_id)
    result = round_results([round_])[0]
    instrument = get_instrument(round_.instrument_version)
    body = {
        "partnership": partnership.slug,
        "round": {
            "id": round_.id,
            "title": round_.title,
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            "instrument_version": round_.instrument_version,
        },
        "min_group_size": min_group_size(),
        "respondents": result.n if result.shown else None,
        "shown": result.shown,
        "total": None,
        "levels": {},
        "domains": {},
    }
    if result.shown:
        body["release"] = {"number": result.release.number, "released_on": result.release.released_on.isoformat()}
        body["total"] = {
            key: {**aggregate_json(a), "release": result.release.figures["total"][key]["release"]}
            for key, a in result.total.scores.items()
        }
        for by, name in (("level", "levels"), ("domain", "domains")):
            for group in comparison(result, by, tuple(option_labels(instrument, by))).groups:
                body[name][group.key] = {
                    "respondents": group.n,
                    "release": group.release,
                    "scores": {k: aggregate_json(a) for k, a in group.scores.items()},
                }
        body["statements"] = {
            item.item.key: {
                "unknown": item.unknown,
                **({"release": item.release, **aggregate_json(item.aggregate)} if item.shown else {}),
            }
            for item in item_results(result, instrument)
        }
    # The young people's figures as the dashboard shows them, never merged into the above.
    body["youth"] = youth_json(youth_view(round_, {}, min_group_size()))
    return jsonify(body)


bp.add_app_template_global(band, "band")
bp.add_app_template_global(change_words, "change_words")


BAND_LABELS = {"concern": _l("aandachtspunt"), "borderline": _l("middenmoot"), "strength": _l("sterk punt")}


@bp.app_template_global()
def band_label(score: float | None) -> str:
    """The band in words; one translation looked up per cell (a programme table has thousands)."""
    label = BAND_LABELS.get(band(score))
    return str(label) if label is not None else ""


@bp.get("/kwaliteit/")
@login_required
def quality():
    """How good is the instrument: per version, alpha per dimension and per statement its
    item-rest correlation, alpha without it and its "weet ik niet" share, pooled over every
    partnership's released responses. For administrators and programme coordinators (404 for
    everyone else, like the programme pages)."""
    if not sees_instrument_quality(current_user):
        abort(404)
    return render_template("dashboard/quality.html", versions=instrument_quality())
