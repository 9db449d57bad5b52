"""Issue 16: an import into a race deleted and made again under its number while the import ran (a teammate, another
window) is refused, saying so: the race named, deleted or replaced since the import started, and the race now under
its number named when it is another."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import TOY
from tests.services.test_import_worker import _polls, _setup
from warroom.core.csvformat import polls_to_csv
from warroom.store import contests
from warroom.store import polls as repo


@pytest.mark.parametrize("name", [TOY.name, "Their race"])
def test_an_import_into_a_race_replaced_under_its_number_says_so(qtbot, tmp_path: Path, name: str) -> None:
    engine, service, worker = _setup(f"sqlite:///{tmp_path}/s.sqlite3", watch=False)
    cid = service.contest.id  # type: ignore[union-attr]
    path = tmp_path / "polls.csv"
    path.write_text(polls_to_csv(_polls(20)[3:], TOY))

    def teammate(progress: object) -> None:  # on the worker thread, between the check and the write
        if getattr(progress, "stage", "") == "writing" and getattr(progress, "done", 1) == 0:
            with service._sessions.begin() as s:
                contests.delete_contest(s, cid)
                assert repo.add_contest(s, replace(TOY, name=name)) == cid

    worker.progress_changed.connect(teammate, Qt.ConnectionType.DirectConnection)
    said: list[str] = []
    worker.import_failed.connect(said.append)
    worker.import_finished.connect(lambda report: said.append(f"imported {len(report.added)}"))
    try:
        worker.start_file(path)
        qtbot.waitUntil(lambda: bool(said), timeout=20000)
    finally:
        worker.shutdown()
    [message] = said
    assert message.startswith("Nothing was imported from polls.csv: ")
    assert f"'{TOY.name}' was deleted" in message and "since the import started" in message, message
    assert "replaced" in message and (name == TOY.name or f"'{name}'" in message), message
    with service._sessions() as s:
        assert repo.list_polls(s, cid) == []
    engine.dispose()
