"""The `peer-research` command: demo, serve, database migrations, administrators, studies."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask

from peer_research.config import ConfigError


def make_app(ctx: click.Context, **overrides) -> Flask:
    """Build the app for a command, turning configuration problems into a clear message."""
    from peer_research import create_app

    instance = ctx.find_root().params.get("instance")
    try:
        return create_app(
            overrides or None, instance_path=str(Path(instance).resolve()) if instance else None
        )
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


@click.group()
@click.option(
    "--instance",
    envvar="PEER_RESEARCH_INSTANCE_PATH",
    type=click.Path(file_okay=False),
    help="Instance folder (local files, the SQLite database of demo instances).",
)
def main(instance: str | None) -> None:
    """peer-research: co-produced research in adult social care."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--instance",
    "demo_instance",
    type=click.Path(file_okay=False),
    default="instance-demo",
    show_default=True,
    help="Folder for this demo's own SQLite database; created if missing.",
)
@click.option("--no-serve", is_flag=True, help="Set up the demo and exit without serving.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, demo_instance: str, no_serve: bool) -> None:
    """Set up a demo study on SQLite, print how to sign in, and serve it."""
    from peer_research import create_app
    from peer_research.db import db
    from peer_research.demo import DEMO_PEOPLE, DEMO_STUDY_SLUG, seed_demo
    from peer_research.migrate import upgrade
    from peer_research.server import serve

    instance_path = Path(demo_instance).resolve()
    instance_path.mkdir(parents=True, exist_ok=True)
    app = create_app({"DEMO": True}, instance_path=str(instance_path))
    upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        fresh = seed_demo(db.session)
        db.commit()
    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"  # noqa: S104
    click.echo(f"\npeer-research demo is ready: open {url}")
    click.echo(f"Demo study: {url}studies/{DEMO_STUDY_SLUG}/")
    click.echo(f"Instance folder: {instance_path}")
    if fresh:
        click.echo("This is a fresh demo: it starts with the demo study as made just now.\n")
    else:
        click.echo(
            "This demo keeps what was done in it before: the study, and every change people "
            "made to it, are as they were left.\nTo start fresh, delete that folder or give "
            "another one with --instance.\n"
        )
    click.echo("Sign in as any of these (username / password):")
    for person in DEMO_PEOPLE:
        roles = ", ".join(role.value for role in person.roles) or "site administrator"
        click.echo(
            f"  {person.username:<6} / {person.password:<26} {person.display_name} ({roles})"
        )
    click.echo("")
    if not no_serve:
        serve(app, host=host, port=port, workers=1, threads=8)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=lambda: min(2 * (os.cpu_count() or 1) + 1, 9), type=int)
@click.option("--threads", default=4, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (needs SECRET_KEY and DATABASE_URL)."""
    from peer_research.server import serve as run_server

    run_server(make_app(ctx), host=host, port=port, workers=workers, threads=threads)


@main.group(name="db")
def database() -> None:
    """Database migrations."""


@database.command()
@click.argument("revision", default="head")
@click.pass_context
def upgrade(ctx: click.Context, revision: str) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    from peer_research import migrate

    app = make_app(ctx)
    migrate.upgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at revision {revision}.")


@database.command()
@click.argument("revision")
@click.pass_context
def downgrade(ctx: click.Context, revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes every table)."""
    from peer_research import migrate

    app = make_app(ctx)
    migrate.downgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"Database is at revision {revision}.")


