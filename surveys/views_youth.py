"""The youth questionnaire (de jongerenversie): its own open link per round, /j/<youth_code>.

One short page of statements, sent in one post (no draft: nothing is stored until it is
sent), and its own thank-you. Works without JavaScript: the language switch is a button of
the form, so what was filled in stays. The answers go to their own tables (models/youth.py).
"""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select

import clock
from dashboard.youth import add_youth_response, release_youth_if_due
from extensions import db, limiter
from i18n import choose_language, current_language
from models import Partnership, Round, RoundState

from .forms import _choice_field, scale_choices
from .instrument import UNKNOWN
from .views import RoundUnavailable
from .youth import YouthInstrument, get_youth_instrument

bp = Blueprint("youth", __name__, url_prefix="/j")
SENT = "youth_sent"  # the session's youth codes sent from this device (for the thank-you page)

_CLASSES: dict[tuple, type[FlaskForm]] = {}


def youth_form_class(instrument: YouthInstrument, language: str) -> type[FlaskForm]:
    key = (id(instrument), language)
    if key not in _CLASSES:
        choices = scale_choices(instrument, language)
        fields = {
            s.key: _choice_field(s.text.get(language), choices, _l("Kies een antwoord bij deze zin."))
            for s in instrument.statements
        }
        _CLASSES[key] = type("YouthForm", (FlaskForm,), fields)
    return _CLASSES[key]


def youth_round(code: str) -> Round | None:
    row = db.session.execute(select(Round, Partnership).join(Round.partnership).where(Round.youth_code == code)).first()
    return row[0] if row else None


def open_youth_round(code: str) -> Round:
    round_ = youth_round(code)
    if round_ is None:
        raise RoundUnavailable(None, None)
    state = round_.state()
    if state is not RoundState.OPEN:
        raise RoundUnavailable(round_, state)
    return round_


def render_form(round_: Round, instrument: YouthInstrument, form, status: int = 200):
    return render_template("youth/questionnaire.html", round=round_, instrument=instrument, form=form), status


@bp.route("/<youth_code>", methods=["GET", "POST"])
def questionnaire(youth_code: str):
    code = youth_code
    round_ = open_youth_round(code)
    instrument = get_youth_instrument()
    if request.method == "GET":
        if code in session.get(SENT, {}):
            return redirect(url_for(".thanks", youth_code=code))
        return render_form(round_, instrument, youth_form_class(instrument, current_language())(formdata=None))
    action = request.form.get("action", "send")
    if action.startswith("lang:"):
        choose_language(action.removeprefix("lang:"))
        form = youth_form_class(instrument, current_language())()
        return render_form(round_, instrument, form)  # the answers so far, in the other language
    form = youth_form_class(instrument, current_language())()
    if not form.validate():
        return render_form(round_, instrument, form, status=422)
    if code in session.get(SENT, {}):
        return redirect(url_for(".thanks", youth_code=code))  # sent twice (back button, double click)
    round_id = round_.id
    answers = {s.key: None if form[s.key].data == UNKNOWN else int(form[s.key].data) for s in instrument.statements}
    # Every submission is a new response: per client address they are limited, like drafts.
    with limiter.limit(lambda: current_app.config["DRAFT_LIMIT"]):
        add_youth_response(round_id, answers, current_language(), clock.today())
    db.session.commit()
    release_youth_if_due(round_id, current_app.config["MIN_GROUP_SIZE"])
    session.setdefault(SENT, {})[code] = True
    session.modified = True
    return redirect(url_for(".thanks", youth_code=code))


@bp.get("/<youth_code>/bedankt")
def thanks(youth_code: str):
    code = youth_code
    round_ = youth_round(code)
    if round_ is None:
        raise RoundUnavailable(None, None)
    if code not in session.get(SENT, {}):
        return redirect(url_for(".questionnaire", youth_code=code))
    return render_template("youth/thanks.html", round=round_)


@bp.post("/<youth_code>/opnieuw")
def restart(youth_code: str):
    """Someone else fills it in on this device (a youth worker's tablet, say)."""
    code = youth_code
    if code in session.get(SENT, {}):
        session[SENT].pop(code)
        session.modified = True
    return redirect(url_for(".questionnaire", youth_code=code))
