"""Sign-in and sign-out for leaders."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import counts_when, db, limiter, login_manager
from manage.accounts import find_user
from models import User

from .forms import LoginForm

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


def login_email() -> str:
    """The email being tried, from a form or (Flask-WTF accepts it too) a JSON body."""
    data = request.form or request.get_json(silent=True) or {}
    email = data.get("email") if hasattr(data, "get") else None
    return "login:" + (email.strip().lower() if isinstance(email, str) else "")


@bp.route("/inloggen", methods=["GET", "POST"])
# Only failures count: per client address, and per email address whoever tries it.
@limiter.limit("10 per minute", methods=["POST"], deduct_when=counts_when(422))
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=login_email, deduct_when=counts_when(422))
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        form.password.errors.append(_("Dit e-mailadres en wachtwoord horen niet bij elkaar."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/uitloggen")
@login_required
def logout():
    current_user.session_version += 1  # every copy of the session cookie stops working
    db.session.commit()
    logout_user()
    flash(_("Je bent uitgelogd."))
    return redirect(url_for("auth.login"))
