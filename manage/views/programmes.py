"""Programmes (administrators only): creating one and inviting its coordinators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from auth.access import admin_or_404
from extensions import db
from models import Programme

from ..accounts import invite_account
from ..forms import CoordinatorForm, ProgrammeForm
from ..survey_mail import public_url
from .common import account_invitation_page, bp


@bp.route("/programmas/nieuw", methods=["GET", "POST"])
@login_required
def create_programme():
    admin_or_404()
    form = ProgrammeForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Programme).where(Programme.slug == form.slug.data)):
            form.slug.errors.append(_("Deze korte naam is al in gebruik."))
        else:
            db.session.add(Programme(name=form.name.data.strip(), slug=form.slug.data))
            db.session.commit()
            flash(_("‘%(name)s’ is aangemaakt.", name=form.name.data))
            return redirect(url_for(".index"))
    return render_template("manage/form.html", form=form, title=_("Nieuw programma")), 422 if form.errors else 200


@bp.route("/programmas/<programme_slug>/coordinatoren", methods=["GET", "POST"])
@login_required
def invite_coordinator(programme_slug: str):
    admin_or_404()
    programme = db.session.scalar(select(Programme).where(Programme.slug == programme_slug)) or abort(404)
    form = CoordinatorForm()
    if form.validate_on_submit():
        token = invite_account(form.email.data, None, programme=programme)
        db.session.commit()
        link = public_url("welcome.accept_invitation", token=token)
        role = _(
            "programmacoördinator: je ziet per samenwerkingsverband in het programma de uitkomsten van de hele groep"
        )
        return account_invitation_page(form.email.data, link, programme.name, url_for(".index"), role)
    return render_template(
        "manage/form.html",
        form=form,
        title=_("Coördinator uitnodigen voor %(name)s", name=programme.name),
        submit=_("Uitnodigen"),
    ), 422 if form.errors else 200
