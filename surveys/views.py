"""The respondent's side: intro, the dimensions two to a page (surveys/pages.py), profile
questions, thank-you page.

Every page saves what was filled in to the respondent's draft before it checks anything,
so nothing typed is ever lost; pages redirect after a successful post (no resubmission).
"""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from dashboard.releases import release_if_due
from extensions import counts_when, limiter
from i18n import choose_language, current_language
from models import Round, RoundState

from .forms import comment_field, page_form_class, radio_buttons
from .instrument import Instrument, get_instrument
from .invitations import find_invitation
from .pages import Page, pages
from .radar import respondent_radar
from .responses import (
    DraftTooLarge,
    LinkUsed,
    open_personal_draft,
    start_draft,
    submit_draft,
    survey_round,
    update_draft,
)

bp = Blueprint("surveys", __name__, url_prefix="/s")
personal = Blueprint("personal", __name__)  # personal survey links: /u/<token>
bp.add_app_template_global(radio_buttons, "radio_buttons")  # the questionnaire's and the young people's pages


class RoundUnavailable(Exception):
    """The round behind a survey link does not take answers (unknown, not yet open, closed)."""

    def __init__(self, round_: Round | None, state: RoundState | None):
        self.round, self.state = round_, state


@bp.app_errorhandler(RoundUnavailable)
def round_unavailable(error: RoundUnavailable):
    status = {None: 404, RoundState.NOT_YET_OPEN: 403, RoundState.CLOSED: 410}[error.state]
    return render_template("surveys/unavailable.html", round=error.round, state=error.state), status


def open_round(code: str) -> tuple[Round, dict | None]:
    """The open round behind a survey code and this respondent's draft of it (None when
    there is none), in one query; RoundUnavailable when the round takes no answers."""
    round_, data = survey_round(code, draft_tokens().get(code))
    if round_ is None:
        raise RoundUnavailable(None, None)
    state = round_.state()
    if state is not RoundState.OPEN:
        raise RoundUnavailable(round_, state)
    return round_, data


# --- pages --------------------------------------------------------------------------------
# The steps are the pages of surveys/pages.py: the dimension pages in the instrument's
# order, then the profile. The draft keeps answers by item key and comments by dimension
# key, whatever page they were on.


def step_count(instrument: Instrument) -> int:
    return len(pages(instrument))


def page_at(instrument: Instrument, step: int) -> Page:
    return pages(instrument)[step - 1]


def form_for(instrument: Instrument, step: int, **kwargs):
    """The page's form; from the posted data unless `formdata` says otherwise."""
    return page_form_class(instrument, page_at(instrument, step), current_language())(**kwargs)


def stored_values(instrument: Instrument, step: int, data: dict) -> MultiDict:
    """The draft's values of one page, shaped like the form data that page posts."""
    page = page_at(instrument, step)
    if page.is_profile:
        return MultiDict(data.get("profile", {}))
    answers, comments = data.get("answers", {}), data.get("comments", {})
    values = {}
    for dimension in page.dimensions:
        values.update({item.key: answers[item.key] for item in dimension.items if item.key in answers})
        if dimension.key in comments:
            values[comment_field(dimension)] = comments[dimension.key]
    return MultiDict(values)


def draft_updates(instrument: Instrument, step: int, form) -> dict:
    """What of a posted page goes into the draft: every valid value, even on a page with
    errors. An over-long comment is kept too, so the respondent can shorten it."""
    page = page_at(instrument, step)
    if page.is_profile:
        return {"profile": {q.key: form[q.key].data for q in instrument.profile if not form[q.key].errors}}
    items = [item for dimension in page.dimensions for item in dimension.items]
    return {
        "answers": {item.key: form[item.key].data for item in items if not form[item.key].errors},
        "comments": {dimension.key: form[comment_field(dimension)].data or "" for dimension in page.dimensions},
    }


def comment_errors(instrument: Instrument, step: int, form) -> bool:
    return any(form[comment_field(dimension)].errors for dimension in page_at(instrument, step).dimensions)


def first_incomplete_step(instrument: Instrument, data: dict) -> int | None:
    for page in pages(instrument):
        if page.is_profile:
            if any(question.key not in data["profile"] for question in instrument.profile):
                return page.number
            continue
        for dimension in page.dimensions:
            if any(item.key not in data["answers"] for item in dimension.items):
                return page.number
            if len(data["comments"].get(dimension.key, "")) > instrument.comment_max_length:
                return page.number
    return None


