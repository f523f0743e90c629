"""Forms of the management pages (all with CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from models.partner_map import FREQUENCIES
from models.round import REMINDER_DAYS
from surveys.instrument import available_versions
from text_rules import email_address, email_filter, multi_line, single_line, slug_rule, strip

from .round_dates import closing_day_problem, opening_day_problem


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ActionForm(FlaskForm):
    """A button that changes something: CSRF only."""


class ProgrammeForm(FlaskForm):
    """A name and the slug it gets in URLs; a partnership has the same two and more."""

    name = StringField(
        _l("Naam"), filters=[strip], validators=[InputRequired(_l("Vul een naam in.")), Length(max=200), single_line]
    )
    slug = StringField(
        _l("Korte naam voor in de adresbalk"),
        filters=[strip],
        validators=[InputRequired(_l("Vul een korte naam in.")), Length(max=80), single_line, slug_rule],
    )


class PartnershipForm(ProgrammeForm):
    region = StringField(_l("Regio"), filters=[strip], validators=[Optional(), Length(max=200), single_line])
    programme = SelectField(_l("Programma"), choices=[], validate_choice=True)


class EmailForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        filters=[email_filter],
        validators=[InputRequired(_l("Vul een e-mailadres in.")), Length(max=254), single_line, email_address],
    )


class MemberForm(EmailForm):
    # Radio buttons, not a select: a select cuts each role's explanation off on a phone.
    role = RadioField(
        _l("Rol"),
        default="leader",  # checked when the form shows, as the select's first option was
        validators=[InputRequired()],  # but a post without a role is refused, never the default
        choices=choices(
            [
                ("leader", _l("Projectleider: beheert metingen en ziet uitkomsten")),
                ("viewer", _l("Meekijker: ziet alleen uitkomsten")),
            ]
        ),
    )


class CoordinatorForm(EmailForm):
    pass


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (templates: checkbox_group)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(FlaskForm):
    title = StringField(
        _l("Titel"),
        description=_l("Bijvoorbeeld ‘T0 nulmeting’ of ‘T1 voorjaar 2027’."),
        filters=[strip],
        validators=[InputRequired(_l("Vul een titel in.")), Length(max=200), single_line],
    )
    instrument_version = SelectField(_l("Versie van de vragenlijst"), coerce=int)
    opens_on = DateField(_l("Open vanaf"), validators=[InputRequired(_l("Vul een datum in."))])
    closes_on = DateField(_l("Open tot en met"), validators=[InputRequired(_l("Vul een datum in."))])
    hide_results_while_open = BooleanField(_l("Uitkomsten pas tonen als de meting gesloten is"))
    discussion = StringField(
        _l("Wanneer en hoe worden de uitkomsten besproken?"),
        description=_l(
            "Staat op de eerste pagina van de vragenlijst, bijvoorbeeld ‘Op het partneroverleg van 15 januari’."
        ),
        filters=[strip],
        validators=[Length(max=300), single_line],
    )
    audience = IntegerField(
        _l("Hoeveel mensen vragen jullie mee te doen? (niet verplicht)"),
        description=_l(
            "Voor het responspercentage, ook als je de open link deelt. Leeg: het aantal persoonlijke uitnodigingen."
        ),
        validators=[Optional(), NumberRange(1, 100_000, _l("Vul een aantal van 1 tot 100.000 in."))],
        invalid_value_message=_l("Vul een aantal van 1 tot 100.000 in."),
    )
    mail_opening = TextAreaField(
        _l("Eigen openingszin van de uitnodigingen en herinneringen"),
        description=_l(
            "Staat bovenaan elke e-mail met een persoonlijke link. "
            "Een voorbeeld van de e-mail staat op de pagina van de meting."
        ),
        filters=[strip],
        validators=[Length(max=1000), multi_line],
    )
    reminders = MultiCheckboxField(
        _l("Herinneringen per e-mail"),
        description=_l(
            "Iedereen met een persoonlijke uitnodiging krijgt op deze dagen een herinnering met een nieuwe link, "
            "ook wie al reageerde: zo ziet niemand wie dat was."
        ),
        coerce=int,
        choices=[
            (d, lazy_ngettext("%(num)d dag voor het sluiten", "%(num)d dagen voor het sluiten", d))
            for d in REMINDER_DAYS
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument_version.choices = choices(
            (v, _l("Versie %(version)d", version=v)) for v in available_versions()
        )

    def validate_opens_on(self, field):
        problem = opening_day_problem(field.data) if field.data else None
        if problem is not None:
            raise ValidationError(problem)

    def validate_closes_on(self, field):
        problem = closing_day_problem(self.opens_on.data, field.data) if self.opens_on.data and field.data else None
        if problem is not None:
            raise ValidationError(problem)


class InvitationsForm(FlaskForm):
    emails = TextAreaField(
        _l("E-mailadressen"),
        description=_l("Eén per regel, of gescheiden door komma's."),
        validators=[InputRequired(_l("Plak een of meer e-mailadressen.")), Length(max=100_000), multi_line],
    )


class ConfirmDeleteForm(FlaskForm):
    confirm = StringField(
        _l("Typ de naam ter bevestiging"),
        filters=[strip],
        validators=[InputRequired(_l("Typ de naam ter bevestiging.")), single_line],
    )

    def __init__(self, expected: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def validate_confirm(self, field):
        if field.data != self.expected.strip():
            raise ValidationError(_l("De naam klopt niet; er is niets verwijderd."))


class AcceptForm(FlaskForm):
    name = StringField(_l("Je naam"), filters=[strip], validators=[Optional(), Length(max=200), single_line])
    password = PasswordField(
        _l("Kies een wachtwoord"),
        validators=[
            InputRequired(_l("Kies een wachtwoord.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("Een wachtwoord heeft minstens %(min)d tekens."),
            ),
            single_line,
        ],
    )
    repeat = PasswordField(
        _l("Herhaal het wachtwoord"), validators=[EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))]
    )


#: How often an organisation sits at a table, in the model's order (strongest first).
FREQUENCY_LABELS = {"vast": _l("Vast: bij elk overleg"), "soms": _l("Soms"), "niet": _l("Niet")}


class PartnerForm(FlaskForm):
    """An organisation on the partner map: its name, its domain and, per table, how often it
    sits there. The domains and tables are the instrument's (given by the view); each table's
    field is named `table_<key>`."""

    name = StringField(
        _l("Naam van de organisatie"),
        description=_l("Bijvoorbeeld ‘ROC Midden’, ‘UWV’ of ‘Jongerenraad’."),
        filters=[strip],
        # DataRequired, not InputRequired: a name of spaces only is empty once stripped.
        validators=[
            DataRequired(_l("Vul de naam van de organisatie in.")),
            Length(max=200, message=_l("Een naam heeft hoogstens 200 tekens.")),
            single_line,
        ],
    )
    domain = RadioField(_l("Domein"), validators=[InputRequired(_l("Kies het domein van de organisatie."))])

    @classmethod
    def build(cls, domains: list[tuple[str, str]], tables: list[tuple[str, str]], **kwargs) -> "PartnerForm":
        """The form for these domains and tables ((key, label) pairs)."""

        class Form(cls):
            pass

        for key, label in tables:
            field = RadioField(
                _l("Aan tafel bij %(table)s", table=label),
                choices=choices((key, FREQUENCY_LABELS[key]) for key in FREQUENCIES),
                default="niet",
                validators=[InputRequired(_l("Kies hoe vaak de organisatie aan deze tafel zit."))],
            )
            setattr(Form, f"table_{key}", field)
        form = Form(**kwargs)
        form.domain.choices = choices(domains)
        form.tables = [key for key, _label in tables]
        return form

    def table_fields(self) -> list:
        return [self[f"table_{key}"] for key in self.tables]

    def seats(self) -> dict[str, str]:
        return {key: self[f"table_{key}"].data for key in self.tables}
