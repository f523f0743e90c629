"""Management pages for leaders and administrators: partnerships, members, rounds, links,
invitations, response tracking, the audit log and deleting. Every partnership route goes
through auth.access with the leader role; every change is written to the audit log."""
from __future__ import annotations

import io
from datetime import date, timedelta

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from sqlalchemy import delete, select

from auth.access import (
    admin_or_404,
    led_partnerships,
    partnership_or_404,
    round_or_404,
    visible_programmes,
)
from auth.audit import record
from dashboard.releases import mark_seen
from dashboard.results import comparison, round_results
from extensions import counts_when, db, limiter
from models import (
    AccountInvitation,
    AuditEvent,
    Invitation,
    Membership,
    Partnership,
    Programme,
    Role,
    Round,
    RoundState,
    find_user,
)
from surveys.instrument import get_instrument
from surveys.invitations import invite, parse_emails, record_mail, remind, unsent

from . import mailer
from .accounts import (
    accept,
    invite_account,
    is_last_leader,
    members,
    open_account_invitation,
    pending_invitations,
    role_in,
)
from .forms import (
    AcceptForm,
    ActionForm,
    ConfirmDeleteForm,
    CoordinatorForm,
    InvitationsForm,
    MemberForm,
    PartnershipForm,
    ProgrammeForm,
    RoundForm,
    choices,
)

bp = Blueprint("manage", __name__, url_prefix="/beheer")
welcome = Blueprint("welcome", __name__)

REOPEN_DAYS = 14


def errors_of(form) -> str:
    """A form's errors as one message, for a form whose page is elsewhere."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for outside the app (emails, the open link, the QR code), always on
    PUBLIC_URL: the request's Host header is the client's to choose, so a forged one must
    never end up in a link someone else will follow."""
    path = current_app.url_map.bind("public.invalid", script_name="/").build(endpoint, values)
    return current_app.config["PUBLIC_URL"] + path


def survey_url(round_: Round) -> str:
    return public_url("surveys.display_intro", code=round_.public_code)


# --- overview, programmes, partnerships ------------------------------------------------------


@bp.get("/")
@login_required
def index():
    return render_template(
        "manage/index.html", partnerships=led_partnerships(current_user), programmes=visible_programmes(current_user),
    )


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
            flash(_("Programma %(name)s aangemaakt.", name=form.name.data))
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
        return account_invitation_page(form.email.data, link, programme.name, url_for(".index"))
    return render_template("manage/form.html", form=form, title=_("Coördinator uitnodigen voor %(name)s", name=programme.name)), 422 if form.errors else 200


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
            partnership = Partnership(name=form.name.data.strip(), slug=form.slug.data, region=(form.region.data or "").strip(),
                                      programme_id=int(form.programme.data) if form.programme.data else None)
            db.session.add(partnership)
            db.session.flush()
            record(partnership, "partnership.created", partnership.name)
            db.session.commit()
            return redirect(url_for(".partnership", slug=partnership.slug))
    return render_template("manage/form.html", form=form, title=_("Nieuw samenwerkingsverband")), 422 if form.errors else 200


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
        "manage/partnership.html", partnership=partnership, form=form, member_form=MemberForm(), action=ActionForm(),
        members=members(partnership), pending=pending_invitations(partnership), rounds=list(reversed(partnership.rounds)),
    ), 422 if form.errors else 200


def account_invitation_page(email: str, link: str, name: str, back: str):
    """Mail the invitation link; show it to copy only when it was not mailed."""
    body = _("Je bent uitgenodigd voor de Samenwerkingsmonitor van %(name)s. Kies via deze link een wachtwoord (de link is 14 dagen geldig):\n\n%(link)s", name=name, link=link)
    failed = mailer.send_many([(email, _("Uitnodiging: Samenwerkingsmonitor %(name)s", name=name), body)])
    sent = mailer.mail_configured() and not failed
    return render_template("manage/invitation_sent.html", links=[] if sent else [(email, link)], sent=int(sent), failed=len(failed), back=back)


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
    return account_invitation_page(form.email.data, link, partnership.name, url_for(".partnership", slug=slug))


