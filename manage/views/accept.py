"""Accepting an invitation to an account (the welcome blueprint: no sign-in needed)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from auth.audit import record
from extensions import counts_when, db, limiter
from models import Partnership, find_user

from ..accounts import accept, open_account_invitation, role_in
from ..forms import AcceptForm
from .common import welcome


@welcome.route("/welkom/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", deduct_when=counts_when(404))
def accept_invitation(token: str):
    """Set a password (new account) or accept the role (existing account). Unknown, used and
    expired links get the same answer."""
    invitation = open_account_invitation(token)
    if invitation is None:
        return render_template("manage/invitation_invalid.html"), 404
    existing = find_user(invitation.email)
    if existing is not None and not (current_user.is_authenticated and current_user.id == existing.id):
        # A link never signs anyone in to an existing account: its owner signs in first.
        return render_template(
            "manage/accept.html", form=None, invitation=invitation, existing=existing, sign_in_first=True
        )
    form = AcceptForm()
    if existing is not None:
        del form.password, form.repeat, form.name
    if form.validate_on_submit():
        user = accept(
            invitation, form.password.data if existing is None else None, form.name.data if existing is None else ""
        )
        partnership = db.session.get(Partnership, invitation.partnership_id) if invitation.partnership_id else None
        if partnership is not None:
            record(partnership, "member.joined", user.email)
        db.session.commit()  # the account, its role, the used link and the log line: one commit
        if (
            partnership is not None
            and invitation.role is not None
            and role_in(user, partnership.id) is not invitation.role
        ):
            # accept() never lowers a role: say so rather than pretend the invitation's role holds.
            flash(
                _(
                    "Je bent al projectleider van %(name)s en dat blijf je: een uitnodiging neemt geen rechten af.",
                    name=partnership.name,
                )
            )
        if existing is None:
            login_user(user)  # the password was set just now, through this link
        flash(_("Welkom! Je hebt nu toegang."))
        return redirect(url_for("dashboard.index"))
    return render_template(
        "manage/accept.html", form=form, invitation=invitation, existing=existing
    ), 422 if form.errors else 200
