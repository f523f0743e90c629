"""The partner map: which organisations sit at which table (issue 13). Leaders add, change and
remove organisations; every change is a new dated version of the whole map (manage/partner_map.py)
and a line in the audit log. Not anonymous, and the page says so."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from auth.access import partnership_or_404
from auth.audit import record
from dashboard.labels import option_labels
from dashboard.partners import domains_of, tables_of
from extensions import db
from models import PartnerMap, PartnerOrganisation, Partnership, Role
from models.partner_map import map_on
from surveys.instrument import get_instrument

from ..forms import ActionForm, PartnerForm
from ..partner_map import MAX_ORGANISATIONS, add_organisation, change_organisation, remove_organisation, same_name
from .common import bp


def partner_form(**kwargs) -> PartnerForm:
    """The form with the current instrument's domains and tables, in the interface language."""
    instrument = get_instrument()
    domains, tables = option_labels(instrument, "domain"), option_labels(instrument, "level")
    return PartnerForm.build(
        [(key, domains[key]) for key in domains_of(instrument)],
        [(key, tables[key]) for key in tables_of(instrument)],
        **kwargs,
    )


def describe(form: PartnerForm) -> str:
    """An organisation for the audit log: 'UWV (werk_inkomen): werkvloer vast, beleid soms, bestuur niet'."""
    seats = ", ".join(f"{table} {frequency}" for table, frequency in form.seats().items())
    return f"{form.name.data} ({form.domain.data}): {seats}"


def refuse_duplicate(form: PartnerForm, partnership: Partnership, number: int | None = None) -> bool:
    if not same_name(map_on(partnership.id), form.name.data, number):
        return False
    form.name.errors.append(_("Deze organisatie staat al op de kaart."))
    return True


def refuse_too_many(form: PartnerForm, organisations: int) -> bool:
    if organisations < MAX_ORGANISATIONS:
        return False
    form.name.errors.append(_("Er passen hoogstens %(n)d organisaties op de kaart.", n=MAX_ORGANISATIONS))
    return True


def organisation_or_404(partnership: Partnership, number: int) -> PartnerOrganisation:
    """An organisation on the current map of the partnership."""
    version = map_on(partnership.id)
    organisation = version.organisation(number) if version else None
    return organisation or abort(404)


@bp.route("/<slug>/partners/", methods=["GET", "POST"])
@login_required
def partner_map(slug: str):
    """The map: its organisations, and the form to add one."""
    partnership = partnership_or_404(slug, Role.LEADER)
    version = map_on(partnership.id)
    form = partner_form()
    count = len(version.organisations) if version else 0
    if form.validate_on_submit() and not refuse_duplicate(form, partnership) and not refuse_too_many(form, count):
        add_organisation(partnership.id, form.name.data, form.domain.data, form.seats())
        record(partnership, "partner.added", describe(form))
        db.session.commit()
        flash(_("%(name)s staat op de kaart.", name=form.name.data))
        return redirect(url_for(".partner_map", slug=slug))
    return render_template(
        "manage/partners.html",
        partnership=partnership,
        version=version,
        versions=versions_count(partnership),
        form=form,
        action=ActionForm(),
        **names(),
    ), 422 if form.errors else 200


def names() -> dict:
    instrument = get_instrument()
    return {"domain_names": option_labels(instrument, "domain"), "table_names": option_labels(instrument, "level")}


def versions_count(partnership: Partnership) -> int:
    return db.session.scalar(select(func.count()).where(PartnerMap.partnership_id == partnership.id))


@bp.route("/<slug>/partners/<id:partner>/", methods=["GET", "POST"])
@login_required
def edit_partner(slug: str, partner: int):
    partnership = partnership_or_404(slug, Role.LEADER)
    organisation = organisation_or_404(partnership, partner)
    form = partner_form(obj=organisation)
    if not form.is_submitted():
        for table, field in zip(form.tables, form.table_fields()):
            field.data = organisation.seats.get(table, "niet")
    if form.validate_on_submit() and not refuse_duplicate(form, partnership, partner):
        change_organisation(partnership.id, partner, form.name.data, form.domain.data, form.seats())
        record(partnership, "partner.changed", describe(form))
        db.session.commit()
        flash(_("De gegevens van %(name)s zijn opgeslagen.", name=form.name.data))
        return redirect(url_for(".partner_map", slug=slug))
    return render_template(
        "manage/partner_form.html", partnership=partnership, organisation=organisation, form=form, **names()
    ), 422 if form.errors else 200


@bp.post("/<slug>/partners/<id:partner>/verwijderen")
@login_required
def remove_partner(slug: str, partner: int):
    partnership = partnership_or_404(slug, Role.LEADER)
    organisation = organisation_or_404(partnership, partner)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = organisation.name
    remove_organisation(partnership.id, partner)
    record(partnership, "partner.removed", name)
    db.session.commit()
    flash(_("%(name)s staat niet meer op de kaart.", name=name))
    return redirect(url_for(".partner_map", slug=slug))