@bp.post("/<slug>/leden/<id:user_id>/verwijderen")
@login_required
def remove_member(slug: str, user_id: int):
    partnership = partnership_or_404(slug, Role.LEADER)
    if not ActionForm().validate_on_submit():
        abort(400)
    membership = db.session.scalar(select(Membership).where(Membership.partnership_id == partnership.id, Membership.user_id == user_id)) or abort(404)
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
    invitation = db.session.scalar(select(AccountInvitation).where(
        AccountInvitation.id == invitation_id, AccountInvitation.partnership_id == partnership.id, AccountInvitation.accepted.is_(False)))
    if invitation is not None:
        record(partnership, "member.invitation_withdrawn", invitation.email)
        db.session.delete(invitation)
        db.session.commit()
        flash(_("De uitnodiging voor %(email)s is ingetrokken.", email=invitation.email))
    return redirect(url_for(".partnership", slug=slug))


@bp.get("/<slug>/logboek")
@login_required
def audit_log(slug: str):
    partnership = partnership_or_404(slug, Role.LEADER)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.partnership_id == partnership.id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(500))
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
    return render_template("manage/confirm_delete.html", form=form, name=partnership.name, partnership=partnership,
                           what=_("het samenwerkingsverband %(name)s met al zijn metingen, antwoorden, uitnodigingen, leden en het logboek", name=partnership.name)), 422 if form.errors else 200


# --- rounds ---------------------------------------------------------------------------------


@bp.route("/<slug>/metingen/nieuw", methods=["GET", "POST"])
@login_required
def create_round(slug: str):
    partnership = partnership_or_404(slug, Role.LEADER)
    # Results stay hidden while a new round is open unless the leader chooses otherwise:
    # early answers should not steer the rest, and live numbers invite comparing downloads.
    form = RoundForm(opens_on=date.today(), closes_on=date.today() + timedelta(days=28),
                     instrument_version=get_instrument().version, hide_results_while_open=True)
    if form.validate_on_submit():
        round_ = Round(partnership_id=partnership.id)
        form.populate_obj(round_)
        db.session.add(round_)
        db.session.flush()
        record(partnership, "round.created", round_.title)
        db.session.commit()
        return redirect(url_for(".round_page", slug=slug, round_id=round_.id))
    return render_template("manage/form.html", form=form, title=_("Nieuwe meting"), partnership=partnership), 422 if form.errors else 200


