"""The facilitators' consent pages: the register, a participant, their identifiable details
(after a reason, audited), the participant's copy of a consent (print or e-mail), and
withdrawals with their confirmation.

Peer researchers reach only the copy of a consent they took (the tablet links to it).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from consent import copies, participants, pdfs
from consent import services as consent
from consent.forms import (
    CHOICE_HINTS,
    CHOICE_NAMES,
    METHOD_NAMES,
    STATUS_NAMES,
    DetailsReasonForm,
    EmailCopyForm,
    RegisterFilterForm,
    WithdrawalForm,
)
from peer_research.access import ANY_MEMBER, FACILITATORS, allow, members_with
from peer_research.db import db
from peer_research.errors import DomainError
from peer_research.forms import show_domain_error
from peer_research.mail import mail_enabled, try_send_mail
from peer_research.paging import requested_page

blueprint = Blueprint("consent", __name__)
CONSENT = "/studies/<study_slug>/consent"
# Facilitators, and the peer researcher who took the consent (checked in the view).
COPY_TAKERS = members_with("facilitator", "peer_researcher")
PER_PAGE = 50
PDF_HEADERS = {"Cache-Control": "no-store"}


@blueprint.context_processor
def consent_names() -> dict:
    """Give templates the plain names of statuses, methods and withdrawal choices."""
    return {
        "consent_status_names": STATUS_NAMES,
        "consent_method_names": METHOD_NAMES,
        "withdrawal_choice_names": CHOICE_NAMES,
        "withdrawal_choice_hints": CHOICE_HINTS,
    }


def _is_facilitator() -> bool:
    return g.membership.has_any_role(FACILITATORS.study_roles)


def _participant_or_404(code: str) -> participants.Participant:
    """Return the participant a code names (typed in any case, with or without the dash)."""
    canonical = consent.normalise_code(code[:20]) or code[:20]
    found = participants.participant(db.session, g.study.id, canonical)
    if found is None:
        abort(404, _("This study has no participant with that code."))
    return found


@blueprint.get(f"{CONSENT}/register")
@allow(FACILITATORS)
def show_register():
    """Show the study's participants by code: version, method, what they agreed, status."""
    form = _register_filter()
    rows = _register_rows(form)
    page = requested_page()
    shown = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    filters = {name: value for name, value in _filter_args(form).items() if value}
    return render_template(
        "consent/register.html",
        form=form,
        rows=shown,
        total=len(rows),
        page=page,
        has_next=len(rows) > page * PER_PAGE,
        filters=filters,
        names_of=participants.statement_names,
        contents=_contents(shown),
    )


