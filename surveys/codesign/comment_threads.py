"""Reading comment threads: a draft item's or a proposal's threads, reactions and counts.

Every reply of a thread sits under its first comment, oldest first, saying whom it answers
when that is not the first comment. A removed comment shows as removed, without its words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from peer_research.accounts.models import User
from surveys.codesign.comments import Comment, CommentReaction, Reaction, comment_visible_to
from surveys.codesign.models import Proposal
from surveys.models import Questionnaire


def get_comment(
    session: Session, *, questionnaire: Questionnaire, comment_id: int, viewer: User
) -> Comment | None:
    """Return a comment about this questionnaire that the viewer may see, or None.

    A comment about someone else's draft suggestion is not found, exactly as the draft
    itself is not: every comment page answers 404 for it.
    """
    comment = session.get(Comment, comment_id)
    if comment is None or comment.questionnaire_id != questionnaire.id:
        return None
    if not comment_visible_to(session, comment, viewer):
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
    """Return the threads about one proposal the viewer may see, oldest first."""
    if not proposal.visible_to(viewer.id):
        return []
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
