"""Settings: defaults, the file, environment overrides, upgrades of older files."""

from __future__ import annotations

import pytest

from workstation.config import (
    SETTINGS_VERSION,
    Settings,
    field_docs,
    load_settings,
    save_settings,
    settings_file,
)
from workstation.errors import ConfigError


def test_defaults_put_the_store_in_the_data_folder(folders) -> None:
    settings = load_settings(folders)
    assert settings.language == "vi"
    assert settings.database_path(folders) == folders.data / "store.sqlite3"
    assert settings.blob_path(folders) == folders.data / "blobs"


def test_saved_settings_are_read_back(folders) -> None:
    save_settings(Settings(central_url="https://motcua.example.vn", language="en"), folders)
    loaded = load_settings(folders)
    assert loaded.central_url == "https://motcua.example.vn"
    assert loaded.language == "en"


def test_environment_overrides_the_file(folders, monkeypatch) -> None:
    save_settings(Settings(central_url="https://a.example.vn"), folders)
    monkeypatch.setenv("WORKSTATION_CENTRAL_URL", "http://127.0.0.1:8700")
    monkeypatch.setenv("WORKSTATION_DATABASE", "/tmp/elsewhere.sqlite3")
    loaded = load_settings(folders)
    assert loaded.central_url == "http://127.0.0.1:8700"
    assert str(loaded.database_path(folders)) == "/tmp/elsewhere.sqlite3"


def test_version_1_file_is_upgraded(folders) -> None:
    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text('version = 1\nserver_url = "https://old.example.vn"\n', encoding="utf-8")
    loaded = load_settings(folders)
    assert loaded.central_url == "https://old.example.vn"
    assert loaded.version == SETTINGS_VERSION
    save_settings(loaded, folders)
    assert "server_url" not in path.read_text(encoding="utf-8")


def test_file_from_a_newer_workstation_is_refused_clearly(folders) -> None:
    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text(f"version = {SETTINGS_VERSION + 1}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert caught.value.code == "config.too_new"


def test_unreadable_file_is_a_config_error(folders) -> None:
    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text("language = [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert caught.value.code == "config.unreadable"


def test_invalid_language_from_the_environment_is_refused(folders, monkeypatch) -> None:
    monkeypatch.setenv("WORKSTATION_LANGUAGE", "fr")
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert "Giá trị cấu hình" in caught.value.user_message()


def test_unknown_keys_are_dropped(folders) -> None:
    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text(f'version = {SETTINGS_VERSION}\ncolour = "red"\n', encoding="utf-8")
    assert not hasattr(load_settings(folders), "colour")


def test_every_field_is_documented() -> None:
    assert all(field_docs().values())


@pytest.mark.parametrize(
    "content",
    ["log_level = 5\n", 'version = "abc"\n', "database = 5\n", "language = true\n"],
)
def test_values_of_the_wrong_type_are_config_errors_not_crashes(folders, content) -> None:
    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert caught.value.code == "config.invalid_value"


def test_settings_path_that_is_a_folder_is_a_config_error(folders) -> None:
    settings_file(folders).mkdir(parents=True)
    with pytest.raises(ConfigError) as caught:
        load_settings(folders)
    assert caught.value.code == "config.unreadable"
    with pytest.raises(ConfigError) as caught:
        save_settings(Settings(), folders)
    assert caught.value.code == "config.unwritable"


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("database", lambda tmp: _file(tmp / "ho-so.pdf", b"%PDF-1.4 not a database")),
        ("database", lambda tmp: tmp),
        ("blob_folder", lambda tmp: _file(tmp / "blobs", b"a file")),
        ("catalogue", lambda tmp: _file(tmp / "catalogue.json", b"[]")),
    ],
)
def test_unusable_locations_are_refused_before_they_are_saved(folders, tmp_path, field, make):
    from workstation.services import check_locations

    settings = Settings(**{field: str(make(tmp_path))})
    with pytest.raises(ConfigError) as caught:
        check_locations(settings, folders)
    assert caught.value.code == "config.unusable_location"
    assert field in caught.value.user_message()


def test_new_or_existing_store_files_are_usable_locations(folders, tmp_path) -> None:
    from workstation.services import check_locations, open_services

    check_locations(Settings(database=str(tmp_path / "new" / "store.sqlite3")), folders)
    existing = Settings(database=str(tmp_path / "store.sqlite3"))
    open_services(existing, folders).close()
    check_locations(existing, folders)


def _file(path, content: bytes):
    path.write_bytes(content)
    return path


def test_each_unusable_setting_falls_back_to_its_default_and_is_named(folders, monkeypatch) -> None:
    from workstation.config import load_settings_or_defaults

    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text(
        'language = "fr"\ncentral_url = "https://motcua.example.vn"\n', encoding="utf-8"
    )
    monkeypatch.setenv("WORKSTATION_LOG_LEVEL", "LOUD")
    settings, problems = load_settings_or_defaults(folders)
    assert settings.language == "vi" and settings.log_level == "INFO"  # the defaults
    assert settings.central_url == "https://motcua.example.vn"  # the good value is kept
    by_name = {p.name: p for p in problems}
    assert set(by_name) == {"language", "log_level"}
    assert by_name["language"].variable == ""  # from the file
    assert by_name["log_level"].variable == "WORKSTATION_LOG_LEVEL"
    assert all(p.error.code == "config.invalid_value" for p in problems)
    with pytest.raises(ConfigError):
        load_settings(folders)  # commands still refuse


def test_an_unreadable_file_counts_as_empty_for_the_window(folders, monkeypatch) -> None:
    from workstation.config import load_settings_or_defaults

    path = settings_file(folders)
    path.parent.mkdir(parents=True)
    path.write_text("language = [broken", encoding="utf-8")
    monkeypatch.setenv("WORKSTATION_LANGUAGE", "en")
    settings, [problem] = load_settings_or_defaults(folders)
    assert settings.language == "en"  # the environment still applies
    assert problem.name == "" and problem.error.code == "config.unreadable"