@blueprint.get(f"{CONSENT}/register.csv")
@allow(FACILITATORS)
def download_register():
    """Give the register (filtered as on the page) as CSV, without identifiable details."""
    rows = _register_rows(_register_filter())
    lines = participants.register_csv_rows(rows, consent.REGISTER_CSV_FIELDS)
    filename = f"consent-register-{g.study.slug}.csv"
    return Response(
        participants.csv_text(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _register_filter() -> RegisterFilterForm:
    form = RegisterFilterForm(request.args)
    numbers = [v.number for v in consent.published_versions(db.session, g.study.id) if v.number]
    form.offer_versions(sorted(numbers))
    if request.args and not form.validate():
        # A filter that names nothing we know is dropped, not an error page.
        for field in (form.status, form.version, form.method):
            if field.errors:
                field.data = None
    return form


def _filter_args(form: RegisterFilterForm) -> dict:
    return {"status": form.status.data, "version": form.version.data, "method": form.method.data}


def _register_rows(form: RegisterFilterForm) -> list:
    return consent.register_rows(
        db.session,
        g.study.id,
        status=consent.ParticipantStatus(form.status.data) if form.status.data else None,
        version_number=int(form.version.data) if form.version.data else None,
        method=consent.ConsentMethod(form.method.data) if form.method.data else None,
    )


def _contents(rows: list) -> dict[int, dict]:
    """Map the version numbers on a page to their wording (to name the statements)."""
    wanted = {row.version_number for row in rows}
    return {
        v.number: v.content
        for v in consent.published_versions(db.session, g.study.id)
        if v.number in wanted
    }


@blueprint.get(f"{CONSENT}/participants/<participant_code>")
@allow(FACILITATORS)
def show_participant(participant_code: str):
    """Show one participant's consents by code, their status, copies and "withdraw"."""
    found = _participant_or_404(participant_code)
    return render_template("consent/participant.html", participant=found)


@blueprint.route(f"{CONSENT}/participants/<participant_code>/details", methods=["GET", "POST"])
@allow(ANY_MEMBER)
def show_details(participant_code: str):
    """Ask a facilitator why, then show one participant's name and details (audited)."""
    if not _is_facilitator():
        with db.writing():
            participants.note_details_refused(
                db.session, study=g.study, code=participant_code, by=current_user
            )
        abort(403, _("Only the study's facilitators can see a participant's details."))
    found = _participant_or_404(participant_code)
    form = DetailsReasonForm()
    if form.validate_on_submit():
        try:
            revealed = participants.reveal_participant(
                db.session,
                study=g.study,
                code=found.participant_code,
                viewer=current_user,
                reason=form.reason.data,
                key_dir=consent.configured_key_dir(),
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.commit()
            return render_template("consent/details.html", participant=found, revealed=revealed)
    return render_template("consent/details_reason.html", participant=found, form=form)


def _copy_or_404(consent_uuid: str) -> consent.ConsentRecord:
    """Return the consent whose copy is asked for, if this person may have it; a peer
    researcher asking for someone else's gets the same 404 as for none (and is audited)."""
    found = copies.find_consent(db.session, g.study.id, consent_uuid)
    if found is not None and not copies.may_copy(
        found, user=current_user, is_facilitator=_is_facilitator()
    ):
        with db.writing():
            copies.note_copy_refused(db.session, study=g.study, consent=found, by=current_user)
        found = None
    if found is None:
        abort(404, _("There is no copy of a consent you took with that address."))
    return found


def _copy_of(found: consent.ConsentRecord, *, easy_read: bool = False) -> pdfs.ParticipantCopy:
    try:
        return copies.participant_copy(
            db.session,
            study=g.study,
            consent=found,
            key_dir=consent.configured_key_dir(),
            easy_read=easy_read,
        )
    except DomainError as error:  # the study's key is missing on this server
        abort(409, error.message)


@blueprint.get(f"{CONSENT}/copies/<consent_uuid>")
@allow(COPY_TAKERS)
def show_copy(consent_uuid: str):
    """Show what a consent covers, with "Print" (PDF, easy-read PDF) and "E-mail it"."""
    found = _copy_or_404(consent_uuid)
    copy = _copy_of(found)
    withdrawn = copies.is_withdrawn(db.session, g.study.id, found.participant_code)
    return render_template(
        "consent/copy.html",
        consent_record=found,
        copy=copy,
        has_easy_read=copy.content.has_easy_read(copy.language),
        email=copies.email_choice(copy, mail_configured=mail_enabled(), withdrawn=withdrawn),
        form=EmailCopyForm(),
        is_facilitator=_is_facilitator(),
    )


@blueprint.get(f"{CONSENT}/copies/<consent_uuid>.pdf")
@allow(COPY_TAKERS)
def download_copy(consent_uuid: str):
    """Give the participant's copy of a consent as a PDF (`?easy_read=1`: the easy-read one)."""
    found = _copy_or_404(consent_uuid)
    easy_read = request.args.get("easy_read") == "1"
    pdf = pdfs.copy_pdf(_copy_of(found, easy_read=easy_read), easy_read=easy_read)
    with db.writing():
        copies.note_copy_made(
            db.session, study=g.study, consent=found, by=current_user, easy_read=easy_read
        )
    kind = "easy-read-" if easy_read else ""
    filename = f"consent-{kind}{found.participant_code}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"', **PDF_HEADERS},
    )


@blueprint.post(f"{CONSENT}/copies/<consent_uuid>/email")
@allow(COPY_TAKERS)
def email_copy(consent_uuid: str):
    """E-mail the participant their copy, when they gave an address and agreed to contact."""
    found = _copy_or_404(consent_uuid)
    copy = _copy_of(found, easy_read=True)  # with the easy-read pictures, for its copy
    withdrawn = copies.is_withdrawn(db.session, g.study.id, found.participant_code)
    choice = copies.email_choice(copy, mail_configured=mail_enabled(), withdrawn=withdrawn)
    if EmailCopyForm().validate_on_submit():
        if choice.address is None:
            flash(choice.why_not or "", "error")
        elif _send_copy(copy, choice.address):
            copies.note_copy_emailed(db.session, study=g.study, consent=found, by=current_user)
            db.commit()
            flash(_("The copy was e-mailed to the participant."), "success")
        else:
            flash(_("The e-mail could not be sent. Try again later, or print the copy."), "error")
    return redirect(url_for("consent.show_copy", consent_uuid=found.uuid))


def _send_copy(copy: pdfs.ParticipantCopy, address: str) -> bool:
    """Send the copy and, when the form has one, the easy-read copy."""
    code = copy.participant_code
    attachments = [(f"consent-{code}.pdf", pdfs.copy_pdf(copy), "application/pdf")]
    if copy.content.has_easy_read(copy.language):
        easy = pdfs.copy_pdf(copy, easy_read=True)
        attachments.append((f"consent-easy-read-{code}.pdf", easy, "application/pdf"))
    with force_locale(pdfs.interface_locale(copy.language)):
        subject = _("Your copy: %(title)s", title=" ".join(copy.title.split()))
        body = render_template("consent/copy_email.txt", copy=copy)
    return try_send_mail(to=address, subject=subject, body=body, attachments=attachments)


@blueprint.route(f"{CONSENT}/withdrawals/new", methods=["GET", "POST"])
@allow(FACILITATORS)
def record_withdrawal():
    """Record a withdrawal by participant code: choose, then confirm what will happen."""
    form = WithdrawalForm()
    if request.method == "GET":
        form.code.data = request.args.get("code", "")[:20]
        return render_template("consent/withdrawal_new.html", form=form)
    if not form.validate_on_submit():
        return render_template("consent/withdrawal_new.html", form=form)
    code = consent.normalise_code(form.code.data or "")
    problem = _withdrawal_problem(code)
    if problem:
        form.code.errors = [*form.code.errors, problem]
        return render_template("consent/withdrawal_new.html", form=form)
    if form.confirmed.data != "yes":
        form.code.data = code
        return render_template("consent/withdrawal_confirm.html", form=form, code=code)
    try:
        withdrawal = consent.withdraw(
            db.session,
            study=g.study,
            code=code or "",
            choice=consent.WithdrawalChoice(form.choice.data),
            reason=form.reason.data or "",
            by=current_user,
        )
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return render_template("consent/withdrawal_new.html", form=form)
    db.commit()
    flash(_("The withdrawal of %(code)s is recorded.", code=withdrawal.participant_code), "success")
    return redirect(url_for("consent.show_withdrawal", withdrawal_id=withdrawal.id))


def _withdrawal_problem(code: str | None) -> str | None:
    """Say, in plain words, why this code cannot be withdrawn (None: it can)."""
    if code is None:
        return _("A participant code is 6 letters and numbers, like KT7-M4C")
    status = consent.participant_status(db.session, g.study.id, code)
    if status is None:
        return _("This study has no participant with that code. Check it on their copy.")
    if status == consent.ParticipantStatus.WITHDRAWN:
        return _("This participant has already withdrawn.")
    return None


def _withdrawal_or_404(withdrawal_id: int) -> consent.Withdrawal:
    found = consent.withdrawal_by_id(db.session, g.study.id, withdrawal_id)
    if found is None:
        abort(404, _("This study has no withdrawal with that number."))
    return found


@blueprint.get(f"{CONSENT}/withdrawals/<int:withdrawal_id>")
@allow(FACILITATORS)
def show_withdrawal(withdrawal_id: int):
    """Show a withdrawal's confirmation: who, when, and what happened to the data."""
    return render_template("consent/withdrawal.html", withdrawal=_withdrawal_or_404(withdrawal_id))


@blueprint.get(f"{CONSENT}/withdrawals/<int:withdrawal_id>.pdf")
@allow(FACILITATORS)
def download_withdrawal(withdrawal_id: int):
    """Give a withdrawal's confirmation as a PDF, for the study's records."""
    withdrawal = _withdrawal_or_404(withdrawal_id)
    confirmation = pdfs.WithdrawalConfirmation(
        study_title=g.study.title,
        participant_code=withdrawal.participant_code,
        choice=withdrawal.choice,
        recorded_at=withdrawal.recorded_at,
        recorded_by=withdrawal.recorded_by.display_name,
        reason=withdrawal.reason,
    )
    filename = f"withdrawal-{withdrawal.participant_code}.pdf"
    return Response(
        pdfs.withdrawal_pdf(confirmation),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"', **PDF_HEADERS},
    )
