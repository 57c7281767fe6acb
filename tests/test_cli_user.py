"""`gis-service user add|list|revoke` against a database of its own (the CLI commits)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import Engine

from gis_service import db
from gis_service.api import auth
from gis_service.cli import main
from gis_service.people.passwords import verify_password
from gis_service.repo import people


@pytest.fixture
def url(cli_database: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI database's URL, set as DATABASE_URL for commands run in this process."""
    monkeypatch.setenv("DATABASE_URL", cli_database[0])
    return cli_database[0]


def user_of(engine: Engine, token: str) -> auth.User | None:
    """The live user holding a token, read in its own transaction."""
    with db.transaction(engine) as session:
        return auth.user_of_token(session, token)


def test_add_prints_the_token_on_its_last_line(
    url: str, cli_database: tuple[str, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["user", "add", "zhang.wei", "--role", "investment"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(token) >= 43 and " " not in token
    assert user_of(cli_database[1], token) == auth.User("zhang.wei", "investment")


def test_list_shows_users_and_revoke_ends_a_token(
    url: str, cli_database: tuple[str, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["user", "add", "wang.fang", "--role", "planner"])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "wang.fang" in listed and "planner" in listed and token not in listed
    assert main(["user", "revoke", "wang.fang"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert user_of(cli_database[1], token) is None
    main(["user", "list"])
    row = next(line for line in capsys.readouterr().out.splitlines() if "wang.fang" in line)
    assert row.split()[-2].count("-") == 2  # a revoked date in the last column


def test_duplicate_names_and_unknown_users_fail_with_a_sentence(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["user", "add", "li.na", "--role", "viewer"])
    assert main(["user", "add", "li.na", "--role", "admin"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["user", "revoke", "nobody"]) == 1
    assert "no user named" in capsys.readouterr().err


def test_unknown_role_is_refused_by_the_parser(url: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["user", "add", "x", "--role", "king"])
    assert caught.value.code == 2


def test_the_installed_command_prints_the_token_last(
    cli_database: tuple[str, Engine],
) -> None:
    env = os.environ | {"DATABASE_URL": cli_database[0]}
    done = subprocess.run(
        [sys.executable, "-m", "gis_service.cli", "user", "add", "sun.li", "--role", "admin"],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    )  # fmt: skip
    token = done.stdout.strip().splitlines()[-1]
    assert user_of(cli_database[1], token) == auth.User("sun.li", "admin")


def _password_hash(engine: Engine, name: str) -> str | None:
    """The stored password hash of a user."""
    with db.transaction(engine) as session:
        row = people.find_signin(session, name)
        return None if row is None else row["password_hash"]


def test_add_with_password_and_passwd_set_argon2_hashes(
    url: str, cli_database: tuple[str, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    engine = cli_database[1]
    assert main(["user", "add", "li", "--role", "investment", "--password", "first pass"]) == 0
    first = _password_hash(engine, "li")
    assert first is not None and verify_password(first, "first pass")
    assert main(["user", "passwd", "li", "--password", "second pass"]) == 0
    second = _password_hash(engine, "li")
    assert second is not None and verify_password(second, "second pass")
    assert not verify_password(second, "first pass")
    assert main(["user", "passwd", "li", "--password", "short"]) != 0
    assert "at least 8" in capsys.readouterr().err


def test_password_prompt_asks_twice(
    url: str, cli_database: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["typed pass 1", "typed pass 1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["user", "add", "qian", "--role", "viewer", "--password"]) == 0
    stored = _password_hash(cli_database[1], "qian")
    assert stored is not None and verify_password(stored, "typed pass 1")
