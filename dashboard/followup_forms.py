"""Forms of the guide, the agreed actions and the timeline (all with CSRF)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from models import ActionStatus
from models.followup import NOTE_MAX, OWNER_MAX, TIMELINE_TEXT_MAX, TITLE_MAX
from text_rules import multi_line, single_line, strip

TOO_LONG = _l("Dit is te lang: hier passen hoogstens %(max)d tekens.")


def status_labels() -> dict[ActionStatus, str]:
    return {
        ActionStatus.PLANNED: _l("gepland"),
        ActionStatus.ONGOING: _l("bezig"),
        ActionStatus.DONE: _l("klaar"),
        ActionStatus.STOPPED: _l("gestopt"),
    }


class DayField(DateField):
    """A date (YYYY-MM-DD, as a browser's date input sends it) with a message in the user's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Dit is geen geldige datum. Kies een dag, bijvoorbeeld 2027-03-15.")) from error


class NoteForm(FlaskForm):
    """What the meeting concluded about one point of the guide."""

    text = TextAreaField(
        _l("Wat spraken we af?"),
        description=_l("Kort: wat de partners hierover besloten of wilden uitzoeken."),
        validators=[Length(max=NOTE_MAX, message=TOO_LONG), multi_line],
    )


class AgreedActionForm(FlaskForm):
    title = StringField(
        _l("Wat gaan we doen?"),
        description=_l("Bijvoorbeeld ‘De wethouder nodigt het UWV uit voor het volgende overleg’."),
        filters=[strip],
        validators=[
            InputRequired(_l("Vul in wat jullie gaan doen.")),
            Length(max=TITLE_MAX, message=TOO_LONG),
            single_line,
        ],
    )
    dimensions = SelectMultipleField(
        _l("Wat moet het verbeteren?"),
        description=_l("Een of meer dimensies."),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # checked below, with a message in the user's language
    )
    owner = StringField(
        _l("Wie trekt het?"),
        description=_l("Een naam of een rol, bijvoorbeeld ‘projectleider’."),
        filters=[strip],
        validators=[Optional(), Length(max=OWNER_MAX, message=TOO_LONG), single_line],
    )
    due_on = DayField(_l("Klaar op (niet verplicht)"), validators=[Optional()])
    status = SelectField(_l("Stand van zaken"), validate_choice=True)
    round_id = SelectField(_l("Afgesproken na meting"), validate_choice=False)
    note = TextAreaField(
        _l("Wat is er gebeurd?"),
        description=_l("Kort: wat werkte, wat niet, wat jullie leerden."),
        validators=[Optional(), Length(max=NOTE_MAX, message=TOO_LONG), multi_line],
    )

    def __init__(self, dimension_choices, round_choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions.choices = dimension_choices
        self.status.choices = [(status.value, label) for status, label in status_labels().items()]
        self.round_id.choices = [("", _l("Geen meting"))] + round_choices

    def validate_dimensions(self, field):
        if not field.data:
            raise ValidationError(_l("Kies minstens één dimensie."))
        known = {value for value, _label in field.choices}
        if any(value not in known for value in field.data):
            raise ValidationError(_l("Kies alleen dimensies uit de lijst."))

    def validate_round_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Kies een meting van dit samenwerkingsverband."))


class TimelineNoteForm(FlaskForm):
    happened_on = DayField(_l("Datum"), validators=[InputRequired(_l("Vul een datum in."))])
    text = StringField(
        _l("Wat gebeurde er?"),
        description=_l("Bijvoorbeeld ‘Nieuw convenant getekend’ of ‘Nieuwe wethouder’."),
        filters=[strip],
        validators=[
            InputRequired(_l("Vul in wat er gebeurde.")),
            Length(max=TIMELINE_TEXT_MAX, message=TOO_LONG),
            single_line,
        ],
    )

    def validate_happened_on(self, field):
        if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 12, 31):
            raise ValidationError(_l("Kies een datum tussen 2000 en 2100."))
