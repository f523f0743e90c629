"""A round: creating it, its page (links, response tracking, settings), opening and closing
it, its QR code, deleting it."""

from __future__ import annotations

import io
from datetime import timedelta

import segno
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import delete, select

import clock
import mailer
from auth.access import partnership_or_404, round_or_404
from auth.audit import record
from dashboard.releases import PROFESSIONALS, mark_seen
from dashboard.results import response_tracking
from dashboard.youth import YOUTH, latest_youth_release
from extensions import db
from models import Draft, Role, Round
from models import Response as SurveyResponse
from surveys.instrument import get_instrument
from surveys.youth import get_youth_instrument

from ..forms import ActionForm, ConfirmDeleteForm, InvitationsForm, RoundForm
from ..survey_mail import survey_mail, survey_url, youth_url
from .common import bp

REOPEN_DAYS = 14


@bp.route("/<slug>/metingen/nieuw", methods=["GET", "POST"])
@login_required
def create_round(slug: str):
    partnership = partnership_or_404(slug, Role.LEADER)
    # Results stay hidden while a new round is open unless the leader chooses otherwise:
    # early answers should not steer the rest, and live numbers invite comparing downloads.
    form = RoundForm(
        opens_on=clock.today(),
        closes_on=clock.today() + timedelta(days=28),
        instrument_version=get_instrument().version,
        hide_results_while_open=Round.hide_results_while_open.default.arg,  # the model's default, shown ticked
    )
    if form.validate_on_submit():
        round_ = Round(partnership_id=partnership.id)
        form.populate_obj(round_)
        db.session.add(round_)
        db.session.flush()
        record(partnership, "round.created", round_.title)
        db.session.commit()
        return redirect(url_for(".round_page", slug=slug, round_id=round_.id))
    return render_template(
        "manage/form.html", form=form, title=_("Nieuwe meting"), partnership=partnership, submit=_("Meting maken")
    ), 422 if form.errors else 200


@bp.route("/<slug>/metingen/<id:round_id>/", methods=["GET", "POST"])
@login_required
def round_page(slug: str, round_id: int):
    """A round: its links, invitations, response tracking and settings."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    form = RoundForm(obj=round_)
    if form.validate_on_submit() and not refuse_version_change(form, round_):
        previous = round_.state()
        mark_all_seen(round_)  # new dates or the hide option may hide what leaders see now
        form.populate_obj(round_)
        if round_.reopened_since(previous):
            record(partnership, "round.opened", round_.title)  # new dates opened it again
        record(partnership, "round.updated", round_.title)
        db.session.commit()
        flash(_("Opgeslagen."))
        return redirect(url_for(".round_page", slug=slug, round_id=round_id))
    return render_round_page(partnership, round_, form, InvitationsForm(), 422 if form.errors else 200)


def render_round_page(partnership, round_: Round, form: RoundForm, invitations_form: InvitationsForm, status: int):
    """The round page with the forms given: after a post, the one that went wrong keeps what
    was posted."""
    preview = survey_mail(round_, reminder=False, url=_("(de persoonlijke link van wie de e-mail krijgt)"))
    return render_template(
        "manage/round.html",
        partnership=partnership,
        round=round_,
        form=form,
        action=ActionForm(),
        invitations_form=invitations_form,
        tracking=response_tracking(round_),
        survey_url=survey_url(round_),
        youth_url=youth_url(round_),
        youth_release=latest_youth_release(round_.id),
        youth_statements=len(get_youth_instrument().statements),
        mail_configured=mailer.mail_configured(),
        mail_preview=preview,
    ), status


def answering_started(round_: Round) -> bool:
    """Someone has sent answers, or is filling in the questionnaire."""
    return any(
        db.session.scalar(select(table.id).where(table.round_id == round_.id).limit(1)) is not None
        for table in (SurveyResponse, Draft)
    )


def refuse_version_change(form: RoundForm, round_: Round) -> bool:
    """A round scores and charts with its own instrument version, so the version is fixed once
    answering began (answers of two versions would be counted as one). True, with the
    reason on the field, when the form asks for another version then."""
    if form.instrument_version.data == round_.instrument_version or not answering_started(round_):
        return False
    form.instrument_version.errors.append(
        _(
            "Deze meting heeft al antwoorden: de versie van de vragenlijst blijft %(version)d, "
            "zodat alle antwoorden met dezelfde vragen worden geteld.",
            version=round_.instrument_version,
        )
    )
    return True


def mark_all_seen(round_: Round) -> None:
    """Both the professionals' and the young people's latest release, before a change may hide them."""
    for track in (PROFESSIONALS, YOUTH):
        mark_seen(round_, track)


def change_state(slug: str, round_id: int, opening: bool):
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_all_seen(round_)  # reopening may hide what leaders see now
    if opening:
        if round_.reopen(clock.today(), REOPEN_DAYS):
            flash(
                _(
                    "De meting is open tot en met %(day)s; pas de datum zo nodig aan.",
                    day=format_date(round_.closes_on, "long"),
                )
            )
        record(partnership, "round.opened", round_.title)
    else:
        round_.closed_early = True
        record(partnership, "round.closed", round_.title)
        flash(_("De meting is gesloten: er kan niemand meer antwoorden. De uitkomsten staan onder ‘Uitkomsten’."))
    db.session.commit()
    return redirect(url_for(".round_page", slug=slug, round_id=round_id))


@bp.post("/<slug>/metingen/<id:round_id>/openen")
@login_required
def open_round(slug: str, round_id: int):
    return change_state(slug, round_id, opening=True)


@bp.post("/<slug>/metingen/<id:round_id>/sluiten")
@login_required
def close_round(slug: str, round_id: int):
    return change_state(slug, round_id, opening=False)


@bp.get("/<slug>/metingen/<id:round_id>/qr.<fmt>")
@login_required
def qr_code(slug: str, round_id: int, fmt: str):
    """The open link as a QR code, for slides and posters."""
    return round_qr(slug, round_id, fmt, lambda round_: (survey_url(round_), round_.public_code))


@bp.get("/<slug>/metingen/<id:round_id>/jongeren-qr.<fmt>")
@login_required
def youth_qr_code(slug: str, round_id: int, fmt: str):
    """The youth questionnaire's open link as a QR code."""
    return round_qr(slug, round_id, fmt, lambda round_: (youth_url(round_), f"jongeren-{round_.youth_code}"))


