"""Issue 16, a fresh pass on a PostgreSQL team store's refusals at login: a database or user the server does not
have was shown as the driver's raw text ("connection failed: connection to server at ..., port ... failed:
FATAL:  database "x" does not exist"), and one whose name holds "locked" or "busy" was "the poll store is busy:
another program holds a lock on it; try again". Each test failed before its fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import pg_url
from warroom.bootstrap import open_store
from warroom.store.db import translate
from warroom.store.errors import StoreError

needs_pg = pytest.mark.skipif(not pg_url(), reason="WARROOM_PG_URL not set (.ci/run sets it after starting PostgreSQL)")


def _server() -> tuple[str, str]:
    """The test server's URL up to its port, and its user."""
    base = pg_url() or ""
    user = base.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]
    return base.rsplit("/", 1)[0], user


@needs_pg
@pytest.mark.parametrize("name", ["polls_tema", "locked_polls", "busy"])
def test_a_database_the_server_does_not_have_is_said_plainly(name: str) -> None:
    server, _user = _server()
    with pytest.raises(StoreError) as refused:
        open_store(f"{server}/{name}", backup_dir=None, create=False)
    text = str(refused.value)
    assert text.startswith(f"the store's server has no database named {name!r}"), text
    assert "FATAL" not in text and "connection failed" not in text and "busy" not in text.replace(name, "")
    assert f"createdb {name}" in text and refused.value.kind == "missing"


@needs_pg
@pytest.mark.parametrize("user", ["nobody", "busy"])
def test_a_user_the_server_does_not_have_is_said_plainly_without_the_password(user: str) -> None:
    server, _ = _server()
    host = server.split("@", 1)[1]
    with pytest.raises(StoreError) as refused:
        open_store(f"postgresql+psycopg://{user}:s3cr3t@{host}/postgres", backup_dir=None, create=False)
    text = f"{refused.value} {refused.value.where}"
    assert str(refused.value).startswith(f"the store's server has no user (role) named {user!r}"), text
    assert "s3cr3t" not in text and "FATAL" not in text and "another program holds a lock" not in text


@needs_pg
def test_warroom_names_a_missing_team_database_plainly_on_the_command_line(tmp_path: Path) -> None:
    server, _ = _server()
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "--data-dir", str(tmp_path), "--db", f"{server}/polls_tema", "contests"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "the store's server has no database named 'polls_tema'" in done.stderr, done.stderr
    assert "FATAL" not in done.stderr


@pytest.mark.parametrize(
    ("driver_text", "said"),
    [
        (
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  password '
            'authentication failed for user "locked_out"',
            "the store's server refused the password for user 'locked_out'",
        ),
        (
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  no pg_hba.conf entry '
            'for host "10.0.0.9", user "ann", database "busy_polls", no encryption',
            "the store's server does not let user 'ann' connect to database 'busy_polls' from this computer",
        ),
    ],
)
def test_a_login_the_server_refuses_is_said_plainly(driver_text: str, said: str) -> None:
    """The server's own words at a refused login (psycopg's text, as a server with password or host rules gives
    it; the test server trusts every local login, so the text is given here): it was shown raw, or as "busy"."""
    error = translate(OperationalError("connect", {}, Exception(driver_text)))
    assert str(error).startswith(said), str(error)
    assert "FATAL" not in str(error) and "another program holds a lock" not in str(error)
