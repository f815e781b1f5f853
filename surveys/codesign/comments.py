"""Comments on the draft's questions and on proposals, replies in threads, and reactions.

A thread starts with a comment on one item of the draft or on one proposal; replies take
their parent's subject. Replies to replies are kept with the comment they answer, and
shown one level deep: every reply of a thread sits under its first comment, oldest first,
saying whom it answers when that is not the first comment.

Removing a comment keeps its place in the thread, so replies still make sense, but wipes
its words and its reactions: nobody, facilitators included, can read them afterwards.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import Base, enum_column, utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Role
from peer_research.studies.services import get_membership
from surveys import services as drafts
from surveys.codesign import signals
from surveys.codesign.models import Proposal
from surveys.codesign.settings import require_design_member
from surveys.models import Questionnaire

MAX_COMMENT_LENGTH = 5000


# Records ---------------------------------------------------------------------------------


class Reaction(enum.StrEnum):
    """A quick reaction to a comment, shown with a word as well as a symbol."""

    AGREE = "agree"
    LIKE = "like"
    QUESTION = "question"
    IDEA = "idea"


class Comment(Base):
    """A comment on a question of the draft or on a proposal, or a reply to another comment.

    Exactly one of `item_name` and `proposal_id` is set on a thread's first comment;
    replies copy their parent's. A removed comment keeps its place in the thread, without
    its words, so replies still make sense.
    """

    __tablename__ = "comments"
    __table_args__ = (
        sa.CheckConstraint(
            "(item_name IS NULL) <> (proposal_id IS NULL)", name="comment_has_one_subject"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    item_name: Mapped[str | None] = mapped_column(sa.String(100))
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="selectin")

    def __repr__(self) -> str:
        return f"<Comment {self.id} by {self.author_id}>"


class CommentReaction(Base):
    """One person's reaction to a comment (each reaction at most once per person)."""

    __tablename__ = "comment_reactions"

    comment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    reaction: Mapped[Reaction] = mapped_column(enum_column(Reaction, "reaction"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CommentReaction {self.comment_id} {self.user_id} {self.reaction}>"


# Writing ---------------------------------------------------------------------------------


def _clean_body(body: str | None) -> str:
    """Return the comment's words without surrounding space, or refuse empty or huge ones."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write your comment."), field="body")
    if len(body) > MAX_COMMENT_LENGTH:
        raise DomainError(_("Use 5,000 characters or fewer."), field="body")
    return body


def _questionnaire(session: Session, comment: Comment) -> Questionnaire:
    return session.get_one(Questionnaire, comment.questionnaire_id)


def _require_item_in_draft(session: Session, questionnaire: Questionnaire, name: str) -> None:
    """Refuse a comment about a question that is not in the draft (any more)."""
    if drafts.draft_definition(session, questionnaire).find(name) is None:
        raise DomainError(
            _(
                "%(name)s is not in the draft. Someone may have removed or renamed it.",
                name=name,
            )
        )


def comment_visible_to(session: Session, comment: Comment, user: User) -> bool:
    """Tell whether a person may see a comment: not one about someone else's draft suggestion.

    Every way of reaching a comment (reading, replying, changing, removing, reacting) asks
    this, so a private draft's discussion stays as private as the draft itself.
    """
    if comment.proposal_id is None:
        return True
    proposal = session.get(Proposal, comment.proposal_id)
    return proposal is not None and proposal.visible_to(user.id)


def _require_visible(proposal: Proposal, user: User) -> None:
    """Refuse a comment on someone else's draft suggestion, which only its author sees."""
    if not proposal.visible_to(user.id):
        raise DomainError(_private_message())


def _require_comment_visible(session: Session, comment: Comment, user: User) -> None:
    """Refuse any action on a comment the person may not see."""
    if not comment_visible_to(session, comment, user):
        raise DomainError(_private_message())


def _private_message() -> str:
    """Return the refusal for someone else's draft suggestion, in the reader's language."""
    return _("Only its author can see this suggestion until it is put to the group.")


def _require_not_removed(comment: Comment) -> None:
    if comment.removed_at is not None:
        raise DomainError(_("This comment was removed."))


def _add(session: Session, comment: Comment) -> Comment:
    """Save a new comment or reply and tell whoever listens (notifications, live pages)."""
    session.add(comment)
    session.flush()
    signals.comment_posted.send(session, comment=comment)
    return comment


def post_comment(
    session: Session,
    *,
    questionnaire: Questionnaire,
    author: User,
    body: str,
    item_name: str | None = None,
    proposal: Proposal | None = None,
    now: datetime | None = None,
) -> Comment:
    """Start a thread about one question of the draft or about one proposal."""
    require_design_member(session, study=questionnaire.study, user=author)
    if (item_name is None) == (proposal is None):
        raise DomainError(_("Choose a question or a suggestion to comment on."))
    if proposal is not None:
        if proposal.questionnaire_id != questionnaire.id:
            raise DomainError(_("That suggestion is not about this questionnaire."))
        _require_visible(proposal, author)
    body = _clean_body(body)
    if item_name is not None:
        _require_item_in_draft(session, questionnaire, item_name)
    comment = Comment(
        questionnaire_id=questionnaire.id,
        item_name=item_name,
        proposal_id=proposal.id if proposal is not None else None,
        author_id=author.id,
        body=body,
        created_at=now or utcnow(),
    )
    return _add(session, comment)


def reply_to_comment(
    session: Session,
    *,
    parent: Comment,
    author: User,
    body: str,
    now: datetime | None = None,
) -> Comment:
    """Answer a comment; the reply joins the parent's thread, about the same subject."""
    questionnaire = _questionnaire(session, parent)
    require_design_member(session, study=questionnaire.study, user=author)
    body = _clean_body(body)
    _require_comment_visible(session, parent, author)
    if parent.item_name is not None:
        _require_item_in_draft(session, questionnaire, parent.item_name)
    reply = Comment(
        questionnaire_id=parent.questionnaire_id,
        item_name=parent.item_name,
        proposal_id=parent.proposal_id,
        parent_id=parent.id,
        author_id=author.id,
        body=body,
        created_at=now or utcnow(),
    )
    return _add(session, reply)


def edit_comment(
    session: Session,
    *,
    comment: Comment,
    editor: User,
    body: str,
    now: datetime | None = None,
) -> Comment:
    """Change the words of one's own comment (shown as edited)."""
    require_design_member(session, study=_questionnaire(session, comment).study, user=editor)
    _require_comment_visible(session, comment, editor)
    if comment.author_id != editor.id:
        raise DomainError(_("Only the person who wrote this comment can change it."))
    _require_not_removed(comment)
    body = _clean_body(body)
    if body != comment.body:
        comment.body = body
        comment.edited_at = now or utcnow()
        session.flush()
    return comment


def remove_comment(
    session: Session, *, comment: Comment, removed_by: User, now: datetime | None = None
) -> Comment:
    """Remove one's own comment, or (as a facilitator) anyone's, keeping its replies.

    The words and reactions go; a facilitator removing someone else's comment is audited.
    """
    study = _questionnaire(session, comment).study
    membership = get_membership(session, study=study, user=removed_by)
    is_author = comment.author_id == removed_by.id
    is_facilitator = membership is not None and Role.FACILITATOR in membership.roles
    if membership is None or not (is_author or is_facilitator):
        raise DomainError(
            _("Only the person who wrote this comment, or a facilitator, can remove it.")
        )
    _require_comment_visible(session, comment, removed_by)
    _require_not_removed(comment)
    comment.body = ""
    comment.removed_at = now or utcnow()
    session.execute(sa.delete(CommentReaction).where(CommentReaction.comment_id == comment.id))
    session.flush()
    if not is_author:
        record(
            session,
            Action.COMMENT_REMOVED,
            actor=removed_by,
            study=study,
            detail={
                "comment_id": comment.id,
                "author_id": comment.author_id,
                "item": comment.item_name,
                "proposal_id": comment.proposal_id,
            },
        )
    return comment


def toggle_reaction(
    session: Session, *, comment: Comment, user: User, reaction: Reaction | str
) -> bool:
    """Add the user's reaction, or take it back if they had it; return whether it is on."""
    require_design_member(session, study=_questionnaire(session, comment).study, user=user)
    _require_comment_visible(session, comment, user)
    try:
        reaction = Reaction(reaction)
    except ValueError:
        raise DomainError(_("Choose agree, like, question or idea.")) from None
    _require_not_removed(comment)
    existing = session.get(CommentReaction, (comment.id, user.id, reaction))
    if existing is not None:
        session.delete(existing)
        session.flush()
        return False
    try:
        with session.begin_nested():  # the same person pressing twice at the same moment
            session.add(CommentReaction(comment_id=comment.id, user_id=user.id, reaction=reaction))
    except IntegrityError:
        pass
    return True
