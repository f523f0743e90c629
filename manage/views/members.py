"""A partnership's members: inviting one, removing one, withdrawing a pending invitation."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from auth.access import partnership_or_404
from auth.audit import record
from extensions import db
from models import AccountInvitation, Membership, Role

from ..accounts import invite_account, is_last_leader
from ..forms import ActionForm, MemberForm
from ..survey_mail import public_url
from .common import account_invitation_page, bp, errors_of


@bp.post("/<slug>/leden")
@login_required
def invite_member(slug: str):
    partnership = partnership_or_404(slug, Role.LEADER)
    form = MemberForm()
    if not form.validate_on_submit():
        flash(errors_of(form))
        return redirect(url_for(".partnership", slug=slug))
    token = invite_account(form.email.data, Role(form.role.data), partnership=partnership)
    record(partnership, "member.invited", f"{form.email.data.strip().lower()} ({form.role.data})")
    db.session.commit()
    link = public_url("welcome.accept_invitation", token=token)
    role = (
        _("projectleider: je maakt metingen, nodigt mensen uit en ziet de uitkomsten")
        if form.data["role"] == Role.LEADER.value
        else _("kijker: je ziet de uitkomsten")
    )
    return account_invitation_page(form.email.data, link, partnership.name, url_for(".partnership", slug=slug), role)


@bp.post("/<slug>/leden/<id:user_id>/verwijderen")
@login_required
def remove_member(slug: str, user_id: int):
    partnership = partnership_or_404(slug, Role.LEADER)
    if not ActionForm().validate_on_submit():
        abort(400)
    membership = db.session.scalar(
        select(Membership).where(Membership.partnership_id == partnership.id, Membership.user_id == user_id)
    ) or abort(404)
    if is_last_leader(membership):
        flash(_("De laatste projectleider kan niet worden verwijderd."))
        return redirect(url_for(".partnership", slug=slug))
    record(partnership, "member.removed", membership.user.email)
    db.session.delete(membership)
    db.session.commit()
    flash(_("%(email)s heeft geen toegang meer.", email=membership.user.email))
    return redirect(url_for(".partnership", slug=slug))


@bp.post("/<slug>/uitnodigingen/<id:invitation_id>/intrekken")
@login_required
def withdraw_invitation(slug: str, invitation_id: int):
    """Withdraw a pending invitation to this partnership (its link stops working)."""
    partnership = partnership_or_404(slug, Role.LEADER)
    if not ActionForm().validate_on_submit():
        abort(400)
    invitation = db.session.scalar(
        select(AccountInvitation).where(
            AccountInvitation.id == invitation_id,
            AccountInvitation.partnership_id == partnership.id,
            AccountInvitation.accepted.is_(False),
        )
    )
    if invitation is not None:
        record(partnership, "member.invitation_withdrawn", invitation.email)
        db.session.delete(invitation)
        db.session.commit()
        flash(_("De uitnodiging voor %(email)s is ingetrokken.", email=invitation.email))
    return redirect(url_for(".partnership", slug=slug))