# The respondent's session holds, per survey code, the token of their draft ("drafts")
# and, after submitting, their scores for the thank-you page ("thanks"): both only in
# their own cookie. Pages only read it: the session (a signed cookie) is written when
# something in it changes, or when a page is saved (see `keep_session`), never on a GET.
SUBMITTED = "submitted"  # in "thanks" once the scores have been shown (or were never known)


def draft_tokens() -> dict:
    return session.get("drafts", {})


def keep_session() -> None:
    """Mark the session changed: it is sent again, with a fresh expiry (an unfinished
    questionnaire survives closing the browser, for PERMANENT_SESSION_LIFETIME after the
    last saved page)."""
    session.permanent = True
    session.modified = True


def remember_draft(code: str, token: str) -> None:
    session.setdefault("drafts", {})[code] = token
    keep_session()


def drop(section: str, code: str) -> None:
    """Remove a survey's entry from a section of the session, if it is there."""
    if code in session.get(section, {}):
        session[section].pop(code)
        keep_session()


def forget_draft(code: str) -> None:
    drop("drafts", code)
    drop("personal", code)


def is_personal(code: str) -> bool:
    """Whether this session's draft for the round came from a personal link."""
    return code in session.get("personal", {})


def link_used(round_: Round | None):
    return render_template("surveys/link_used.html", round=round_), 410


def mark_submitted(code: str, scores: dict | None = None) -> None:
    thanks = session.setdefault("thanks", {})
    thanks[code] = scores if scores is not None else thanks.get(code, SUBMITTED)
    keep_session()


def has_submitted(code: str) -> bool:
    return code in session.get("thanks", {})


def step_url(code: str, step: int, **args) -> str:
    return url_for(".display_step", code=code, step=step, **args)


@bp.get("/<code>")
def display_intro(code: str):
    round_, data = open_round(code)
    instrument = get_instrument(round_.instrument_version)
    started = data and any(data.values())  # a personal link's draft is made empty, on opening
    resume_step = (first_incomplete_step(instrument, data) or step_count(instrument)) if started else None
    return render_template(
        "surveys/intro.html",
        round=round_,
        instrument=instrument,
        contact=round_.partnership.first_leader(),
        resume_step=resume_step,
        steps=step_count(instrument),
        already_submitted=has_submitted(code) and not data,
    )


@bp.route("/<code>/<int:step>", methods=["GET", "POST"])
def display_step(code: str, step: int):
    round_, data = open_round(code)
    instrument = get_instrument(round_.instrument_version)
    last = step_count(instrument)
    if not 1 <= step <= last:
        abort(404)
    token = draft_tokens().get(code)
    if data is None and token:
        personal = is_personal(code)
        forget_draft(code)  # submitted meanwhile, or cleaned up: start afresh
        if personal and not has_submitted(code):
            # A personal link's draft, sent from another device (or cleaned up): say so
            # rather than start an anonymous questionnaire nobody asked for.
            return link_used(round_)
        if request.method == "POST" and step == last:
            mark_submitted(code)  # the same submission posted twice: never a second response
            return redirect(url_for(".display_thanks", code=code))
    elif data is None and has_submitted(code):
        return redirect(url_for(".display_thanks", code=code))  # back button after submitting

    if request.method == "GET":
        form = form_for(instrument, step, formdata=stored_values(instrument, step, data) if data else None)
        if request.args.get("check"):
            form.validate()  # show what is missing or wrong after a post
        return render_page(round_, instrument, step, form, status=422 if form.errors else 200)
    return save_page(round_, instrument, step, data)


