"""Read the choices sheet into choice lists, checking a list when a question first uses it."""

from __future__ import annotations

from dataclasses import dataclass, field

from surveys.definition import Choice

from .columns import SheetColumns
from .languages import LanguagePlan
from .reader import Row, Sheet
from .report import ImportReport


@dataclass
class ChoiceList:
    """One list of the choices sheet: its choices with the rows they came from."""

    name: str
    choices: list[Choice] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    checked: bool = False


def read_choice_lists(
    sheet: Sheet | None, columns: SheetColumns, plan: LanguagePlan, report: ImportReport
) -> dict[str, ChoiceList]:
    """Return the choice lists of the choices sheet by name, in sheet order."""
    lists: dict[str, ChoiceList] = {}
    if sheet is None:
        return lists
    for row in sheet.rows:
        if not row.cells:
            continue
        list_name = columns.value(row, "list_name")
        if not list_name:
            report.warning(
                "This row has no list_name, so it belongs to no list; it was not read.",
                sheet=sheet.name,
                row=row.number,
                column=columns.header("list_name"),
            )
            continue
        choice = _choice(row, columns, plan, report, sheet.name)
        entry = lists.setdefault(list_name, ChoiceList(list_name))
        entry.choices.append(choice)
        entry.rows.append(row)
    return lists


def _choice(
    row: Row, columns: SheetColumns, plan: LanguagePlan, report: ImportReport, sheet: str
) -> Choice:
    """Return the choice one row describes."""
    labels, lost = columns.translated(row, "label", plan.code_of)
    for header, text in lost:
        report.mapped(
            f"Two labels in one language; '{text[:60]}' was left out.",
            sheet=sheet,
            row=row.number,
            column=header,
        )
    image = pick_image(row, columns, plan, report, sheet)
    return Choice(name=columns.value(row, "name"), label=labels, image=image)


def pick_image(
    row: Row, columns: SheetColumns, plan: LanguagePlan, report: ImportReport, sheet: str
) -> str | None:
    """Return the one picture peer-research keeps for a row: the default language's."""
    images, lost = columns.translated(row, "image", plan.code_of)
    if not images:
        return None
    chosen = images.get(plan.default.code) or next(iter(images.values()))
    others = [image for image in images.values() if image != chosen]
    others += [image for _header, image in lost if image != chosen]
    if others:
        report.mapped(
            f"peer-research keeps one picture for each question and choice: '{chosen}' was "
            f"kept and {', '.join(repr(image) for image in dict.fromkeys(others))} left out.",
            sheet=sheet,
            row=row.number,
            column=columns.header("image"),
        )
    return chosen


def check_choice_list(
    entry: ChoiceList,
    columns: SheetColumns,
    plan: LanguagePlan,
    report: ImportReport,
    sheet: str,
    *,
    check_labels: bool,
) -> None:
    """Report choices with no name, twice the same name, or no label in the default language."""
    if entry.checked:
        return
    entry.checked = True
    seen: dict[str, int] = {}
    for choice, row in zip(entry.choices, entry.rows, strict=True):
        where = {"sheet": sheet, "row": row.number}
        if not choice.name:
            report.error(
                f"A choice of the list '{entry.name}' has no name.",
                **where,
                column=columns.header("name"),
            )
        elif choice.name in seen:
            report.error(
                f"The list '{entry.name}' has two choices called '{choice.name}' (rows "
                f"{seen[choice.name]} and {row.number}). Each choice needs its own name.",
                **where,
                column=columns.header("name"),
            )
        seen.setdefault(choice.name, row.number)
        if check_labels and not _labelled(choice, plan):
            report.error(
                missing_label_message(f"The choice '{choice.name}'", choice.label, plan),
                **where,
                column=columns.header("label"),
            )


def _labelled(choice: Choice, plan: LanguagePlan) -> bool:
    """Tell whether a choice has a label in the default language (or is a picture only)."""
    return plan.default.code in choice.label or (not choice.label and bool(choice.image))


def missing_label_message(what: str, label: dict[str, str], plan: LanguagePlan) -> str:
    """Return the message for an item with no label in the default language."""
    default = plan.default.name
    if not label:
        return f"{what} has no label. Write it in {default}, the questionnaire's default language."
    names = {language.code: language.name for language in plan.languages}
    written = ", ".join(names.get(code, code) for code in label)
    return (
        f"{what} has a label in {written} but not in {default}, the questionnaire's default "
        "language. Everything needs a label in the default language."
    )