@bp.route("/<slug>/metingen/<id:round_id>/", methods=["GET", "POST"])
@login_required
def round_page(slug: str, round_id: int):
    """A round: its links, invitations, response tracking and settings."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    form = RoundForm(obj=round_)
    if form.validate_on_submit():
        was_closed = round_.state() is RoundState.CLOSED
        mark_seen(round_)  # new dates or the hide option may hide what leaders see now
        form.populate_obj(round_)
        if was_closed and round_.state() is not RoundState.CLOSED:
            record(partnership, "round.opened", round_.title)  # new dates opened it again
        record(partnership, "round.updated", round_.title)
        db.session.commit()
        flash(_("Opgeslagen."))
        return redirect(url_for(".round_page", slug=slug, round_id=round_id))
    return render_template(
        "manage/round.html", partnership=partnership, round=round_, form=form, action=ActionForm(),
        invitations_form=InvitationsForm(), tracking=tracking(round_), survey_url=survey_url(round_),
        mail_configured=mailer.mail_configured(),
    ), 422 if form.errors else 200


def tracking(round_: Round) -> dict:
    """Responses counted so far (in releases, so in steps of at least the threshold), the
    invitations sent, the groups the released results show, and days left."""
    result = round_results([round_])[0]
    instrument = get_instrument(round_.instrument_version)
    groups = {}
    for by in ("level", "domain"):
        labels = {o.key: o.label for o in instrument.profile_question(by).options}
        groups[by] = [(labels[group.key], group.n) for group in comparison(result, by, tuple(labels)).groups]
    return {
        "responses": result.n, "released_on": result.released_on, "invited": len(round_.invitations),
        "groups": groups, "days_left": round_.days_left(),
    }


def change_state(slug: str, round_id: int, opening: bool):
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    today = date.today()
    mark_seen(round_)  # reopening may hide what leaders see now
    if opening:
        round_.closed_early = False
        round_.opens_on = min(round_.opens_on, today)
        if round_.closes_on < today:
            round_.closes_on = today + timedelta(days=REOPEN_DAYS)
            flash(_("De meting is open tot en met %(day)s; pas de datum zo nodig aan.", day=round_.closes_on.isoformat()))
        record(partnership, "round.opened", round_.title)
    else:
        round_.closed_early = True
        record(partnership, "round.closed", round_.title)
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
    round_ = round_or_404(partnership_or_404(slug, Role.LEADER), round_id)
    if fmt not in ("png", "svg"):
        abort(404)
    code = segno.make(survey_url(round_), error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind=fmt, scale=10 if fmt == "png" else 4, border=2)
    mimetype = "image/png" if fmt == "png" else "image/svg+xml"
    filename = f"{slug}-{round_.public_code}.{fmt}"
    return Response(buffer.getvalue(), mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{filename}"'})


MAX_INVITATIONS = 1000  # per paste


def send_survey_links(round_: Round, links: list[tuple[Invitation, str]], reminder: bool) -> tuple[int, int]:
    """Email each link (one connection for all) and record in the outbox what happened to
    each mail. The links were committed before: a failing mail never loses an invitation,
    and a link is never shown to the leader. Returns (sent, failed)."""
    name = mailer.single_line(round_.partnership.name)
    subject = _("Herinnering: vragenlijst %(name)s", name=name) if reminder else _("Vragenlijst %(name)s", name=name)
    day = format_date(round_.closes_on, "long")
    messages = []
    for invitation, token in links:
        url = public_url("personal.personal_link", token=token)
        if reminder:
            body = _("Heb je de vragenlijst over de samenwerking in %(name)s al ingevuld? Dan hoef je niets te doen, dank je wel.\n\n"
                     "Nog niet? Hij is kort en anoniem (ongeveer 10 minuten) en staat open tot en met %(day)s. "
                     "Gebruik deze nieuwe link, je oude link werkt niet meer:\n\n%(url)s\n\n"
                     "Ben je al begonnen? Dan ga je met deze link verder waar je was.", name=name, day=day, url=url)
        else:
            body = _("Hoe gaat het met de samenwerking in %(name)s? Vul de korte, anonieme vragenlijst in (ongeveer 10 minuten, open tot en met %(day)s). "
                     "Deze link is persoonlijk en werkt één keer:\n\n%(url)s", name=name, day=day, url=url)
        messages.append((invitation.email, subject, body))
    failed = set(mailer.send_many(messages))
    record_mail([invitation for invitation, _token in links], failed)
    return len(links) - len(failed), len(failed)


def round_page_with_error(partnership: Partnership, round_: Round, form: InvitationsForm, message: str | None = None, status: int = 422):
    """The round page again, the pasted list still in the box and the problem named."""
    if message:
        form.emails.errors = [*form.emails.errors, message]
    return render_template(
        "manage/round.html", partnership=partnership, round=round_, form=RoundForm(obj=round_), action=ActionForm(),
        invitations_form=form, tracking=tracking(round_), survey_url=survey_url(round_), mail_configured=mailer.mail_configured(),
    ), status


NO_MAIL = _l("Persoonlijke uitnodigingen kunnen alleen per e-mail vanuit de app: er is geen mailserver ingesteld. "
             "Gebruik de open link of de QR-code.")


@bp.post("/<slug>/metingen/<id:round_id>/uitnodigingen")
@login_required
def invite_respondents(slug: str, round_id: int):
    """Personal links go only by email: a leader who held them could try them and learn who
    responded. Without a mail server there are none."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    form = InvitationsForm()
    if not mailer.mail_configured():
        form.validate_on_submit()  # keep the pasted list in the box
        return round_page_with_error(partnership, round_, form, str(NO_MAIL), status=409)
    if round_.state() is RoundState.CLOSED:
        return round_page_with_error(partnership, round_, form, _("Deze meting is gesloten; heropen hem eerst."))
    if not form.validate_on_submit():
        return round_page_with_error(partnership, round_, form)
    emails, invalid = parse_emails(form.emails.data)
    if invalid:
        return round_page_with_error(partnership, round_, form, _("Niets verstuurd: dit zijn geen geldige e-mailadressen: %(list)s", list=", ".join(invalid[:20])))
    if len(emails) > MAX_INVITATIONS:
        return round_page_with_error(partnership, round_, form, _("Niets verstuurd: maximaal %(n)d adressen tegelijk.", n=MAX_INVITATIONS))
    links, skipped = invite(round_, emails)
    record(partnership, "invitations.sent", ngettext("%(num)d uitnodiging voor %(title)s", "%(num)d uitnodigingen voor %(title)s", len(links), title=round_.title))
    db.session.commit()
    sent, failed = send_survey_links(round_, links, reminder=False)
    return render_template("manage/invitation_sent.html", sent=sent, failed=failed, personal=True, skipped=skipped,
                           back=url_for(".round_page", slug=slug, round_id=round_id))


