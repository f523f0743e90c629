"""From results to agreements: the discussion guide of a round, the agreed actions with their
experiment log, and the timeline notes of a partnership and of a programme. Leaders and
viewers read (auth.access); leaders write, and every change is in the audit log."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

import clock
from auth.access import may_see, partnership_or_404, programme_or_404, round_or_404
from auth.audit import record
from extensions import db
from models import Action, ActionStatus, GuideNote, Partnership, Role, TimelineNote
from models.partner_map import map_on
from surveys.guide import GAP
from surveys.instrument import get_instrument

from . import exports
from .actions import actions_of, experiment_log, timeline_notes
from .followup_forms import AgreedActionForm, NoteForm, TimelineNoteForm, status_labels
from .guide import YouthPrompts, guide_points, table_prompt, youth_prompts
from .labels import dimension_titles, option_labels
from .results import min_group_size, previous_shown, round_results
from .versions import versions_sentence

bp = Blueprint("followup", __name__, url_prefix="/dashboard")

POINT_KEY = re.compile(r"^[a-z_]+:[a-z0-9_]+$")


class ButtonForm(FlaskForm):
    """A button that changes something: CSRF only."""


def may_edit(partnership: Partnership) -> bool:
    return may_see(current_user, partnership, Role.LEADER)


# --- the discussion guide ----------------------------------------------------------------------


def guide_page(partnership: Partnership, round_id: int, failed: tuple[str, NoteForm] | None = None):
    round_ = round_or_404(partnership, round_id)
    results = round_results(partnership.rounds)
    current = next(r for r in results if r.round.id == round_.id)
    instrument = get_instrument(round_.instrument_version)
    points = guide_points(results, current, instrument)
    youth = youth_prompts(round_, current, min_group_size())
    # The changes are since the previous round shown, which may have used another version.
    previous = previous_shown(results, current) if any(p.kind == "change" for p in points) else None
    notes = {n.point_key: n.text for n in db.session.scalars(select(GuideNote).where(GuideNote.round_id == round_.id))}
    keys = [p.key for p in points] + youth_keys(youth)
    forms = {key: NoteForm(formdata=None, text=notes.get(key, ""), prefix=key) for key in keys}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "followup/guide.html",
        partnership=partnership,
        round=round_,
        current=current,
        instrument=instrument,
        points=points,
        changes_versions=versions_sentence([previous.round, round_]) if previous else "",
        table_prompt=table_prompt(map_on(partnership.id), instrument),
        youth=youth,
        youth_gap=GAP,
        youth_key=YouthPrompts.key,
        notes=notes,
        forms=forms,
        may_edit=may_edit(partnership),
        dimensions=dimension_titles(instrument),
        level_names=option_labels(instrument, "level"),
        domain_names=option_labels(instrument, "domain"),
        today=clock.today(),
    ), (422 if failed else 200)


def youth_keys(youth: YouthPrompts | None) -> list[str]:
    """The note keys of the guide's youth points ("youth:<statement>")."""
    return [YouthPrompts.key(d) for d in youth.differences] if youth else []


@bp.get("/<slug>/rounds/<id:round_id>/gespreksleidraad")
@login_required
def guide(slug: str, round_id: int):
    return guide_page(partnership_or_404(slug), round_id)


