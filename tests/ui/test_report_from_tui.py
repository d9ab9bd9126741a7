"""The audit report from the audit screen (R): the path asked for with the file dialog
(prefilled in the exports folder; the name's end picks the format), written in a worker,
a DRAFT before the close and final after it; a wrong name said at the field; nothing
overwritten."""

from __future__ import annotations

from pathlib import Path

import docx

from auditor.ui.screens.ask_path import AskPathScreen
from auditor.ui.screens.audit import AuditScreen

SIZE = (110, 36)


async def ask(pilot) -> AskPathScreen:
    await pilot.pause()
    await pilot.press("R")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AskPathScreen)
    return pilot.app.screen


async def answer(pilot, path: Path | str) -> None:
    field = pilot.app.screen.query_one("#ask-path-input")
    field.value = str(path)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_draft_before_the_close(make_app, store, audit, settings, tmp_path,
                                        notices_of):
    store.update_audit(audit.id, {"title": "Audit [b]Q3[/b] # one"})
    store.record_result(audit.id, "8.6", "minor", statement="No release record [link=x]")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        dialog = await ask(pilot)
        typed = Path(dialog.query_one("#ask-path-input").value)
        assert typed.parent == settings.exports_dir and typed.name.endswith("-report-DRAFT.pdf")
        assert "It will be a DRAFT (the audit is not closed yet)" in \
            str(dialog.query_one(".dialog-hint").render())
        await answer(pilot, tmp_path / "report.txt")
        assert isinstance(app.screen, AskPathScreen)  # said at the field, kept
        assert "the name must end in .pdf, .docx or .md" in \
            str(app.screen.query_one("#ask-path-error").render())
        target = tmp_path / "report.md"
        await answer(pilot, target)
        assert isinstance(app.screen, AuditScreen)
        assert notices[-1] == f"Markdown report (DRAFT) written to {target}"
    text = target.read_text()
    assert "DRAFT" in text and "No release record \\[link=x\\]" in text


async def test_final_after_the_close_and_never_overwritten(make_app, store, audit, tmp_path,
                                                           notices_of):
    store.record_result(audit.id, "8.6", "conform")
    store.close_audit(audit.id, "Effective.")
    target = tmp_path / "report.docx"
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        notices = notices_of(app)
        dialog = await ask(pilot)
        assert "-DRAFT" not in dialog.query_one("#ask-path-input").value
        await answer(pilot, target)
        assert notices[-1] == f"Word report (final) written to {target}"
        await ask(pilot)
        await answer(pilot, target)
        assert "exists already" in str(app.screen.query_one("#ask-path-error").render())
    document = docx.Document(str(target))
    headers = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "DRAFT" not in headers + body and "Effective." in body