def save_page(round_: Round, instrument: Instrument, step: int, data: dict | None):
    """Save what was posted, then go where the respondent asked (post/redirect/get)."""
    code, round_id = round_.public_code, round_.id  # read now: every commit expires round_
    form = form_for(instrument, step)
    valid = form.validate()
    updates = draft_updates(instrument, step, form)
    token = draft_tokens().get(code)
    try:
        if token:
            data = update_draft(token, round_id, updates, instrument, current=data)
            if data is None:  # a simultaneous request of this respondent just submitted it
                forget_draft(code)
                mark_submitted(code)
                return redirect(url_for(".display_thanks", code=code))
        else:
            # Every new session could start a new draft: drafts per client address are
            # limited (429), since each one takes room in the database until it is purged.
            with limiter.limit(lambda: current_app.config["DRAFT_LIMIT"]):
                token, data = start_draft(round_id, updates, instrument)
            remember_draft(code, token)
        keep_session()  # the session lives on from the last saved page
    except DraftTooLarge:
        abort(413)

    if comment_errors(instrument, step, form):
        # The draft keeps the comment cut to its maximum length; this page shows the whole
        # text with the error, so the respondent can shorten it without losing the rest.
        return render_page(round_, instrument, step, form, status=422)
    action = request.form.get("action", "next")
    if action.startswith("lang:"):
        choose_language(action.removeprefix("lang:"))
        return redirect(step_url(code, step))
    if action == "back":
        return redirect(step_url(code, max(1, step - 1)))
    if not valid:
        return redirect(step_url(code, step, check=1))
    if step < step_count(instrument):
        return redirect(step_url(code, step + 1))
    return submit(round_, code, round_id, instrument, token, data)


def submit(round_: Round, code: str, round_id: int, instrument: Instrument, token: str, data: dict):
    missing = first_incomplete_step(instrument, data)
    if missing is not None:
        return redirect(step_url(code, missing, check=1))
    personal = is_personal(code)
    scores = submit_draft(token, round_id, instrument, current_language())
    forget_draft(code)
    if scores is not None:
        release_if_due(round_id, current_app.config["MIN_GROUP_SIZE"])
    if scores is None and personal:
        return link_used(round_)  # sent meanwhile from another device (or a double click)
    mark_submitted(code, scores)  # None: a simultaneous post of the same draft won
    return redirect(url_for(".display_thanks", code=code))


def render_page(round_: Round, instrument: Instrument, step: int, form, status: int):
    return (
        render_template(
            "surveys/step.html",
            round=round_,
            instrument=instrument,
            step=step,
            steps=step_count(instrument),
            dimensions=page_at(instrument, step).dimensions,
            comment_field=comment_field,
            form=form,
        ),
        status,
    )


@bp.get("/<code>/bedankt")
def display_thanks(code: str):
    round_, _data = survey_round(code)
    if round_ is None:
        raise RoundUnavailable(None, None)
    entry = session.get("thanks", {}).get(code)
    if entry is None:
        return redirect(url_for(".display_intro", code=code))
    instrument = get_instrument(round_.instrument_version)
    scores = entry if isinstance(entry, dict) else None
    if scores:
        session["thanks"][code] = SUBMITTED  # shown once: the next person on this device won't see them
        session.modified = True
    radar = respondent_radar(instrument, scores, current_language()) if scores else None
    return render_template("surveys/thanks.html", round=round_, instrument=instrument, scores=scores, radar=radar)


@personal.get("/u/<token>")
@limiter.limit("20 per minute", deduct_when=counts_when(404))  # guessing links gets slow
def personal_link(token: str):
    """A personal, single-use link, held only by the person it was mailed to. Opening it
    claims it for a draft (or resumes that draft, on any device: the link is the
    credential); once that draft was sent, the link says so before anything is filled in.
    Unknown and expired links get the same answer."""
    invitation = find_invitation(token)
    if invitation is None or invitation.round.state() is RoundState.CLOSED:
        return render_template("surveys/link_invalid.html"), 404
    round_ = invitation.round
    if round_.state() is RoundState.NOT_YET_OPEN:
        raise RoundUnavailable(round_, RoundState.NOT_YET_OPEN)  # "opens on ..."
    code = round_.public_code
    try:
        draft_token = open_personal_draft(invitation)
    except LinkUsed:
        return link_used(round_)
    remember_draft(code, draft_token)
    session.setdefault("personal", {})[code] = True
    session.get("thanks", {}).pop(code, None)  # someone who answered the open link before
    session.modified = True
    return redirect(url_for("surveys.display_intro", code=code))


@bp.post("/<code>/opnieuw")
def display_restart(code: str):
    """Start a new questionnaire on this device (for example for a colleague)."""
    drop("thanks", code)
    forget_draft(code)
    return redirect(url_for(".display_intro", code=code))
