"""Importing an XLSForm through the page and the command line, and downloading versions."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from peer_research.cli import main
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services
from surveys.models import Questionnaire
from surveys.xlsform import import_xlsform

from builders import question
from support import page_text

SIMPLE_FORM = (
    "survey,,,,\n,type,name,label,relevant\n,integer,age,How old are you?,\n"
    ",select_one yn,carer,Do you care for someone?,${age} >= 16\n"
    "choices,,,,\n,list_name,name,label,\n,yn,yes,Yes,\n,yn,no,No,\n"
)
GPS_FORM = "survey,,,\n,type,name,label\n,integer,age,Age\n,geopoint,where,Where are you?\n"


def to_csv(text: str) -> bytes:
    """Return the CSV layout pyxform reads (sheet names as section rows)."""
    return text.encode()


@pytest.fixture
def import_url(client, auth, facilitator):
    """Sign the facilitator in and return the import page's address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires/import"


def upload(client, url, content: bytes, filename: str, unsupported="refuse"):
    """Post a file to the import page."""
    return client.post(
        url,
        data={"file": (io.BytesIO(content), filename), "unsupported": unsupported},
        content_type="multipart/form-data",
    )


def test_import_creates_a_draft_and_reports_it(client, import_url, db_session):
    response = upload(client, import_url, to_csv(SIMPLE_FORM), "carers.csv")
    page = page_text(response)
    assert "Imported" in page and "2 questions" in page
    created = db_session.scalar(sa.select(Questionnaire))
    draft = services.draft_definition(db_session, created)
    assert [q.name for q in draft.questions()] == ["age", "carer"]
    assert draft.find("carer").relevance == "${age} >= 16"


def test_unfieldable_questions_are_listed_with_rows_and_nothing_is_created(
    client, import_url, db_session
):
    response = upload(client, import_url, to_csv(GPS_FORM), "gps.csv")
    page = page_text(response)
    assert "The file was not imported" in page
    assert "Sheet Row Column What to fix survey 4 type" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 0
    mapped = page_text(upload(client, import_url, to_csv(GPS_FORM), "gps.csv", unsupported="map"))
    assert "Imported" in mapped and "What happened survey 4 type" in mapped


def test_no_file_and_a_corrupt_file_are_explained(client, import_url, db_session):
    assert "Choose a file" in page_text(client.post(import_url, data={"unsupported": "refuse"}))
    page = page_text(upload(client, import_url, b"PK\x03\x04 not really a zip", "broken.xlsx"))
    assert "The file was not imported" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 0


def test_published_version_downloads_as_an_xlsform(
    app, client, auth, facilitator, questionnaire, db_session
):
    with app.app_context():
        services.add_item(
            db_session,
            questionnaire=questionnaire,
            changed_by=facilitator.user,
            item=question("age", d.QuestionType.INTEGER, label={"en": "How old are you?"}),
        )
        services.publish_version(
            db_session, questionnaire=questionnaire, published_by=facilitator.user
        )
    db_session.commit()
    auth.sign_in(facilitator.user)
    base = f"/studies/{facilitator.study.slug}/questionnaires/{questionnaire.id}/versions/1"
    assert (
        "Download as a spreadsheet (an XLSForm: the spreadsheet layout that KoboToolbox and "
        "ODK read)" in page_text(client.get(base))
    )
    response = client.get(f"{base}/xlsform")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    again = import_xlsform(response.data, "v1.xlsx")
    assert again.imported
    assert again.definition.find("age").label == {"en": "How old are you?"}
    assert client.get(base.replace("/versions/1", "/versions/9") + "/xlsform").status_code == 404


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """Point the command line at a fresh migrated SQLite database with one study."""
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PEER_RESEARCH_SECRET_KEY", "c" * 64)
    monkeypatch.setenv("PEER_RESEARCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["study", "create", "carers", "--title", "Carers"]).exit_code == 0
    return runner


def test_cli_import_prints_the_report_and_exits_zero(cli_env, tmp_path):
    form = tmp_path / "carers.csv"
    form.write_text(SIMPLE_FORM)
    result = cli_env.invoke(main, ["questionnaire", "import", str(form), "--study", "carers"])
    assert result.exit_code == 0, result.output
    assert "imported 2 questions" in result.output


def test_cli_import_refuses_with_a_json_report(cli_env, tmp_path):
    form = tmp_path / "gps.csv"
    form.write_text(GPS_FORM)
    result = cli_env.invoke(
        main, ["questionnaire", "import", str(form), "--study", "carers", "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["imported"] is False
    assert any(finding["row"] == 4 for finding in report["findings"])


def test_cli_export_writes_a_version_pyxform_reads(cli_env, tmp_path, app):
    form = tmp_path / "carers.csv"
    form.write_text(SIMPLE_FORM)
    cli_env.invoke(main, ["questionnaire", "import", str(form), "--study", "carers"])
    output = tmp_path / "out.xlsx"
    refused = cli_env.invoke(
        main, ["questionnaire", "export", "--study", "carers", "-o", str(output)]
    )
    assert refused.exit_code == 1 and "no published version" in refused.output
    _publish_first_questionnaire(tmp_path)
    result = cli_env.invoke(
        main, ["questionnaire", "export", "--study", "carers", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    from pyxform.xls2xform import convert

    assert "<h:title>" in convert(output.read_bytes(), file_type=".xlsx", warnings=[]).xform


def _publish_first_questionnaire(tmp_path: Path) -> None:
    """Publish the CLI database's questionnaire through the services."""
    from peer_research import create_app
    from peer_research.db import db

    app = create_app(instance_path=str(tmp_path))
    with app.app_context():
        questionnaire = db.session.scalar(sa.select(Questionnaire))
        services.publish_version(db.session, questionnaire=questionnaire, published_by=None)
        db.commit()
    app.extensions["database"].engine.dispose()


def _kept(response) -> str:
    """Return the kept file's token from the import page's form."""
    found = re.search(r'name="kept" type="hidden" value="([^"]*)"', response.get_data(as_text=True))
    assert found, "the page keeps no file"
    return found.group(1)


def test_the_report_starts_with_what_to_fix_and_keeps_the_file_for_try_again(
    client, auth, import_url, db_session, make_member, facilitator
):
    """Errors (sheet, row, column) come first; "Try again" needs no new file."""
    form = GPS_FORM + "choices,,,\n,list_name,name,label\n,,orphan,Orphan\n"
    refused = upload(client, import_url, to_csv(form), "gps.csv")
    page = page_text(refused)
    fix = page.index("What to fix first")
    assert fix < page.index("Try again") < page.index("Other things we found")
    assert "survey 4 type 'geopoint'" in page[fix : page.index("Try again")]
    assert "choices 7 list_name This row has no list_name" in page[page.index("Try again") :]
    assert "We kept gps.csv for you." in page
    token = _kept(refused)
    assert token

    again = client.post(
        import_url,
        data={"kept": token, "unsupported": "map"},
        content_type="multipart/form-data",
    )
    assert "Imported" in page_text(again)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 1

    other = make_member(study=facilitator.study, roles=[Role.FACILITATOR])
    auth.sign_out()
    auth.sign_in(other.user)
    stolen = page_text(
        client.post(
            import_url,
            data={"kept": token, "unsupported": "map"},
            content_type="multipart/form-data",
        )
    )
    assert "Choose the file again" in stolen
    forged = page_text(
        client.post(
            import_url,
            data={"kept": token[:-3] + "abc", "unsupported": "map"},
            content_type="multipart/form-data",
        )
    )
    assert "Choose the file again" in forged
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 1
