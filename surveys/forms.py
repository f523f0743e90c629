"""WTForms form classes built from the instrument, once per instrument, page and language
(a class is never mutated: each request binds its own form instance to it).

A questionnaire page holds the statements of its dimensions (surveys/pages.py says which),
each dimension with its own optional comment (`comment-<dimension key>`); the last page holds
the profile questions. Raw form values are kept as strings: "1".."5", or UNKNOWN for
"weet ik niet / n.v.t.".

The comment is the only free text; its invisible control characters are dropped (the shared
rule of text_rules.py; the respondent could not find them to remove them). The profile
questions are choices: anything but a listed option is refused.
"""

from functools import lru_cache

from flask import get_template_attribute
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length
from wtforms.validators import Optional as OptionalValidator

from text_rules import without_control_characters

from .instrument import UNKNOWN, Dimension, Instrument
from .pages import Page


def comment_field(dimension: Dimension) -> str:
    """The form name of a dimension's comment: distinct per dimension, as a page holds several."""
    return f"comment-{dimension.key}"


def scale_choices(instrument: Instrument, language: str) -> list[tuple[str, str]]:
    options = [(str(option.value), option.label.get(language)) for option in instrument.scale.options]
    return options + [(UNKNOWN, instrument.scale.unknown.get(language))]


def _choice_field(label: str, choices: list[tuple[str, str]], message) -> RadioField:
    values = [value for value, _ in choices]
    # validate_choice is off so a tampered value gets our own (translated) message.
    return RadioField(
        label,
        choices=[SelectChoice(value, text) for value, text in choices],
        validate_choice=False,
        validators=[InputRequired(message=message), AnyOf(values, message=message)],
    )


def radio_buttons(field: RadioField) -> Markup:
    """The radio buttons of a choice question (templates/surveys/_questions.html), the
    respondent's answer checked: the HTML without it is made once per question, language
    and error state, and `checked` goes in before the chosen option's id (the only
    ` id="<field>-<n>"` in it: labels are escaped, and `for=` has no space before `id`)."""
    choices = tuple((choice.value, choice.label) for choice in field.choices)
    html = _unchecked_options(field.id, field.name, bool(field.flags.required), choices, bool(field.errors))
    position = next((i for i, (value, _) in enumerate(choices) if value == field.data), None)
    if position is None:
        return html
    option_id = f' id="{field.id}-{position}"'
    return Markup(str(html).replace(option_id, " checked" + option_id, 1))  # str: Markup.replace escapes


@lru_cache(maxsize=4096)
def _unchecked_options(field_id: str, name: str, required: bool, choices: tuple, invalid: bool) -> Markup:
    return get_template_attribute("surveys/_questions.html", "unchecked_options")(
        field_id, name, required, choices, invalid
    )


_CLASSES: dict[tuple, tuple[Instrument, type[FlaskForm]]] = {}


def _once(key: tuple, instrument: Instrument, build) -> type[FlaskForm]:
    """The class built for this key of this very instrument (the cache holds the instrument,
    so an instrument loaded anew, in a test say, gets classes of its own)."""
    hit = _CLASSES.get(key)
    if hit is None or hit[0] is not instrument:
        hit = _CLASSES[key] = (instrument, build())
    return hit[1]


def page_form_class(instrument: Instrument, page: Page, language: str) -> type[FlaskForm]:
    """The form of a questionnaire page: its dimensions' statements and comments, or the profile."""
    if page.is_profile:
        return profile_form_class(instrument, language)
    keys = tuple(dimension.key for dimension in page.dimensions)
    return _once(
        (instrument.version, keys, language), instrument, lambda: _dimension_form_class(instrument, page, language)
    )


def profile_form_class(instrument: Instrument, language: str) -> type[FlaskForm]:
    return _once(
        (instrument.version, "profile", language), instrument, lambda: _profile_form_class(instrument, language)
    )


def _dimension_form_class(instrument: Instrument, page: Page, language: str) -> type[FlaskForm]:
    choices = scale_choices(instrument, language)
    fields = {}
    for dimension in page.dimensions:
        for item in dimension.items:
            fields[item.key] = _choice_field(
                item.text.get(language), choices, _l("Kies een antwoord bij deze stelling.")
            )
        fields[comment_field(dimension)] = TextAreaField(
            _l("Toelichting bij %(dimension)s (niet verplicht)", dimension=dimension.title.get(language)),
            filters=[without_control_characters],
            validators=[
                OptionalValidator(),
                Length(
                    max=instrument.comment_max_length,
                    message=_l("Je toelichting is %(length)d tekens lang; er passen er %(max)d. Maak hem wat korter."),
                ),
            ],
        )
    name = "".join(dimension.key.title() for dimension in page.dimensions)
    return type(f"{name}Form", (FlaskForm,), fields)


def _profile_form_class(instrument: Instrument, language: str) -> type[FlaskForm]:
    fields = {
        question.key: _choice_field(
            question.question.get(language),
            [(option.key, option.label.get(language)) for option in question.options],
            _l("Kies een antwoord bij deze vraag."),
        )
        for question in instrument.profile
    }
    return type("ProfileForm", (FlaskForm,), fields)
