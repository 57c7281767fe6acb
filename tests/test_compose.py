"""The deployment files agree with the settings: docker-compose.yml, Dockerfile, .env.example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from sqlalchemy.engine import make_url

from gis_service.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
ENV_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")


def _env_names(name: str) -> list[str]:
    """Environment names of a settings field; the first is the one to document."""
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return [f"GIS_{name.upper()}"]


def _documented_names() -> set[str]:
    """The name .env.example must list for each settings field."""
    return {_env_names(name)[0] for name in Settings.model_fields}


def _known_names() -> set[str]:
    """Every environment name the settings accept."""
    return {env for name in Settings.model_fields for env in _env_names(name)}


def _environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment, whether written as a mapping or a KEY=value list."""
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def _command(service: dict[str, Any]) -> str:
    """A service's command as one string."""
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    """The services of docker-compose.yml."""
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return dict(document["services"])


def test_db_is_the_official_postgis_image_with_a_pg_isready_healthcheck(
    services: dict[str, Any],
) -> None:
    db = services["db"]
    assert db["image"].startswith("postgis/postgis:")
    test = db["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])


def test_app_waits_for_a_healthy_db(services: dict[str, Any]) -> None:
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_app_environment_uses_only_known_settings(services: dict[str, Any]) -> None:
    unknown = set(_environment(services["app"])) - _known_names()
    assert not unknown, f"not settings (see gis_service/settings.py): {sorted(unknown)}"


def test_app_database_url_matches_the_db_service(services: dict[str, Any]) -> None:
    db_env = _environment(services["db"])
    db_url = make_url(_environment(services["app"])["DATABASE_URL"])
    assert db_url.host == "db"
    assert db_url.database == db_env["POSTGRES_DB"]
    assert db_url.username == db_env.get("POSTGRES_USER", "postgres")
    assert db_url.password == db_env["POSTGRES_PASSWORD"]


def test_app_migrates_before_it_serves_on_8000(services: dict[str, Any]) -> None:
    app = services["app"]
    command = _command(app)
    # `&&` so that a failed migration never leaves an API running on the old schema.
    assert re.search(r"gis-service db upgrade\s*&&.*gis-service serve\b", command)
    assert "--port 8000" in command and "--host 0.0.0.0" in command
    assert any(str(port).endswith(":8000") for port in app["ports"])


def test_sample_load_is_a_one_off_under_the_sample_profile(services: dict[str, Any]) -> None:
    load = services["load"]
    assert load["profiles"] == ["sample"]
    assert "gis-service load data/geo" in _command(load)
    assert load["depends_on"]["db"]["condition"] == "service_healthy"


def test_dockerfile_runs_migrations_then_serve() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    cmd = [line for line in text.splitlines() if line.startswith("CMD ")]
    assert len(cmd) == 1
    assert re.search(r"gis-service db upgrade && exec gis-service serve --host 0\.0\.0\.0", cmd[0])


def _env_example_entries() -> list[tuple[str, str]]:
    """(name, default) of each setting line of .env.example, commented out or not."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return [(m[1], m[2]) for line in lines if (m := ENV_LINE.match(line))]


def test_env_example_lists_exactly_the_settings() -> None:
    names = [name for name, _ in _env_example_entries()]
    assert len(names) == len(set(names)), "a setting is listed twice"
    assert set(names) == _documented_names(), "mirror gis_service/settings.py in .env.example"


def test_env_example_carries_every_description() -> None:
    comments = " ".join(
        line.removeprefix("#").strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if line.startswith("# ")
    )
    for name, field in Settings.model_fields.items():
        description = " ".join((field.description or "").split())
        assert description and description in comments, f"describe {name} in .env.example"


def test_env_example_defaults_are_the_real_defaults(tmp_path: Path) -> None:
    filled = [(name, value) for name, value in _env_example_entries() if value]
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in filled), encoding="utf-8")
    from_file = Settings(_env_file=env_file)  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for name in Settings.model_fields:
        value = getattr(from_file, name)
        if isinstance(value, Path):
            # Folders are written relative to the project, where the defaults live.
            assert PROJECT_ROOT / value == getattr(defaults, name), name
        else:
            assert value == getattr(defaults, name), name
