"""Sign-in and sign-out for leaders; changing a password, and resetting a forgotten one by email."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

import mailer
from extensions import counts_when, db, limiter, login_manager
from models import User, find_user
from text_rules import normal_email

from .forms import ForgotPasswordForm, LoginForm, NewPasswordForm, PasswordChangeForm
from .passwords import new_reset_token, open_reset, request_reset, set_new_password

bp = Blueprint("auth", __name__)

# Checked when the email is unknown, so that an unknown email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no account has this password")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie holds "<id>:<session_version>"; an old version is a signed-out cookie."""
    try:
        id_, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, id_)
    return user if user is not None and user.session_version == version else None


@login_manager.unauthorized_handler
def unauthorized():
    """Pages send a visitor to the sign-in page; the API answers 401."""
    if request.blueprint == "api":
        abort(401)
    flash(_("Log in om deze pagina te zien."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


def tried_email() -> str:
    """The email being tried, from a form or (Flask-WTF accepts it too) a JSON body."""
    data = request.form or request.get_json(silent=True) or {}
    email = data.get("email") if hasattr(data, "get") else None
    return normal_email(email) if isinstance(email, str) else ""


def account_generation(email: str) -> str:
    """The account's session version ("-" for no account): part of the sign-in limits' keys,
    so a new password (a reset by email, a change, the CLI) starts the counters afresh."""
    if "account_generation" not in g:
        user = find_user(email) if 0 < len(email) <= 254 and email.isprintable() else None  # never NUL to the database
        g.account_generation = str(user.session_version) if user is not None else "-"
    return g.account_generation


def account_key() -> str:
    email = tried_email()
    return f"login:{email}:{account_generation(email)}"


def account_and_client_key() -> str:
    return f"{account_key()}:{get_remote_address()}"


@bp.route("/inloggen", methods=["GET", "POST"])
# Only failures count: per client address; per account from one client address (so others
# trying an account do not lock its owner out); and per account from all addresses together,
# high enough for the owner to get in still (a reset by email starts it afresh).
@limiter.limit("10 per minute", methods=["POST"], deduct_when=counts_when(422))
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=account_and_client_key, deduct_when=counts_when(422))
@limiter.limit("50 per hour", methods=["POST"], key_func=account_key, deduct_when=counts_when(422))
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    refused = False  # both fields filled in, but they do not belong together: not a field's fault
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        refused = True
    status = 422 if form.errors or refused else 200
    return render_template("auth/login.html", form=form, refused=refused), status


@bp.post("/uitloggen")
@login_required
def logout():
    current_user.session_version += 1  # every copy of the session cookie stops working
    db.session.commit()
    logout_user()
    flash(_("Je bent uitgelogd."))
    return redirect(url_for("auth.login"))


def signed_in_user_key() -> str:
    return f"password-change:{current_user.id}" if current_user.is_authenticated else get_remote_address()


@bp.route("/wachtwoord-wijzigen", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=signed_in_user_key, deduct_when=counts_when(422))
def change_password():
    """A new password for the signed-in user; every other session of theirs ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if user.check_password(form.current.data):
            set_new_password(user, form.password.data)
            db.session.commit()
            login_user(user)  # this session carries on with the new session version
            flash(_("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd."))
            return redirect(url_for("dashboard.index"))
        form.current.errors.append(_("Dit is niet je huidige wachtwoord."))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


def public_link(endpoint: str, **values) -> str:
    """A link for an email: PUBLIC_URL, never the request's Host header."""
    path = url_for(endpoint, **values)[len(request.script_root) :]
    return current_app.config["PUBLIC_URL"] + path


def reset_email_key() -> str:
    return "password-reset:" + tried_email()


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=reset_email_key)
def forgot_password():
    """One answer for known and unknown addresses; the link is stored and mailed only after
    the answer has gone out, so the answer takes equally long for both."""
    if not mailer.mail_configured():
        return render_template("auth/forgot_password.html", form=None)
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200
    email, token = form.email.data, new_reset_token()
    link = public_link("auth.reset_password", token=token)
    subject = _("Nieuw wachtwoord voor de Samenwerkingsmonitor")
    body = _(
        "Je (of iemand anders) vroeg een nieuw wachtwoord aan voor de Samenwerkingsmonitor. Kies het via deze link; "
        "hij is 1 uur geldig en werkt één keer:\n\n%(link)s\n\nHeb je dit niet gevraagd? Dan kun je deze e-mail "
        "negeren: je wachtwoord blijft hetzelfde.",
        link=link,
    )
    app = current_app._get_current_object()

    def store_and_send():
        with app.app_context():
            try:
                if not request_reset(email, token):
                    return
                db.session.commit()  # stored before it is mailed: the link works when it arrives
                if mailer.send_many([(email, subject, body)]):
                    app.logger.warning("A password reset email could not be sent.")
            except Exception:  # after the answer: nobody to show an error to
                app.logger.exception("Storing or sending a password reset failed.")

    response = make_response(render_template("auth/forgot_sent.html", email=email))
    response.call_on_close(store_and_send)
    return response


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", deduct_when=counts_when(404))  # guessing links gets slow
def reset_password(token: str):
    """Set a new password through an emailed link (once, within the hour). It signs nobody
    in; it ends every session of the account and lifts a sign-in lock-out."""
    reset = open_reset(token)
    if reset is None:
        return render_template("auth/reset_invalid.html"), 404
    user = db.session.get(User, reset.user_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        set_new_password(user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()
        flash(_("Je nieuwe wachtwoord is ingesteld. Log ermee in."))
        return redirect(url_for(".login"))
    return render_template("auth/reset_password.html", form=form, email=user.email), 422 if form.errors else 200