def mail_links_again(slug: str, round_id: int, make_links, refused: str, logged, reminder: bool):
    """Reminders and resends alike: only by email and while the round is open; new links from
    `make_links(round_)`, logged with `logged(count, title)`, mailed, and a page that says how
    many went out (never a link)."""
    partnership = partnership_or_404(slug, Role.LEADER)
    round_ = round_or_404(partnership, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if round_.state() is not RoundState.OPEN or not mailer.mail_configured():
        flash(refused)
        return redirect(url_for(".round_page", slug=slug, round_id=round_id))
    links = make_links(round_)
    record(partnership, "invitations.reminded" if reminder else "invitations.sent", logged(len(links), round_.title))
    db.session.commit()
    sent, failed = send_survey_links(round_, links, reminder=reminder)
    return render_template("manage/invitation_sent.html", sent=sent, failed=failed, reminder=reminder, personal=not reminder,
                           back=url_for(".round_page", slug=slug, round_id=round_id))


@bp.post("/<slug>/metingen/<id:round_id>/herinneren")
@login_required
def remind_respondents(slug: str, round_id: int):
    """A reminder to every invitee, with a fresh link each, whether they responded or not:
    what the leader sees (and what their mail server logs) is then the same whoever responded."""
    return mail_links_again(
        slug, round_id, remind, _("Herinneringen gaan alleen per e-mail, en alleen zolang de meting open is."),
        lambda n, title: ngettext("%(num)d herinnering voor %(title)s", "%(num)d herinneringen voor %(title)s", n, title=title),
        reminder=True,
    )


@bp.post("/<slug>/metingen/<id:round_id>/uitnodigingen/opnieuw")
@login_required
def resend_invitations(slug: str, round_id: int):
    """Mail again every invitation of the round whose mail was not sent, each with a new link."""
    return mail_links_again(
        slug, round_id, unsent, _("Opnieuw versturen kan alleen per e-mail, en alleen zolang de meting open is."),
        lambda n, title: ngettext("%(num)d uitnodiging opnieuw voor %(title)s", "%(num)d uitnodigingen opnieuw voor %(title)s", n, title=title),
        reminder=False,
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
    return render_template("manage/confirm_delete.html", form=form, name=round_.title, partnership=partnership,
                           what=_("de meting %(title)s met alle antwoorden, toelichtingen en uitnodigingen", title=round_.title)), 422 if form.errors else 200


# --- accepting an invitation to an account ---------------------------------------------------


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
        return render_template("manage/accept.html", form=None, invitation=invitation, existing=existing, sign_in_first=True)
    form = AcceptForm()
    if existing is not None:
        del form.password, form.repeat, form.name
    if form.validate_on_submit():
        user = accept(invitation, form.password.data if existing is None else None, form.name.data if existing is None else "")
        if invitation.partnership_id:
            partnership = db.session.get(Partnership, invitation.partnership_id)
            record(partnership, "member.joined", user.email)
            db.session.commit()
            if invitation.role is not None and role_in(user, partnership.id) is not invitation.role:
                # accept() never lowers a role: say so rather than pretend the invitation's role holds.
                flash(_("Je bent al projectleider van %(name)s en dat blijf je: een uitnodiging neemt geen rechten af.", name=partnership.name))
        if existing is None:
            login_user(user)  # the password was set just now, through this link
        flash(_("Welkom! Je hebt nu toegang."))
        return redirect(url_for("dashboard.index"))
    return render_template("manage/accept.html", form=form, invitation=invitation, existing=existing), 422 if form.errors else 200
