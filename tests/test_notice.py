"""The plain notice object and its pydantic-free builder agree with the model, always.

`notice.from_data` builds the notice without pydantic for data that plainly follows the rules of
`model`; for anything else it answers None and the model decides. These tests hold it to that:
on every example, and on thousands of mutations of them (a value replaced by a tricky one, a key
removed or added), it either gives exactly the model's notice or stands aside. A mutation the
model refuses must never be accepted.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from factories import notice_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tbkl_gen.notice import validation as model

from tbkl_gen.notice import model as notice
from tbkl_gen.source.load import load_notice
from tbkl_gen.source.read import read_source
from tbkl_gen.source.workspace import find_workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "notices").rglob("*.yaml"))
PAIRS = [
    (getattr(notice, cls.__name__), cls)
    for cls in (model.Notice, model.CoQuan, model.NguoiKy, model.NgayThang, model.Muc, model.Khoan, model.Diem, model.Gach, model.Cong)
]


def by_model(data: Any) -> notice.Notice | None:
    try:
        return model.to_notice(model.Notice.model_validate(data))
    except ValidationError:
        return None


def example_data(path: Path) -> dict[str, Any]:
    """Return an example's data as the loader hands it to validation (office defaults merged)."""
    workspace = find_workspace(path)
    source, problems = read_source(path)
    assert source is not None and not problems
    loaded = load_notice(path, workspace.defaults if workspace is not None else None)
    assert loaded.notice is not None and loaded.source is not None
    return loaded.source.data


@pytest.mark.parametrize(("plain", "pydantic_class"), PAIRS, ids=[p[1].__name__ for p in PAIRS])
def test_the_notice_object_has_the_fields_and_defaults_of_the_model(plain: type, pydantic_class: Any) -> None:
    fields = {f.name: f for f in dataclasses.fields(plain)}
    assert set(fields) == set(pydantic_class.model_fields)
    for name, info in pydantic_class.model_fields.items():
        default = fields[name].default
        if info.is_required():
            assert default is dataclasses.MISSING, name
        elif info.default_factory is list:
            assert default == (), name
        else:
            assert default == info.default, name


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_is_built_without_the_model_and_equals_the_models_notice(path: Path) -> None:
    data = example_data(path)
    fast = notice.from_data(copy.deepcopy(data))
    assert fast is not None
    assert fast == by_model(data)


def test_rendering_one_example_does_not_import_pydantic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from tbkl_gen.cli import main\n"
        f"sys.argv = ['tbkl', 'render', {str(EXAMPLES[0])!r}, '-o', {str(tmp_path)!r}, '-q']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "print('pydantic' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
    assert list(tmp_path.rglob("*.docx"))


# Values that sit on either side of the model's rules.
TRICKY = [
    None,
    "",
    " ",
    "x",
    "KHẨN",
    "khẩn",
    "2026",
    "2026-04",
    "2026-13",
    "2026-04-31",
    "2026-4-5",
    "٢٠٢٦",
    0,
    1,
    2,
    12,
    13,
    31,
    32,
    1944,
    1945,
    2026,
    2100,
    2101,
    -1,
    1.0,
    1.5,
    True,
    False,
    [],
    [""],
    ["x"],
    ["x", 1],
    [None],
    ("x",),
    {},
    {"nam": 2026},
    {"nam": 2026, "thang": 13},
    {"nam": 2026, "thang": 4, "ngay": 5},
    {"nam": "2026"},
    {"nam": 2026, "x": 1},
    {"khoan": "x"},
    {"khoan": "x", "tieu_de": True},
    {"khoan": "x", "tieu_de": "có"},
    {"khoan": "x", "diem": "y"},
    {"muc": "x", "noi_dung": ["y", {"gach": "z"}]},
    {"cong": ""},
    {"gach": "x", "noi_dung": None},
    {"diem": "x", "khac": 1},
    {1: "x"},
    dt.date(2026, 4, 5),
    dt.datetime(2026, 4, 5, 8, 0),
    b"x",
]


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def mutate(data: dict[str, Any], path: tuple, action: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    parent: Any = changed
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = copy.deepcopy(value)
    elif action == "remove":
        del parent[last]
    elif isinstance(parent, dict):  # "add": a key next to this one
        parent[value if isinstance(value, str) and value else "khoa_la"] = "x"
    else:
        parent.insert(last, copy.deepcopy(value))
    return changed


BASES = [notice_data(), *(example_data(path) for path in EXAMPLES)]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(range(len(BASES))),
    picks=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(["replace", "remove", "add"]), st.sampled_from(range(len(TRICKY)))),
        min_size=1,
        max_size=3,
    ),
)
def test_a_mutated_notice_is_built_exactly_as_the_model_would_or_left_to_it(base: int, picks: list[tuple[int, str, int]]) -> None:
    data = BASES[base]
    for index, action, value in picks:
        where = paths(data)
        data = mutate(data, where[index % len(where)], action, TRICKY[value])
    fast = notice.from_data(copy.deepcopy(data))
    if fast is not None:
        assert fast == by_model(data)


def test_the_model_and_the_builder_agree_on_every_tricky_value_at_every_place() -> None:
    accepted = refused = 0
    for data in BASES[:2]:
        for path in paths(data):
            for action in ("replace", "remove", "add"):
                for value in TRICKY if action != "remove" else [None]:
                    changed = mutate(data, path, action, value)
                    fast = notice.from_data(copy.deepcopy(changed))
                    expected = by_model(changed)
                    if fast is None:
                        refused += 1
                    else:
                        accepted += 1
                        assert fast == expected, (path, action, value)
    assert accepted > 100 and refused > 100  # both sides of the rules were reached
