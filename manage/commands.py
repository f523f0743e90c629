"""`flask` commands: demo data, partnerships, rounds, accounts and backups."""

import json
import math

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

import clock
import mailer
from dashboard import queries
from dashboard.releases import next_figures, release_if_due
from dashboard.youth import release_youth_if_due
from extensions import db
from models import Partnership, Release, Role, Round, find_user
from surveys.instrument import available_versions
from surveys.responses import purge_drafts
from text_rules import RESERVED_SLUGS, is_slug

from . import backup
from .accounts import AccountError, create_user, grant
from .demo import (
    DEMO_COORDINATOR_EMAIL,
    DEMO_LEADER_EMAIL,
    create_demo,
    create_demo_programme,
    reset_demo_coordinator,
    reset_demo_leader,
)
from .round_dates import round_dates_problem
from .survey_mail import send_due_reminders

partnership_cli = AppGroup("partnership", help="Partnerships (samenwerkingsverbanden).")
round_cli = AppGroup("round", help="Rounds (metingen) and their survey links.")
user_cli = AppGroup("user", help="Leader, viewer and administrator accounts.")
backup_cli = AppGroup("backup", help="Export everything (or one partnership) to a file, and restore it.")


def survey_link(round_: Round) -> str:
    return f"{current_app.config['PUBLIC_URL']}/s/{round_.public_code}"


