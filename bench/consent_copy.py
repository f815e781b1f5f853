"""Making the participant's copy of a consent as a PDF, against a bare WeasyPrint render.

Ours is what the copy page does for one consent record: read the form version's wording,
open the sealed envelope with the study's private key (RSA-3072 and AES-GCM), lay out the
copy (information sheet, each statement and answer, the signature picture, the footer) and
render it with WeasyPrint through `peer_research.pdf`. The baseline is WeasyPrint turning a
one-page HTML document (a heading and a few paragraphs) into a PDF in the same run, so the
ratio is what our copy costs over the least a PDF costs on this machine.
`consent_copy_pdf_layout` times the layout and render alone, with the details already
opened: the difference between the two figures is opening the envelope (mostly loading the
study's private key file).
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from bench.apps import seeding_app
from bench.report import Figure, compare

TARGET_SECONDS = 0.3
BARE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>One page</title>
<style>@page { size: A4; margin: 20mm }</style></head><body><h1>A one-page document</h1>
<p>This is the least a PDF costs: a heading and three short paragraphs of plain text.</p>
<p>It has no pictures, no tables and no running footer.</p><p>The end.</p></body></html>"""


def seconds(run: Callable[[], object], repeat: int) -> float:
    """Return the mean seconds of one call, after a warm-up call."""
    run()
    started = time.perf_counter()
    for _ in range(repeat):
        run()
    return (time.perf_counter() - started) / repeat


def signature_data_url() -> str:
    """Return a drawn signature as a PNG data URL, the size a tablet sends."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(20, 160), (140, 40), (260, 150), (380, 50), (580, 120)], fill="black", width=6
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def seed_consent(app) -> tuple[int, str]:
    """Make a study with a published consent form, its key and one signed consent; return
    the study's id and the consent's UUID."""
    from consent.services import (
        ParticipantCode,
        configured_key_dir,
        draft_of,
        ensure_study_key,
        publish_draft,
        receive_consents,
        seal,
    )
    from peer_research.accounts.services import create_user
    from peer_research.db import db
    from peer_research.studies.services import create_study

    with app.test_request_context(method="POST"):
        session = db.session
        user = create_user(session, username="sam", display_name="Sam", password="x" * 20)
        study = create_study(session, slug="bench", title="Carers' voices", created_by=user)
        key = ensure_study_key(session, study, configured_key_dir())
        draft_of(session, study)
        version = publish_draft(session, study=study, by=user, requires_reconsent=False)
        session.add(ParticipantCode(study_id=study.id, code="KT7-M4C", reserved_for_id=user.id))
        details = {
            "name": "Mary Jones",
            "contact": {"email": "mary@example.org", "phone": None, "address": None},
            "signature": signature_data_url(),
            "typed_name": None,
            "witness": None,
            "consultee": None,
        }
        item = {
            "uuid": "5f0e2a49-8f7d-4d2b-9a57-0c2a1c3b4d5e",
            "form_version_id": version.id,
            "language": "en",
            "method": "signature",
            "participant_code": "KT7-M4C",
            "answers": {"take_part": True, "quotes": False, "recontact": True},
            "given_at": datetime(2026, 12, 3, 10, tzinfo=UTC).isoformat(),
            "identifiable": seal(details, key.public_key_pem, key.key_id),
        }
        (receipt,) = receive_consents(
            session, study=study, interviewer=user, items=[item], key_dir=configured_key_dir()
        )
        if receipt.outcome != "accepted":
            raise RuntimeError(f"the benchmark's consent was refused: {receipt.message}")
        db.commit()
        return study.id, item["uuid"]


def gather_copy(app, study_id: int, consent_uuid: str):
    """Return what the copy shows, gathered as the copy page does (the envelope opened)."""
    from consent import copies
    from consent.services import configured_key_dir
    from peer_research.db import db
    from peer_research.studies.models import Study

    study = db.session.get(Study, study_id)
    consent = copies.find_consent(db.session, study_id, consent_uuid)
    return copies.participant_copy(
        db.session, study=study, consent=consent, key_dir=configured_key_dir(), easy_read=False
    )


def copy_maker(app, study_id: int, consent_uuid: str) -> Callable[[], bytes]:
    """Return a function that makes the copy's PDF the way the copy page does."""
    from consent import pdfs

    def make() -> bytes:
        with app.test_request_context():
            return pdfs.copy_pdf(gather_copy(app, study_id, consent_uuid))

    return make


def layout_maker(app, study_id: int, consent_uuid: str) -> Callable[[], bytes]:
    """Return a function that only lays out and renders an already gathered copy."""
    from consent import pdfs

    with app.test_request_context():
        copy = gather_copy(app, study_id, consent_uuid)

    def make() -> bytes:
        with app.test_request_context():
            return pdfs.copy_pdf(copy)

    return make


def bare_render() -> bytes:
    """Render the one-page document with WeasyPrint and nothing else."""
    from weasyprint import HTML

    return HTML(string=BARE_PAGE).write_pdf()


def run() -> Iterator[Figure]:
    """Print the copy's generation time, with a bare one-page WeasyPrint render as baseline."""
    from peer_research.migrate import upgrade

    repeat = int(os.environ.get("BENCH_CONSENT_COPY_REPEAT", "10"))
    with tempfile.TemporaryDirectory(prefix="peer-research-bench-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        upgrade(url)
        app = seeding_app(url, "bench-secret-" + "x" * 32, folder / "instance")
        study_id, consent_uuid = seed_consent(app)
        make = copy_maker(app, study_id, consent_uuid)
        pdf = make()
        if b"%PDF" not in pdf[:8]:
            yield Figure("consent_copy_pdf: failed (not a PDF)", ok=False)
            return
        ours = seconds(make, repeat)
        layout = seconds(layout_maker(app, study_id, consent_uuid), repeat)
        baseline = seconds(bare_render, repeat)
        app.extensions["database"].engine.dispose()
    line = compare("consent_copy_pdf", ours, baseline, "s", "bare WeasyPrint one-page")
    yield Figure(f"{line} [target < {TARGET_SECONDS} s, {len(pdf) // 1024} KB]")
    # The same copy with its details already opened: the layout and render alone.
    yield Figure(compare("consent_copy_pdf_layout", layout, baseline, "s", "bare WeasyPrint"))
