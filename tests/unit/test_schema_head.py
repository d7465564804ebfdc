"""The newest schema revision is read from the scripts the way Alembic reads it, or not at all."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from workstation.store.database import MIGRATIONS
from workstation.store.schema_head import head_revision


def test_head_read_without_alembic_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert (
        head_revision(MIGRATIONS / "versions")
        == ScriptDirectory.from_config(config).get_current_head()
    )


def write_script(folder: Path, revision: str, down: str) -> None:
    (folder / f"{revision}_step.py").write_text(
        f'"""Step {revision}."""\n\nrevision = "{revision}"\ndown_revision = {down}\n',
        encoding="utf-8",
    )


def test_a_chain_of_scripts_has_its_last_step_as_head(tmp_path) -> None:
    write_script(tmp_path, "0001", "None")
    write_script(tmp_path, "0002", '"0001"')
    write_script(tmp_path, "0003", "'0002'")
    assert head_revision(tmp_path) == "0003"


def test_merges_and_branches_leave_the_answer_to_alembic(tmp_path) -> None:
    write_script(tmp_path, "0001", "None")
    write_script(tmp_path, "0002", '"0001"')
    write_script(tmp_path, "0003", '"0001"')  # two heads
    assert head_revision(tmp_path) is None
    write_script(tmp_path, "0004", '("0002", "0003")')  # a merge
    assert head_revision(tmp_path) is None
    assert head_revision(tmp_path / "empty") is None