@database.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Print the revision the database is at, and the newest one."""
    from peer_research import migrate
    from peer_research.db import db

    app = make_app(ctx)
    with app.app_context(), db.engine.connect() as connection:
        click.echo(f"database: {migrate.current_revision(connection) or 'empty'}")
    click.echo(f"newest:   {migrate.head_revision()}")


@database.command()
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.pass_context
def revision(ctx: click.Context, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from peer_research import migrate

    app = make_app(ctx)
    migrate.make_revision(app.config["DATABASE_URL"], message)


@main.command("create-admin")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The name people see.")
@click.option("--email", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def create_admin(
    ctx: click.Context, username: str, display_name: str, email: str | None, password_stdin: bool
) -> None:
    """Create a site administrator."""
    from peer_research.accounts.services import create_user
    from peer_research.audit.services import Action, record
    from peer_research.db import db
    from peer_research.errors import DomainError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    app = make_app(ctx)
    with app.app_context():
        try:
            user = create_user(
                db.session,
                username=username,
                display_name=display_name,
                email=email,
                password=password,
                is_site_admin=True,
            )
        except DomainError as error:
            raise click.ClickException(error.message) from error
        record(db.session, Action.ADMIN_CREATED, subject=user, detail={"via": "command line"})
        db.commit()
        click.echo(f"Site administrator {user.username} created.")


@main.group()
def study() -> None:
    """Studies, for scripted set-ups."""


@study.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--description", default="")
@click.option("--facilitator", "facilitator_username", help="Username to make its facilitator.")
@click.pass_context
def create_study(
    ctx: click.Context, slug: str, title: str, description: str, facilitator_username: str | None
) -> None:
    """Create a study with the web address SLUG."""
    from peer_research.accounts.services import find_user_for_sign_in
    from peer_research.db import db
    from peer_research.errors import DomainError
    from peer_research.studies.models import Role
    from peer_research.studies.services import add_member
    from peer_research.studies.services import create_study as create

    app = make_app(ctx)
    with app.app_context():
        try:
            created = create(
                db.session, slug=slug, title=title, description=description, created_by=None
            )
            if facilitator_username:
                user = find_user_for_sign_in(db.session, facilitator_username)
                if user is None:
                    raise DomainError(f"No account with the username {facilitator_username!r}.")
                add_member(
                    db.session, study=created, user=user, roles=[Role.FACILITATOR], added_by=None
                )
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.commit()
        click.echo(f"Study {created.slug} created.")


@main.group()
def questionnaire() -> None:
    """Questionnaires: import and export XLSForms, for scripted set-ups."""


@questionnaire.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--study", "study_slug", required=True, help="The study's short web address.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--map-unsupported",
    is_flag=True,
    help="Import even when some questions cannot be asked, changing or leaving them out.",
)
@click.pass_context
def import_questionnaire(
    ctx: click.Context, file: str, study_slug: str, as_json: bool, map_unsupported: bool
) -> None:
    """Import an XLSForm FILE as a new questionnaire draft; exit 1 when refused."""
    from peer_research.db import db
    from peer_research.studies.services import get_study
    from surveys.services import import_questionnaire as create_from_definition
    from surveys.xlsform import MAX_BYTES, import_xlsform

    app = make_app(ctx)
    with app.app_context():
        study = get_study(db.session, study_slug)
        if study is None:
            raise click.ClickException(f"There is no study called {study_slug!r}.")
        path = Path(file)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        result = import_xlsform(data, path.name, unsupported="map" if map_unsupported else "refuse")
        if result.imported:
            created = create_from_definition(
                db.session, study=study, definition=result.definition, imported_by=None
            )
            db.commit()
        click.echo(result.report.as_json() if as_json else result.report.as_text(), nl=False)
        if not result.imported:
            ctx.exit(1)
        if not as_json:
            click.echo(f"Questionnaire {created.id} created in study {study.slug}.")


@questionnaire.command("export")
@click.option("--study", "study_slug", required=True, help="The study's short web address.")
@click.option("--questionnaire", "questionnaire_id", type=int, help="Which one (default: newest).")
@click.option("--version", "number", type=int, help="Which version (default: the newest).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
@click.pass_context
def export_questionnaire(
    ctx: click.Context,
    study_slug: str,
    questionnaire_id: int | None,
    number: int | None,
    output: str,
) -> None:
    """Write a published version as an XLSForm .xlsx file."""
    from peer_research.db import db
    from peer_research.studies.services import get_study
    from surveys import services
    from surveys.xlsform import export_xlsform

    app = make_app(ctx)
    with app.app_context():
        study = get_study(db.session, study_slug)
        if study is None:
            raise click.ClickException(f"There is no study called {study_slug!r}.")
        candidates = services.questionnaires_of(db.session, study)
        if questionnaire_id is not None:
            candidates = [q for q in candidates if q.id == questionnaire_id]
        if not candidates:
            raise click.ClickException("No such questionnaire in that study.")
        chosen = candidates[0]
        if not chosen.versions:
            raise click.ClickException("That questionnaire has no published version yet.")
        version = (
            chosen.versions[-1]
            if number is None
            else services.get_version(db.session, questionnaire=chosen, number=number)
        )
        if version is None:
            raise click.ClickException(f"Version {number} has not been published.")
        Path(output).write_bytes(export_xlsform(services.version_definition(version)))
        click.echo(f"Wrote version {version.number} of {chosen.title!r} to {output}.")


@main.group()
def notifications() -> None:
    """Notifications: what a cron job runs."""


@notifications.command("send")
@click.option(
    "--site-url",
    envvar="PEER_RESEARCH_SITE_URL",
    default=None,
    help="The site's address, for links in e-mails (e.g. https://research.example.org).",
)
@click.pass_context
def send_notifications(ctx: click.Context, site_url: str | None) -> None:
    """Close polls whose time is up, escalate wellbeing alerts nobody acknowledged in time,
    send "closes soon" notices and pending e-mails."""
    from peer_research.db import db, utcnow
    from peer_research.mail import mail_enabled, try_send_mail
    from peer_research.notifications.services import Mailer, send_pending_emails
    from peer_research.wellbeing.services import escalate_overdue_alerts
    from surveys.codesign.services import close_due_polls, notify_polls_closing_soon

    app = make_app(ctx)
    with app.app_context():
        now = utcnow()
        closed = close_due_polls(db.session, now)
        closing = notify_polls_closing_soon(db.session, now)
        db.commit()
        escalated = escalate_overdue_alerts(db.session, now=now)
        db.commit()
        mailer = Mailer(enabled=mail_enabled(), send=try_send_mail, base_url=site_url)
        sent = send_pending_emails(db.session, mailer=mailer, now=now)
        db.commit()
    click.echo(
        f"Polls closed: {len(closed)}. Closing-soon notices: {closing}. "
        f"Wellbeing alerts escalated: {len(escalated)}. E-mails sent: {sent}."
    )
