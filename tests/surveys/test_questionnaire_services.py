"""Editing a draft item by item, undo, conflicts, and publishing frozen versions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services
from surveys.models import QuestionnaireVersion

from builders import question, section


@pytest.fixture
def edit(app, db_session, questionnaire, facilitator):
    """Return helpers that change the draft inside an app context."""

    class Edit:
        def add(self, item, section_name=None):
            with app.app_context():
                return services.add_item(
                    db_session,
                    questionnaire=questionnaire,
                    item=item,
                    section=section_name,
                    changed_by=facilitator.user,
                )

        def draft(self):
            return services.draft_definition(db_session, questionnaire)

        def names(self):
            return [item.name for item, _parents in self.draft().walk()]

        def call(self, function, **arguments):
            with app.app_context():
                return function(db_session, questionnaire=questionnaire, **arguments)

    return Edit()


def test_items_are_added_in_order_and_into_sections(edit):
    edit.add(question("age", d.QuestionType.INTEGER))
    edit.add(section("helpers"))
    edit.add(question("who", d.QuestionType.SELECT_ONE), section_name="helpers")
    draft = edit.draft()
    assert [item.name for item in draft.items] == ["age", "helpers"]
    assert draft.find("helpers").items[0].name == "who"
    assert draft.find("who").choices[0].label == {"en": "Yes"}


def test_names_must_be_unique_and_well_formed(edit):
    edit.add(question("age"))
    with pytest.raises(DomainError, match="already has the name"):
        edit.add(question("age"))
    with pytest.raises(DomainError, match="name in the data"):
        edit.add(question("2bad name"))


def test_logic_must_name_real_questions(edit):
    with pytest.raises(DomainError, match="agee") as error:
        edit.add(question("q", relevance="${agee} > 3"))
    assert error.value.field == "relevance"
    assert edit.names() == []


def test_circular_logic_is_refused(edit, facilitator):
    edit.add(question("a", d.QuestionType.CALCULATE, calculation="1"))
    edit.add(question("b", d.QuestionType.CALCULATE, calculation="${a} + 1"))
    with pytest.raises(DomainError, match=r"\ba\b.*\bb\b|\bb\b.*\ba\b") as error:
        edit.call(
            services.update_item,
            name="a",
            item=question("a", d.QuestionType.CALCULATE, calculation="${b} + 1"),
            expected_revision=1,
            changed_by=facilitator.user,
        )
    assert error.value.field == "calculation"
    assert edit.draft().find("a").calculation == "1"


def test_second_save_of_the_same_version_is_told_not_overwritten(edit, facilitator, db_session):
    edit.add(question("age", label={"en": "Your age"}))
    edit.call(
        services.update_item,
        name="age",
        item=question("age", label={"en": "How old are you?"}),
        expected_revision=1,
        changed_by=facilitator.user,
    )
    with pytest.raises(services.DraftConflictError, match="Someone else saved"):
        edit.call(
            services.update_item,
            name="age",
            item=question("age", label={"en": "Age in years"}),
            expected_revision=1,
            changed_by=facilitator.user,
        )
    assert edit.draft().find("age").label == {"en": "How old are you?"}


def test_moving_up_down_and_into_sections(edit):
    for name in ("a", "b", "c"):
        edit.add(question(name))
    edit.add(section("s"))
    edit.call(services.move_item, name="c", direction="up")
    assert [item.name for item in edit.draft().items] == ["a", "c", "b", "s"]
    edit.call(services.move_item, name="a", direction="up")  # already first: nothing happens
    edit.call(services.move_into_section, name="a", section="s")
    assert [item.name for item in edit.draft().items] == ["c", "b", "s"]
    assert edit.draft().find("s").items[0].name == "a"
    with pytest.raises(DomainError, match="cannot go inside itself"):
        edit.call(services.move_into_section, name="s", section="s")


def test_delete_and_undo(edit, facilitator):
    edit.add(question("age"))
    row = edit.call(services.delete_item, name="age", changed_by=facilitator.user)
    assert edit.names() == []
    edit.call(services.undo_delete, item_id=row.id, changed_by=facilitator.user)
    assert edit.names() == ["age"]


def test_a_question_used_by_other_logic_cannot_be_deleted(edit, facilitator):
    edit.add(question("age", d.QuestionType.INTEGER))
    edit.add(question("school", relevance="${age} < 18"))
    with pytest.raises(DomainError, match="school"):
        edit.call(services.delete_item, name="age", changed_by=facilitator.user)


def test_publish_freezes_a_numbered_version(edit, facilitator, db_session, questionnaire):
    edit.add(question("age", d.QuestionType.INTEGER))
    first = edit.call(services.publish_version, published_by=facilitator.user)
    edit.add(question("name"))
    second = edit.call(services.publish_version, published_by=facilitator.user)
    assert (first.number, second.number) == (1, 2)
    assert [q.name for q in services.version_definition(first).questions()] == ["age"]
    assert [q.name for q in services.version_definition(second).questions()] == ["age", "name"]


def test_published_versions_cannot_be_changed(edit, facilitator, db_session):
    edit.add(question("age"))
    version = edit.call(services.publish_version, published_by=facilitator.user)
    db_session.commit()
    version.definition = {"title": "changed"}
    with pytest.raises(PermissionError, match="append-only"):
        db_session.flush()
    db_session.rollback()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db_session.begin_nested():
        db_session.execute(sa.update(QuestionnaireVersion).values(number=99))


def test_an_empty_or_broken_draft_is_not_published(edit, facilitator):
    with pytest.raises(services.PublishRefusedError) as error:
        edit.call(services.publish_version, published_by=facilitator.user)
    assert "Add at least one question" in error.value.problems[0].message


def test_an_old_cycle_elsewhere_does_not_block_unrelated_edits(
    app, db_session, questionnaire, facilitator
):
    looped = d.FormDefinition(
        title="Imported",
        languages=(d.Language("en", "English"),),
        items=(
            question("x", d.QuestionType.CALCULATE, calculation="${y}"),
            question("y", d.QuestionType.CALCULATE, calculation="${x}"),
        ),
    )
    with app.app_context():
        imported = services.import_questionnaire(
            db_session, study=questionnaire.study, definition=looped, imported_by=None
        )
        services.add_item(
            db_session, questionnaire=imported, item=question("z"), changed_by=facilitator.user
        )
    names = [item.name for item, _ in services.draft_definition(db_session, imported).walk()]
    assert names == ["x", "y", "z"]
