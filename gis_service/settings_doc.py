"""The settings reference as a Markdown table, generated from the Settings class."""

from __future__ import annotations

from pydantic import AliasChoices

from gis_service.settings import PROJECT_ROOT, Settings


def env_name(field: str) -> str:
    """The environment variable that sets a field (DATABASE_URL keeps its usual name)."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"GIS_{field.upper()}"


def default_text(field: str) -> str:
    """The default of a field as a reader would write it (paths relative to the project)."""
    default = Settings.model_fields[field].default
    if default is None:
        return "(unset)"
    text = str(default)
    root = str(PROJECT_ROOT)
    if text.startswith(root):
        text = text[len(root) + 1 :]
    if isinstance(default, tuple):
        text = "[" + ", ".join(str(part) for part in default) + "]"  # JSON, as pydantic reads it
    return f"`{text}`"


def settings_markdown() -> str:
    """One table row per setting: variable, default, description."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for field, info in Settings.model_fields.items():
        rows.append(f"| `{env_name(field)}` | {default_text(field)} | {info.description} |")
    return "\n".join(rows) + "\n"


def readme_with_table(readme: str) -> str:
    """The README text with the generated table between its settings markers."""
    begin, end = "<!-- settings:begin -->\n", "<!-- settings:end -->"
    head, _, rest = readme.partition(begin)
    _, _, tail = rest.partition(end)
    return head + begin + settings_markdown() + end + tail


if __name__ == "__main__":
    readme = PROJECT_ROOT / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote the settings table into {readme}")