@bp.post("/<slug>/rounds/<id:round_id>/gespreksleidraad/<point_key>")
@login_required
def save_note(slug: str, round_id: int, point_key: str):
    partnership = partnership_or_404(slug, minimum=Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    results = round_results(partnership.rounds)
    current = next(r for r in results if r.round.id == round_.id)
    points = guide_points(results, current, get_instrument(round_.instrument_version))
    if point_key not in {p.key for p in points} | set(youth_keys(youth_prompts(round_, current, min_group_size()))):
        abort(404)  # not a point of this round's guide (or the round is not shown)
    form = NoteForm(prefix=point_key)
    if not form.validate_on_submit():
        return guide_page(partnership, round_id, failed=(point_key, form))
    note = db.session.scalar(select(GuideNote).where(GuideNote.round_id == round_.id, GuideNote.point_key == point_key))
    if note is None:
        note = GuideNote(round_id=round_.id, point_key=point_key)
        db.session.add(note)
    note.text = (form.text.data or "").strip()
    record(partnership, "guide.note", f"{round_.title}: {point_key}")
    db.session.commit()
    return redirect(url_for(".guide", slug=slug, round_id=round_id) + f"#{point_key.replace(':', '-')}")


# --- agreed actions ----------------------------------------------------------------------------


def action_form(partnership: Partnership, **data) -> AgreedActionForm:
    rounds = [(str(r.id), r.title) for r in partnership.rounds]
    return AgreedActionForm(list(dimension_titles().items()), rounds, **data)


def from_form(action: Action, form: AgreedActionForm) -> None:
    action.title = form.title.data
    action.dimensions = list(form.dimensions.data)
    action.owner = form.owner.data or ""
    action.due_on = form.due_on.data
    action.status = ActionStatus(form.status.data)
    action.round_id = int(form.round_id.data) if form.round_id.data else None
    action.note = (form.note.data or "").strip()


def changes_of(action: Action) -> str:
    """What an edit changed, for the audit log: 'status: gepland → bezig; owner: ...'."""
    changed = []
    for name in ("title", "dimensions", "owner", "due_on", "status", "round_id", "note"):
        history = db.inspect(action).attrs[name].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            show = lambda v: v.value if isinstance(v, ActionStatus) else ("" if v is None else str(v))  # noqa: E731
            if show(before) != show(after):
                changed.append(f"{name}: {show(before)[:60]} → {show(after)[:60]}")
    return "; ".join(changed)


@bp.get("/<slug>/afspraken/")
@login_required
def actions(slug: str):
    partnership = partnership_or_404(slug)
    results = round_results(partnership.rounds)
    return render_template(
        "followup/actions.html",
        partnership=partnership,
        actions=actions_of(partnership),
        log=experiment_log(partnership, results),
        may_edit=may_edit(partnership),
        dimensions=dimension_titles(),
        statuses=status_labels(),
        today=clock.today(),
        button=ButtonForm(),
    )


def point_from_request() -> str | None:
    point = request.args.get("point", "")
    return point if len(point) <= 80 and POINT_KEY.match(point) else None


@bp.route("/<slug>/afspraken/nieuw", methods=["GET", "POST"])
@login_required
def new_action(slug: str):
    partnership = partnership_or_404(slug, minimum=Role.LEADER)
    point = point_from_request()
    if request.method == "GET":
        round_id = request.args.get("round", "")
        dimension = request.args.get("dimension", "")
        form = action_form(
            partnership,
            formdata=None,
            title=request.args.get("title", "")[:200],
            dimensions=[dimension] if dimension in dimension_titles() else [],
            round_id=round_id if round_id in {str(r.id) for r in partnership.rounds} else "",
            status=ActionStatus.PLANNED.value,
        )
    else:
        form = action_form(partnership)
        if form.validate_on_submit():
            action = Action(partnership_id=partnership.id, point_key=point)
            from_form(action, form)
            db.session.add(action)
            record(partnership, "action.create", action.title)
            db.session.commit()
            return redirect(url_for(".actions", slug=slug) + f"#action-{action.id}")
    return render_template(
        "followup/action_form.html", partnership=partnership, form=form, action=None, point=point
    ), 422 if form.errors else 200


def action_or_404(partnership: Partnership, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.partnership_id != partnership.id:
        abort(404)
    return action


@bp.route("/<slug>/afspraken/<id:action_id>/", methods=["GET", "POST"])
@login_required
def edit_action(slug: str, action_id: int):
    partnership = partnership_or_404(slug, minimum=Role.LEADER)
    action = action_or_404(partnership, action_id)
    if request.method == "GET":
        form = action_form(
            partnership,
            formdata=None,
            title=action.title,
            dimensions=action.dimensions,
            owner=action.owner,
            due_on=action.due_on,
            status=action.status.value,
            round_id=str(action.round_id or ""),
            note=action.note,
        )
    else:
        form = action_form(partnership)
        if form.validate_on_submit():
            from_form(action, form)
            detail = changes_of(action)
            if detail:
                record(partnership, "action.update", f"{action.title}: {detail}")
            db.session.commit()
            return redirect(url_for(".actions", slug=slug) + f"#action-{action.id}")
    return render_template(
        "followup/action_form.html", partnership=partnership, form=form, action=action, point=action.point_key
    ), 422 if form.errors else 200


@bp.post("/<slug>/afspraken/<id:action_id>/verwijderen")
@login_required
def delete_action(slug: str, action_id: int):
    partnership = partnership_or_404(slug, minimum=Role.LEADER)
    action = action_or_404(partnership, action_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    record(partnership, "action.delete", action.title)
    db.session.delete(action)
    db.session.commit()
    return redirect(url_for(".actions", slug=slug))


def action_columns() -> list[exports.Column]:
    Column = exports.Column
    return [
        Column(_("Afspraak"), _("Wat er is afgesproken."), width=40),
        Column(
            _("Wat moet het verbeteren"),
            _("De dimensies van de samenwerking die de afspraak moet verbeteren."),
            width=40,
        ),
        Column(_("Wie trekt het"), _("Wie de afspraak trekt."), width=20),
        Column(_("Klaar op"), _("De dag waarop de afspraak klaar moet zijn."), "date"),
        Column(_("Stand van zaken"), _("Hoe ver de afspraak is."), width=16),
        Column(_("Over tijd"), _("Ja als de afspraak niet klaar is en de dag van Klaar op voorbij is."), width=10),
        Column(_("Afgesproken na meting"), _("De meting waarna de afspraak is gemaakt."), width=24),
        Column(_("Wat is er gebeurd"), _("Wat er met de afspraak is gebeurd."), width=40),
        Column(_("Aangemaakt (UTC)"), _("Wanneer de afspraak is vastgelegd, in UTC."), "datetime"),
        Column(_("Gewijzigd (UTC)"), _("Wanneer de afspraak het laatst is gewijzigd, in UTC."), "datetime"),
    ]


def action_table(partnership: Partnership) -> tuple[list[exports.Column], list[list]]:
    """Every action, with headers and values in the interface language (labels, not keys)."""
    titles, statuses, today = dimension_titles(), status_labels(), clock.today()
    rows = [
        [
            action.title,
            "; ".join(titles[key] for key in action.dimensions),
            action.owner,
            action.due_on,
            str(statuses[action.status]),
            _("ja") if action.overdue(today) else _("nee"),
            action.round.title if action.round else "",
            action.note,
            action.created_at.replace(second=0, microsecond=0, tzinfo=None),
            action.updated_at.replace(second=0, microsecond=0, tzinfo=None),
        ]
        for action in actions_of(partnership)
    ]
    return action_columns(), rows


@bp.get("/<slug>/afspraken/export.<fmt>")
@login_required
def export_actions(slug: str, fmt: str):
    partnership = partnership_or_404(slug)
    table = lambda: action_table(partnership)  # noqa: E731
    filename = f"{partnership.slug}-{_('afspraken')}"
    return exports.logged_download(partnership, "export.actions", None, table, fmt, filename, _("afspraken"))


# --- timeline notes ------------------------------------------------------------------------------


def timeline_page(owner, notes, form, editable: bool, kind: str, status: int = 200):
    return render_template(
        "followup/timeline.html",
        owner=owner,
        kind=kind,
        notes=notes,
        form=form,
        may_edit=editable,
        button=ButtonForm(),
        entries=timeline_notes(owner) if kind == "partnership" else None,
    ), status


def own_notes(column, owner_id: int) -> list[TimelineNote]:
    query = select(TimelineNote).where(column == owner_id).order_by(TimelineNote.happened_on, TimelineNote.id)
    return list(db.session.scalars(query))


@bp.route("/<slug>/tijdlijn/", methods=["GET", "POST"])
@login_required
def timeline(slug: str):
    partnership = partnership_or_404(slug, minimum=Role.LEADER if request.method == "POST" else Role.VIEWER)
    form = TimelineNoteForm()
    if form.validate_on_submit():
        note = TimelineNote(partnership_id=partnership.id, happened_on=form.happened_on.data, text=form.text.data)
        db.session.add(note)
        record(partnership, "timeline.create", f"{form.happened_on.data.isoformat()}: {form.text.data}")
        db.session.commit()
        return redirect(url_for(".timeline", slug=slug))
    notes = own_notes(TimelineNote.partnership_id, partnership.id)
    return timeline_page(partnership, notes, form, may_edit(partnership), "partnership", 422 if form.errors else 200)


def note_or_404(column_name: str, owner_id: int, note_id: int) -> TimelineNote:
    note = db.session.get(TimelineNote, note_id)
    if note is None or getattr(note, column_name) != owner_id:
        abort(404)
    return note


def edit_note_page(note: TimelineNote, owner, back: str, on_change):
    form = TimelineNoteForm(obj=note) if request.method == "GET" else TimelineNoteForm()
    if request.method == "POST" and form.validate_on_submit():
        before = f"{note.happened_on.isoformat()}: {note.text}"
        note.happened_on, note.text = form.happened_on.data, form.text.data
        on_change("timeline.update", f"{before} → {note.happened_on.isoformat()}: {note.text}")
        db.session.commit()
        return redirect(back)
    return render_template(
        "followup/timeline_form.html", form=form, owner=owner, back=back
    ), 422 if form.errors else 200


@bp.route("/<slug>/tijdlijn/<id:note_id>/", methods=["GET", "POST"])
@login_required
def edit_timeline_note(slug: str, note_id: int):
    partnership = partnership_or_404(slug, minimum=Role.LEADER)
    note = note_or_404("partnership_id", partnership.id, note_id)
    back = url_for(".timeline", slug=slug)
    return edit_note_page(note, partnership, back, lambda action, detail: record(partnership, action, detail))


@bp.post("/<slug>/tijdlijn/<id:note_id>/verwijderen")
@login_required
def delete_timeline_note(slug: str, note_id: int):
    partnership = partnership_or_404(slug, minimum=Role.LEADER)
    note = note_or_404("partnership_id", partnership.id, note_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    record(partnership, "timeline.delete", f"{note.happened_on.isoformat()}: {note.text}")
    db.session.delete(note)
    db.session.commit()
    return redirect(url_for(".timeline", slug=slug))


@bp.route("/programma/<programme_slug>/tijdlijn/", methods=["GET", "POST"])
@login_required
def programme_timeline(programme_slug: str):
    """A programme's notes (a national agreement, say): its coordinators and administrators.
    The audit log belongs to partnerships, so a programme's notes are not in it."""
    programme = programme_or_404(programme_slug)
    form = TimelineNoteForm()
    if form.validate_on_submit():
        db.session.add(TimelineNote(programme_id=programme.id, happened_on=form.happened_on.data, text=form.text.data))
        db.session.commit()
        return redirect(url_for(".programme_timeline", programme_slug=programme_slug))
    notes = own_notes(TimelineNote.programme_id, programme.id)
    return timeline_page(programme, notes, form, True, "programme", 422 if form.errors else 200)


@bp.route("/programma/<programme_slug>/tijdlijn/<id:note_id>/", methods=["GET", "POST"])
@login_required
def edit_programme_note(programme_slug: str, note_id: int):
    programme = programme_or_404(programme_slug)
    note = note_or_404("programme_id", programme.id, note_id)
    back = url_for(".programme_timeline", programme_slug=programme_slug)
    return edit_note_page(note, programme, back, lambda action, detail: None)


@bp.post("/programma/<programme_slug>/tijdlijn/<id:note_id>/verwijderen")
@login_required
def delete_programme_note(programme_slug: str, note_id: int):
    programme = programme_or_404(programme_slug)
    note = note_or_404("programme_id", programme.id, note_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    db.session.delete(note)
    db.session.commit()
    return redirect(url_for(".programme_timeline", programme_slug=programme_slug))
