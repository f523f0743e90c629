from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from text_rules import email_address, email_filter, single_line, strip

from .passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    # Normalised like every stored address, but not checked for its form: a wrong address gets
    # the same answer as a wrong password.
    email = EmailField(
        _l("E-mailadres"),
        filters=[email_filter],
        validators=[InputRequired(_l("Vul je e-mailadres in.")), Length(max=254), single_line],
    )
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(_l("Vul je wachtwoord in.")), Length(max=500)])


def new_password_fields(label):
    """A new password, twice: as long as for a new account, and short enough to sign in with."""
    password = PasswordField(
        label,
        validators=[
            InputRequired(_l("Kies een wachtwoord.")),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("Een wachtwoord heeft minstens %(min)d tekens.")),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("Een wachtwoord heeft hoogstens %(max)d tekens.")),
        ],
    )
    repeat = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"), validators=[EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))]
    )
    return password, repeat


class NewPasswordForm(FlaskForm):
    password, repeat = new_password_fields(_l("Nieuw wachtwoord"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        _l("Huidig wachtwoord"), validators=[InputRequired(_l("Vul je huidige wachtwoord in.")), Length(max=500)]
    )
    password, repeat = new_password_fields(_l("Nieuw wachtwoord"))


class ForgotPasswordForm(FlaskForm):
    # Stripped, not lowered: the link goes to the address as typed (find_user compares the
    # normalised forms).
    email = EmailField(
        _l("E-mailadres"),
        filters=[strip],
        validators=[
            InputRequired(_l("Vul je e-mailadres in.")),
            Length(max=254, message=_l("Een e-mailadres heeft hoogstens %(max)d tekens.")),
            single_line,
            email_address,
        ],
    )