def get_partnership(slug: str) -> Partnership:
    partnership = db.session.scalar(db.select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise click.ClickException(f"No partnership '{slug}'.")
    return partnership


@click.command("demo")
@with_appcontext
def demo_command():
    """Create the demo partnership with three closed rounds and one open round (once)."""
    round_ = create_demo()
    programme = create_demo_programme()
    password = reset_demo_leader()
    coordinator_password = reset_demo_coordinator()
    click.echo(f"Demo partnership: {round_.partnership.name}")
    click.echo(f"Survey link of the open round '{round_.title}': {survey_link(round_)}")
    click.echo(
        f"Dashboard: {current_app.config['PUBLIC_URL']}/inloggen  email: {DEMO_LEADER_EMAIL}  password: {password}"
    )
    click.echo(
        f"Programme '{programme.name}': {current_app.config['PUBLIC_URL']}/dashboard/programma/{programme.slug}/"
        f"  email: {DEMO_COORDINATOR_EMAIL}  password: {coordinator_password}"
    )
    click.echo("(the demo accounts get a new password every time this command runs)")


@partnership_cli.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--region", default="", help="Region, for example 'Twente'.")
def create_partnership(slug: str, name: str, region: str):
    """Create a partnership with a short SLUG (used in URLs) and a NAME."""
    if not is_slug(slug):
        raise click.ClickException("A slug is lowercase letters, digits and hyphens (at most 80).")
    if slug in RESERVED_SLUGS:
        raise click.ClickException(f"'{slug}' names a page of the app; choose another slug.")
    if db.session.scalar(db.select(Partnership).where(Partnership.slug == slug)):
        raise click.ClickException(f"Partnership '{slug}' exists already.")
    db.session.add(Partnership(slug=slug, name=name, region=region))
    db.session.commit()
    click.echo(f"Created partnership '{slug}': {name}")


@round_cli.command("create")
@click.argument("slug")
@click.argument("title")
@click.option(
    "--opens",
    type=click.DateTime(["%Y-%m-%d"]),
    default=lambda: str(clock.today()),
    help="Opening day (YYYY-MM-DD), default today.",
)
@click.option(
    "--closes", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day answers are taken (YYYY-MM-DD)."
)
@click.option("--instrument", "version", type=int, default=None, help="Instrument version, default the latest.")
@click.option(
    "--show-results-while-open",
    is_flag=True,
    help="Leaders see results while the round is open (by default only once it is closed).",
)
def create_round(slug: str, title: str, opens, closes, version: int | None, show_results_while_open: bool):
    """Create a round TITLE for partnership SLUG and print its survey link."""
    versions = available_versions()
    version = version or versions[-1]
    if version not in versions:
        raise click.ClickException(f"No instrument version {version}; available: {versions}.")
    problem = round_dates_problem(opens.date(), closes.date())
    if problem is not None:
        with force_locale("en"):  # the command line speaks English
            raise click.ClickException(str(problem))
    round_ = Round(
        partnership=get_partnership(slug),
        title=title,
        instrument_version=version,
        opens_on=opens.date(),
        closes_on=closes.date(),
    )
    if show_results_while_open:
        round_.hide_results_while_open = False
    db.session.add(round_)
    db.session.commit()
    click.echo(f"Created round '{title}' ({round_.opens_on} to {round_.closes_on}).")
    click.echo(f"Survey link: {survey_link(round_)}")


@round_cli.command("list")
@click.argument("slug")
def list_rounds(slug: str):
    """List the rounds of partnership SLUG with their state and survey link."""
    for round_ in get_partnership(slug).rounds:
        click.echo(
            f"{round_.title}\t{round_.state().value}\t{round_.opens_on} to {round_.closes_on}\t{survey_link(round_)}"
        )


@click.command("purge-drafts")
@with_appcontext
def purge_drafts_command():
    """Delete unfinished questionnaires of closed rounds or untouched for the session lifetime
    (run daily, for example from cron)."""
    keep = current_app.config["PERMANENT_SESSION_LIFETIME"]
    deleted = purge_drafts(untouched_since=clock.today() - keep)
    click.echo(f"Deleted {deleted} unfinished questionnaire(s).")


@click.command("daily")
@with_appcontext
def daily_command():
    """The daily run, for cron: mail the reminders due today (each once, however often this
    runs), then delete abandoned unfinished questionnaires. Rounds open and close on their
    dates by themselves."""
    if not mailer.mail_configured():
        click.echo("No MAIL_SERVER set: no reminders sent (personal links go only by email).")
    for round_, sent, failed in send_due_reminders(clock.today()):
        click.echo(f"{round_.partnership.slug}: {round_.title}: {sent} reminder(s) sent, {failed} failed.")
    keep = current_app.config["PERMANENT_SESSION_LIFETIME"]
    click.echo(f"Deleted {purge_drafts(untouched_since=clock.today() - keep)} unfinished questionnaire(s).")


@user_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when left out.")
@click.option("--admin", is_flag=True, help="Administrator: sees and leads every partnership.")
def create_user_command(email: str, name: str, password: str, admin: bool):
    """Create an account for EMAIL."""
    try:
        create_user(email, password, name=name, is_admin=admin)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {'administrator' if admin else 'user'} {email}.")


@user_cli.command("grant")
@click.argument("email")
@click.argument("slug")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.LEADER.value, show_default=True)
def grant_command(email: str, slug: str, role: str):
    """Give user EMAIL a role in partnership SLUG."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    try:
        grant(user, get_partnership(slug), Role(role))
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{email} is now {role} of {slug}.")


@user_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
def reset_password_command(email: str, password_stdin: bool):
    """Set a new password for EMAIL (asked for twice), ending every session of that user."""
    import sys

    from auth.passwords import PasswordError, set_new_password

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        set_new_password(user, password)
        db.session.commit()
    except PasswordError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"New password set for {user.email}; every session of this user has ended.")


@backup_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--partnership", "slug", default=None, help="Only this partnership (with its rounds, answers, members and log)."
)
def backup_export(file: str, slug: str | None):
    """Write a backup to FILE (JSON with a checksum)."""
    partnership_id = get_partnership(slug).id if slug else None
    document = backup.export(partnership_id)
    with open(file, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    rows = sum(len(rows) for rows in document["content"]["tables"].values())
    click.echo(f"Wrote {rows} rows to {file}.")


@backup_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def backup_import(file: str):
    """Restore FILE into this (empty, migrated) database; a damaged file changes nothing."""
    with open(file, "rb") as handle:
        raw = handle.read()
    try:
        counts = backup.restore(raw)
    except backup.BackupError as error:
        raise click.ClickException(f"Not restored: {error}") from error
    click.echo(f"Restored {sum(counts.values())} rows.")


@click.command("release")
@with_appcontext
def release_command():
    """Make every release that is due (after an upgrade, responses stored before releases
    existed wait for their first one)."""
    made = 0
    for round_id in db.session.scalars(select(Round.id)).all():
        while release_if_due(round_id, current_app.config["MIN_GROUP_SIZE"]) is not None:
            made += 1
        while release_youth_if_due(round_id, current_app.config["MIN_GROUP_SIZE"]) is not None:
            made += 1  # the youth questionnaire's releases, by the same rule
    click.echo(f"{made} release(s) made.")


def differences(stored, recomputed, path: str = "") -> list[str]:
    """Where two figure trees differ ("path: stored -> recomputed"); numbers within 1e-9 are
    equal (a database may add floats in another order)."""
    if isinstance(stored, dict) and isinstance(recomputed, dict):
        found = []
        for key in sorted(set(stored) | set(recomputed), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in stored or key not in recomputed:
                found.append(f"{where}: {stored.get(key, 'missing')!r} -> {recomputed.get(key, 'missing')!r}")
            else:
                found += differences(stored[key], recomputed[key], where)
        return found
    if isinstance(stored, list) and isinstance(recomputed, list) and len(stored) == len(recomputed):
        if path.startswith("displayed."):  # sets: their order does not matter
            return (
                []
                if sorted(map(json.dumps, stored)) == sorted(map(json.dumps, recomputed))
                else [f"{path}: {stored!r} -> {recomputed!r}"]
            )
        return [d for i, (a, b) in enumerate(zip(stored, recomputed)) for d in differences(a, b, f"{path}[{i}]")]
    numbers = (int, float)
    if isinstance(stored, numbers) and isinstance(recomputed, numbers) and not isinstance(stored, bool):
        equal = math.isclose(stored, recomputed, rel_tol=1e-9, abs_tol=1e-9)
        return [] if equal else [f"{path}: {stored} -> {recomputed}"]
    return [] if stored == recomputed else [f"{path}: {stored!r} -> {recomputed!r}"]


def check_round(round_: Round, min_size: int) -> list[str]:
    """Recompute every release of a round from its answers through the release code
    (releases.next_figures) on the sets it was made from: the responses released up to it,
    the release before it as stored, and the releases leaders had seen before it."""
    problems = []
    releases = list(db.session.scalars(select(Release).where(Release.round_id == round_.id).order_by(Release.number)))
    for index, release in enumerate(releases):
        previous = releases[index - 1] if index else None
        seen: dict[str, list] = {}
        for earlier in releases[:index]:
            if earlier.shown:  # set before the next release was made, never changed after
                for variable, entries in earlier.figures.get("displayed", earlier.figures.get("published", {})).items():
                    seen.setdefault(variable, []).extend(entries)
        recomputed = next_figures(round_, release.number, previous.figures if previous else None, seen, min_size)
        members = sum(queries.members(round_.id, release.number).values())
        found = ([f"n: {release.n} -> {members}"] if release.n != members else []) + differences(
            release.figures, recomputed
        )
        problems += [f"round {round_.id} ({round_.title}) release {release.number}: {line}" for line in found]
    return problems


@click.command("check-figures")
@click.option("--round", "round_id", type=int, default=None, help="Only this round (its id); default every round.")
@with_appcontext
def check_figures_command(round_id: int | None):
    """Recompute every stored release's figures from the answers and report any difference
    (exit status 1 when one differs). Changes nothing."""
    min_size = current_app.config["MIN_GROUP_SIZE"]
    if round_id is not None:
        round_ = db.session.get(Round, round_id)
        if round_ is None:
            raise click.ClickException(f"No round {round_id}.")
        rounds = [round_]
    else:
        rounds = list(db.session.scalars(select(Round).order_by(Round.id)))
    problems, checked = [], 0
    for round_ in rounds:
        problems += check_round(round_, min_size)
        checked += db.session.scalar(select(func.count()).select_from(Release).where(Release.round_id == round_.id))
        db.session.rollback()  # nothing was written; end the read before the next round
    for line in problems:
        click.echo(line)
    click.echo(f"Checked {checked} release(s) of {len(rounds)} round(s): {len(problems)} difference(s).")
    if problems:
        raise SystemExit(1)


def register(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(release_command)
    app.cli.add_command(check_figures_command)
    app.cli.add_command(purge_drafts_command)
    app.cli.add_command(daily_command)
    app.cli.add_command(partnership_cli)
    app.cli.add_command(round_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(backup_cli)
