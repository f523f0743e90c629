"""The leaders' pages: dashboards, the printable report, the comments, the programme
comparison and the instrument's quality (downloads in downloads.py, the JSON API in api.py).
Every route finds its partnership through auth.access and its numbers through
dashboard.results (which applies the anonymity threshold)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from flask import (
    Blueprint,
    abort,
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
from surveys.scoring import band

from .. import charts
from .. import programme as programme_view
from ..actions import experiment_log, open_actions, timeline_notes
from ..followup_forms import status_labels
from ..labels import dimension_titles, option_labels
from ..partners import partner_section
from ..quality import instrument_quality
from ..results import (
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
from ..summary import Change, changes, headline
from ..youth import youth_view

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


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
