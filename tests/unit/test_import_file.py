"""The import file is outside data: whatever it holds, it is read or refused as bad input."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workstation.errors import BadInput
from workstation.intake.imports import read_import_file

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
DOSSIER = st.fixed_dictionaries(
    {
        "import_key": st.text(max_size=12),
        "procedure": st.text(max_size=12),
        "applicant": st.fixed_dictionaries(
            {"type": st.integers(-1, 6), "name": st.text(max_size=12)}
        ),
        "components": st.lists(
            st.fixed_dictionaries(
                {"code": st.text(max_size=6)},
                optional={"paper_pages": st.integers(-2, 6000), "files": st.lists(st.text())},
            ),
            max_size=3,
        ),
    },
    optional={"received_at": st.text(max_size=30), "channel": st.text(max_size=10)},
)


def check(tmp_path, content: bytes) -> None:
    path = tmp_path / "import.json"
    path.write_bytes(content)
    try:
        entries = read_import_file(path)
    except BadInput as exc:
        assert exc.code.startswith("import.")
    else:
        assert isinstance(entries, list) and entries


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=JSON)
def test_any_json_is_read_or_refused_as_bad_input(tmp_path, document) -> None:
    check(tmp_path, json.dumps(document).encode())


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dossiers=st.lists(DOSSIER, max_size=3))
def test_near_valid_files_are_read_or_refused_as_bad_input(tmp_path, dossiers) -> None:
    document = {"format": "workstation.dossiers/1", "dossiers": dossiers}
    check(tmp_path, json.dumps(document).encode())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200))
def test_any_bytes_are_read_or_refused_as_bad_input(tmp_path, content) -> None:
    check(tmp_path, content)
