from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[InputRequired(_l("Vul je e-mailadres in.")), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(_l("Vul je wachtwoord in.")), Length(max=500)])