def round_qr(slug: str, round_id: int, fmt: str, link):
    """One of a round's open links as a QR code (PNG or SVG, else 404), for its leaders;
    `link(round)` gives the URL and the file name's part after the slug."""
    round_ = round_or_404(partnership_or_404(slug, Role.LEADER), round_id)
    if fmt not in ("png", "svg"):
        abort(404)
    url, name = link(round_)
    return qr_response(url, f"{slug}-{name}.{fmt}", fmt)


def qr_response(url: str, filename: str, fmt: str) -> Response:
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind=fmt, scale=10 if fmt == "png" else 4, border=2)
    mimetype = "image/png" if fmt == "png" else "image/svg+xml"
    return Response(
        buffer.getvalue(), mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


@bp.get("/<slug>/metingen/<id:round_id>/poster")
@login_required
def poster(slug: str, round_id: int):
    """An A4 poster of the open link: a large QR code, the link in letters, what it is for."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    minutes = get_instrument(round_.instrument_version).minutes
    return render_template(
        "manage/poster.html", partnership=partnership, round=round_, survey_url=survey_url(round_), minutes=minutes
    )


@bp.route("/<slug>/metingen/<id:round_id>/verwijderen", methods=["GET", "POST"])
@login_required
def delete_round(slug: str, round_id: int):
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    form = ConfirmDeleteForm(round_.title)
    if form.validate_on_submit():
        record(partnership, "round.deleted", round_.title)
        # The database cascades to responses, answers, scores, comments, drafts and invitations.
        db.session.execute(delete(Round).where(Round.id == round_.id))
        db.session.commit()
        flash(_("De meting %(title)s en al haar antwoorden zijn verwijderd.", title=round_.title))
        return redirect(url_for(".partnership", slug=slug))
    return render_template(
        "manage/confirm_delete.html",
        form=form,
        name=round_.title,
        partnership=partnership,
        what=_("de meting %(title)s met alle antwoorden, toelichtingen en uitnodigingen", title=round_.title),
    ), 422 if form.errors else 200
