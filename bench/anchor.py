"""The anchor of the server-CPU row of bench/speed.py: a bare Flask + SQLAlchemy form app.

Three requests make one "questionnaire": GET / (a form with a CSRF token, Flask-WTF), POST /
(validates, one INSERT, redirects) and GET /bedankt. Whatever the real app spends per
request beyond this is its own overhead.

    DATABASE_URL=sqlite:////tmp/anchor.db gunicorn --chdir bench -w 2 'anchor:create_app()'
"""

from __future__ import annotations

import os

from flask import Flask, redirect, render_template_string, url_for
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import RadioField
from wtforms.validators import InputRequired


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Answer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]


class AnswerForm(FlaskForm):
    value = RadioField("Hoe gaat het?", choices=[(str(v), str(v)) for v in range(1, 6)], validators=[InputRequired()])


PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Vraag</title></head><body>
<form method="post">{{ form.csrf_token }}{% for option in form.value %}{{ option }} {{ option.label }}{% endfor %}
<button type="submit" name="action" value="next">Versturen</button></form></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "anchor"),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
        WTF_CSRF_TIME_LIMIT=None,
    )
    db.init_app(app)
    with app.app_context():
        db.create_all()

    @app.route("/", methods=["GET", "POST"])
    def question():
        form = AnswerForm()
        if form.validate_on_submit():
            db.session.add(Answer(value=int(form.value.data)))
            db.session.commit()
            return redirect(url_for("thanks"))
        return render_template_string(PAGE, form=form)

    @app.get("/bedankt")
    def thanks():
        return render_template_string("<!doctype html><title>Bedankt</title><p>Bedankt!</p>")

    return app
