"""The text rules every form shares (text_rules.py): one email rule, one slug rule."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from app import create_app
from auth.forms import ForgotPasswordForm, LoginForm
from manage.forms import MemberForm, PartnershipForm, ProgrammeForm
from surveys.invitations import parse_emails
from text_rules import is_email, is_slug, normal_email, slug_rule

# --- Email addresses -------------------------------------------------------------------------

GOOD = ["jan@example.nl", "j.de-vries+monitor@gemeente.example.nl", "a@b.co"]
BAD = [
    "jan@example",  # no dot after the @
    "jan.example.nl",  # no @
    "jan@@example.nl",
    "jan@piet@example.nl",  # two @
    "jan @example.nl",
    "jan@exa mple.nl",  # a space inside
    "@example.nl",
    "jan@.nl",
    "jan@example.",  # nothing on one side
    "jan@example.nl,piet@example.nl",
    "jan@example.nl;piet@example.nl",  # a list in one field
    "jan,piet@example.nl",
    "jan@example.nl;",
    "<jan@example.nl>",  # separators with one @
    "Jan <jan@example.nl>",
    "jan@example.nl\n",  # fullmatch: no trailing newline
    "",
]


@pytest.mark.parametrize("address", GOOD)
def test_addresses_that_are_one_address(address):
    assert is_email(address)


@pytest.mark.parametrize("address", BAD)
def test_addresses_that_are_not(address):
    assert not is_email(address)


def test_an_address_is_stored_without_spaces_around_it_and_in_lower_case():
    assert normal_email("  Jan.De.Vries@Gemeente.EXAMPLE.nl \t") == "jan.de.vries@gemeente.example.nl"


def test_a_pasted_list_splits_on_lines_commas_semicolons_and_spaces():
    text = " Jan@Example.nl, piet@example.nl;kees@example.nl\nfout@voorbeeld\n\nJAN@example.nl  anna@example.nl"
    pasted = parse_emails(text)
    assert pasted.valid == ["jan@example.nl", "piet@example.nl", "kees@example.nl", "anna@example.nl"]  # Jan once
    assert pasted.invalid == ["fout@voorbeeld"]
    assert (pasted.duplicates, pasted.entered) == (1, 6)


def test_a_pasted_outlook_list_keeps_the_addresses_and_drops_the_names():
    text = "Jansen, Jan <Jan@Example.nl>; Piet <piet@example.nl>; kapot@@example.nl"
    assert parse_emails(text) == (["jan@example.nl", "piet@example.nl"], ["kapot@@example.nl"], 0)


@pytest.fixture(scope="module")
def bare_app():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "WTF_CSRF_ENABLED": False})


def submitted(bare_app, form_class, **fields):
    with bare_app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict(fields))
        return form.validate(), form


@pytest.mark.parametrize(
    ("form_class", "kept"),
    [
        (MemberForm, "jan@example.nl"),  # stored as the invitation's address
        (ForgotPasswordForm, "Jan@Example.NL"),  # the link goes to the address as typed
    ],
)
def test_every_address_form_checks_alike(bare_app, form_class, kept):
    extra = {"role": "viewer"} if form_class is MemberForm else {}
    valid, form = submitted(bare_app, form_class, email="  Jan@Example.NL ", **extra)
    assert valid and form.email.data == kept
    for address in ["jan@example", "jan@@example.nl", "jan@example.nl, piet@example.nl", "jan,piet@example.nl"]:
        valid, form = submitted(bare_app, form_class, email=address, **extra)
        assert not valid and form.email.errors == ["Dit is geen geldig e-mailadres."], address


def test_sign_in_normalises_the_address_but_says_nothing_about_its_form(bare_app):
    valid, form = submitted(bare_app, LoginForm, email=" Jan@Example.NL ", password="x")
    assert valid and form.email.data == "jan@example.nl"
    valid, form = submitted(bare_app, LoginForm, email="geen adres", password="x")
    assert valid  # the view answers "wrong email or password", as for any unknown account


# --- Slugs -----------------------------------------------------------------------------------

NOT_SLUGS = ["twente\n", "twente\r\n", "Twente", "twente!", "twen te", "-twente", "twente_x", "", "x" * 81]


@pytest.mark.parametrize("text", ["twente", "t", "regio-twente-2", "0a", "x" * 80])
def test_slugs(text):
    assert is_slug(text)


@pytest.mark.parametrize("text", NOT_SLUGS)
def test_not_slugs(text):
    assert not is_slug(text)


@pytest.mark.parametrize("text", ["twente\n", "twente!", "Twente", "x" * 81])
def test_the_slug_validator_refuses_what_is_no_slug(bare_app, text):
    """The validator on its own, since the form strips surrounding whitespace before it runs."""
    field = type("Field", (), {"data": text})()
    with bare_app.test_request_context(), pytest.raises(ValidationError) as refused:
        slug_rule(None, field)
    assert str(refused.value) == "Alleen kleine letters, cijfers en streepjes."


@pytest.mark.parametrize("form_class", [PartnershipForm, ProgrammeForm])
def test_the_forms_strip_a_final_newline_and_refuse_one_inside(bare_app, form_class):
    valid, form = submitted(bare_app, form_class, name="Samen Twente", slug="twente\n")
    assert not form.slug.errors and form.slug.data == "twente"
    for text in ("twen\nte", "twente!", "Twente"):
        valid, form = submitted(bare_app, form_class, name="Samen Twente", slug=text)
        assert not valid and form.slug.errors, text


@pytest.mark.parametrize("text", ["twente\n", "twente!", "Twente"])
def test_the_command_line_refuses_what_is_no_slug(bare_app, text):
    result = bare_app.test_cli_runner().invoke(args=["partnership", "create", text, "Samen Twente"])
    assert result.exit_code != 0 and "A slug is lowercase letters, digits and hyphens" in result.output


@pytest.mark.parametrize("slug", ["kwaliteit", "programma"])
def test_a_slug_that_names_a_page_of_the_app_is_refused_by_form_and_command_line(bare_app, slug):
    """/dashboard/kwaliteit/ is the instrument's quality page: a partnership by that slug
    would never be reached at /dashboard/<slug>/; /dashboard/programma/... holds the
    programme pages, whose paths a partnership "programma" would share."""
    valid, form = submitted(bare_app, PartnershipForm, name="Samen", slug=slug)
    assert not valid and form.slug.errors == ["Deze korte naam gebruikt de app zelf al; kies een andere."]
    result = bare_app.test_cli_runner().invoke(args=["partnership", "create", slug, "Samen"])
    assert result.exit_code != 0 and "names a page of the app" in result.output
    if slug == "kwaliteit":
        assert bare_app.url_map.bind("x").match("/dashboard/kwaliteit/")[0] == "dashboard.quality"
