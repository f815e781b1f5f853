"""Comments on the draft's questions and on proposals, replies in threads, and reactions.

A thread starts with a comment on one item of the draft or on one proposal; replies take
their parent's subject. Replies to replies are kept with the comment they answer, and
shown one level deep: every reply of a thread sits under its first comment, oldest first,
saying whom it answers when that is not the first comment.

Removing a comment keeps its place in the thread, so replies still make sense, but wipes
its words and its reactions: nobody, facilitators included, can read them afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from peer_research.accounts.models import User
from peer_research.audit.services import Action, record
from peer_research.db import utcnow
from peer_research.errors import DomainError
from peer_research.studies.models import Role
from peer_research.studies.services import get_membership
from surveys import services as drafts
from surveys.codesign import signals
from surveys.codesign.group import require_design_member
from surveys.codesign.models import (
    Comment,
    CommentReaction,
    Proposal,
    Reaction,
)
from surveys.models import Questionnaire

MAX_BODY = 5000


# Writing ---------------------------------------------------------------------------------


def _clean_body(body: str | None) -> str:
    """Return the comment's words without surrounding space, or refuse empty or huge ones."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write your comment."), field="body")
    if len(body) > MAX_BODY:
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


def _require_visible(proposal: Proposal, user: User) -> None:
    """Refuse a comment on someone else's draft suggestion, which only its author sees."""
    if proposal.is_private and proposal.author_id != user.id:
        raise DomainError(
            _("Only its author can see this suggestion until it is put to the group.")
        )


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
    if parent.item_name is not None:
        _require_item_in_draft(session, questionnaire, parent.item_name)
    if parent.proposal_id is not None:
        _require_visible(session.get_one(Proposal, parent.proposal_id), author)
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


# Reading ---------------------------------------------------------------------------------


def get_comment(
    session: Session, *, questionnaire: Questionnaire, comment_id: int
) -> Comment | None:
    """Return a comment about this questionnaire, or None."""
    comment = session.get(Comment, comment_id)
    if comment is None or comment.questionnaire_id != questionnaire.id:
        return None
    return comment


@dataclass(frozen=True)
class ReactionCount:
    """How many people reacted one way to a comment, and whether the reader did."""

    reaction: Reaction
    count: int
    mine: bool


@dataclass(frozen=True)
class CommentEntry:
    """A comment as a thread shows it."""

    comment: Comment
    reactions: tuple[ReactionCount, ...]  # every kind, in a fixed order
    replying_to: Comment | None = None  # the answered comment, when not the thread's first

    @property
    def removed(self) -> bool:
        """Tell whether the comment was removed (its words are gone)."""
        return self.comment.removed_at is not None

    @property
    def body(self) -> str:
        """Return the words, or nothing for a removed comment."""
        return "" if self.removed else self.comment.body


@dataclass(frozen=True)
class Thread:
    """A first comment and every reply under it, oldest first."""

    first: CommentEntry
    replies: tuple[CommentEntry, ...]

    @property
    def entries(self) -> tuple[CommentEntry, ...]:
        """Return the first comment and then the replies."""
        return (self.first, *self.replies)


def item_threads(
    session: Session, *, questionnaire: Questionnaire, name: str, viewer: User
) -> list[Thread]:
    """Return the threads about one question of the draft, oldest first."""
    return _threads(
        session,
        sa.and_(Comment.questionnaire_id == questionnaire.id, Comment.item_name == name),
        viewer,
    )


def proposal_threads(session: Session, *, proposal: Proposal, viewer: User) -> list[Thread]:
    """Return the threads about one proposal, oldest first."""
    return _threads(session, Comment.proposal_id == proposal.id, viewer)


def _threads(session: Session, where: sa.ColumnElement[bool], viewer: User) -> list[Thread]:
    """Return the threads of the comments matching `where`, in three queries."""
    comments = list(
        session.scalars(
            sa.select(Comment)
            .where(where)
            .options(selectinload(Comment.author))
            .order_by(Comment.created_at, Comment.id)
        )
    )
    if not comments:
        return []
    ids = [comment.id for comment in comments]
    counts: dict[int, dict[Reaction, int]] = defaultdict(dict)
    mine: set[tuple[int, Reaction]] = set()
    rows = session.execute(
        sa.select(
            CommentReaction.comment_id,
            CommentReaction.reaction,
            sa.func.count(),
            sa.func.max(sa.case((CommentReaction.user_id == viewer.id, 1), else_=0)),
        )
        .where(CommentReaction.comment_id.in_(ids))
        .group_by(CommentReaction.comment_id, CommentReaction.reaction)
    )
    for comment_id, reaction, count, reacted in rows:
        counts[comment_id][reaction] = count
        if reacted:
            mine.add((comment_id, reaction))
    by_id = {comment.id: comment for comment in comments}

    def root_of(comment: Comment) -> Comment:
        seen = set()
        while comment.parent_id in by_id and comment.id not in seen:
            seen.add(comment.id)
            comment = by_id[comment.parent_id]
        return comment

    def entry(comment: Comment, root: Comment | None) -> CommentEntry:
        reactions = tuple(
            ReactionCount(kind, counts[comment.id].get(kind, 0), (comment.id, kind) in mine)
            for kind in Reaction
        )
        answered = by_id.get(comment.parent_id) if comment.parent_id else None
        return CommentEntry(comment, reactions, answered if root and answered is not root else None)

    replies: dict[int, list[CommentEntry]] = defaultdict(list)
    roots: list[Comment] = []
    for comment in comments:
        root = root_of(comment)
        if root is comment:
            roots.append(comment)
        else:
            replies[root.id].append(entry(comment, root))
    return [Thread(entry(root, None), tuple(replies[root.id])) for root in roots]


def item_comment_counts(session: Session, questionnaire: Questionnaire) -> dict[str, int]:
    """Return how many comments (not removed) each question of the questionnaire has."""
    rows = session.execute(
        sa.select(Comment.item_name, sa.func.count())
        .where(
            Comment.questionnaire_id == questionnaire.id,
            Comment.item_name.is_not(None),
            Comment.removed_at.is_(None),
        )
        .group_by(Comment.item_name)
    )
    return {name: count for name, count in rows}  # noqa: C416
