"""The overview, and a partnership: creating, its settings page, its audit log, deleting it."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import delete, select

from auth.access import admin_or_404, led_partnerships, partnership_or_404, visible_programmes
from auth.audit import record
from extensions import db
from models import AuditEvent, Partnership, Programme, Role

from ..accounts import members, pending_invitations
from ..forms import ActionForm, ConfirmDeleteForm, MemberForm, PartnershipForm, choices
from .common import bp


@bp.get("/")
@login_required
def index():
    return render_template(
        "manage/index.html",
        partnerships=led_partnerships(current_user),
        programmes=visible_programmes(current_user),
    )


def programme_choices() -> list:
    programmes = db.session.scalars(select(Programme).order_by(Programme.name))
    return choices([("", _("(geen programma)"))] + [(str(p.id), p.name) for p in programmes])


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def create_partnership():
    admin_or_404()
    form = PartnershipForm()
    form.programme.choices = programme_choices()
    if form.validate_on_submit():
        if db.session.scalar(select(Partnership).where(Partnership.slug == form.slug.data)):
            form.slug.errors.append(_("Deze korte naam is al in gebruik."))
        else:
            partnership = Partnership(
                name=form.name.data.strip(),
                slug=form.slug.data,
                region=(form.region.data or "").strip(),
                programme_id=int(form.programme.data) if form.programme.data else None,
            )
            db.session.add(partnership)
            db.session.flush()
            record(partnership, "partnership.created", partnership.name)
            db.session.commit()
            flash(_("‘%(name)s’ is aangemaakt. Nodig nu de projectleider uit.", name=partnership.name))
            return redirect(url_for(".partnership", slug=partnership.slug))
    return render_template(
        "manage/form.html", form=form, title=_("Nieuw samenwerkingsverband")
    ), 422 if form.errors else 200


@bp.route("/<slug>/", methods=["GET", "POST"])
@login_required
def partnership(slug: str):
    """The partnership's settings, members and rounds."""
    partnership = partnership_or_404(slug, Role.LEADER)
    form = PartnershipForm(obj=partnership)
    form.programme.choices = programme_choices()
    if not form.is_submitted():
        form.programme.data = str(partnership.programme_id or "")  # obj= would give the Programme object
    del form.slug  # the slug is part of every link: fixed once made
    if not current_user.is_admin:
        del form.programme  # which programme sees a partnership is the administrator's call
    if form.validate_on_submit():
        partnership.name, partnership.region = form.name.data.strip(), (form.region.data or "").strip()
        if "programme" in form:
            partnership.programme_id = int(form.programme.data) if form.programme.data else None
        record(partnership, "partnership.updated", partnership.name)
        db.session.commit()
        flash(_("Opgeslagen."))
        return redirect(url_for(".partnership", slug=slug))
    return render_template(
        "manage/partnership.html",
        partnership=partnership,
        form=form,
        member_form=MemberForm(),
        action=ActionForm(),
        members=members(partnership),
        pending=pending_invitations(partnership),
        rounds=list(reversed(partnership.rounds)),
    ), 422 if form.errors else 200


@bp.get("/<slug>/logboek")
@login_required
def audit_log(slug: str):
    partnership = partnership_or_404(slug, Role.LEADER)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.partnership_id == partnership.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(500)
    )
    return render_template("manage/audit.html", partnership=partnership, events=list(events))


@bp.route("/<slug>/verwijderen", methods=["GET", "POST"])
@login_required
def delete_partnership(slug: str):
    partnership = partnership_or_404(slug, Role.LEADER)
    form = ConfirmDeleteForm(partnership.name)
    if form.validate_on_submit():
        name = partnership.name
        # The database cascades to rounds, responses, answers, scores, comments, drafts,
        # invitations, members and the audit log.
        db.session.execute(delete(Partnership).where(Partnership.id == partnership.id))
        db.session.commit()
        flash(_("%(name)s en al zijn gegevens zijn verwijderd.", name=name))
        return redirect(url_for(".index"))
    return render_template(
        "manage/confirm_delete.html",
        form=form,
        name=partnership.name,
        partnership=partnership,
        what=_(
            "het samenwerkingsverband %(name)s met al zijn metingen, antwoorden, uitnodigingen, leden en het logboek",
            name=partnership.name,
        ),
    ), 422 if form.errors else 200
