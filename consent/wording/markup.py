"""The information sheet as one box of text, so it can be written without JavaScript.

A line starting with "#" is a heading; lines starting with "-" (or "*") make a list; other
lines make a paragraph, and an empty line starts the next one. Pages say so in plain words
beside the box.
"""

from __future__ import annotations

from typing import Any

HEADING, BULLETS = "#", ("-", "*")


def sheet_to_text(blocks: list[dict[str, Any]]) -> str:
    """Return the blocks of an information sheet as the text people edit."""
    written = []
    for block in blocks:
        if block["kind"] == "heading":
            written.append(f"{HEADING} {block['text']}")
        elif block["kind"] == "list":
            written.append("\n".join(f"- {item}" for item in block["items"]))
        else:
            written.append(block["text"])
    return "\n\n".join(written)


def text_to_sheet(text: str) -> list[dict[str, Any]]:
    """Return the blocks written in the text (headings, paragraphs and lists)."""
    blocks: list[dict[str, Any]] = []
    paragraph: list[str] = []
    items: list[str] = []

    def finish() -> None:
        if paragraph:
            blocks.append({"kind": "paragraph", "text": " ".join(paragraph)})
            paragraph.clear()
        if items:
            blocks.append({"kind": "list", "items": list(items)})
            items.clear()

    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith(HEADING):
            finish()
            heading = line.lstrip(HEADING).strip()
            if heading:
                blocks.append({"kind": "heading", "text": heading})
        elif line.startswith(BULLETS):
            if paragraph:
                finish()
            item = line[1:].strip()
            if item:
                items.append(item)
        else:
            if items:
                finish()
            paragraph.append(line)
    finish()
    return blocks
