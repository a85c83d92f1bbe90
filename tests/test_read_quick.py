"""`source.quick` composes exactly as libyaml does, or declines (issue 22).

Every text it accepts must give libyaml's node tree (tag, value, style, flow style and both
marks of every node) and the same reading (`read_text`: data, places, problems, comments,
flows, raw plain values, broken fields, in the same order) as the libyaml path, both ways `read`
uses `quick`: straight into the source's data (`read._read_quick`, no nodes) and from its nodes. Texts: the repository's notices,
`tbkl new`'s, the importer's writer, ../shared's YAML if any, notices generated as
benchmarks/bench_batch.py generates them, and thousands of random edits of those.
`source.implicit` answers as PyYAML's resolver and SafeConstructor on generated scalars.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tbkl_gen.source import implicit, quick, read

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LOADER = getattr(yaml, "CSafeLoader", None)

pytestmark = pytest.mark.skipif(LOADER is None, reason="PyYAML without libyaml: nothing to hold quick to")


def _differences(ours: Any, theirs: Any, where: str = "root") -> str | None:
    """Return where two node trees differ, or None when every node is the same."""
    if ours.id != theirs.id:
        return f"{where}: {ours.id} ≠ {theirs.id}"
    for name in ("tag", "style", "flow_style"):
        if getattr(ours, name, None) != getattr(theirs, name, None):
            return f"{where}: {name} {getattr(ours, name, None)!r} ≠ {getattr(theirs, name, None)!r}"
    for name in ("start_mark", "end_mark"):
        a, b = getattr(ours, name), getattr(theirs, name)
        fields = ("name", "index", "line", "column", "buffer", "pointer")
        if [getattr(a, f) for f in fields] != [getattr(b, f) for f in fields]:
            return f"{where}: {name} {[getattr(a, f) for f in fields]} ≠ {[getattr(b, f) for f in fields]}"
    if ours.id == "scalar":
        return None if ours.value == theirs.value else f"{where}: value {ours.value!r} ≠ {theirs.value!r}"
    if len(ours.value) != len(theirs.value):
        return f"{where}: {len(ours.value)} ≠ {len(theirs.value)} children"
    if ours.id == "mapping":
        for (key, value), (their_key, their_value) in zip(ours.value, theirs.value, strict=True):
            found = _differences(key, their_key, f"{where}.key {key.value!r}") or _differences(value, their_value, f"{where}.{key.value}")
            if found:
                return found
        return None
    for index, (item, their_item) in enumerate(zip(ours.value, theirs.value, strict=True)):
        found = _differences(item, their_item, f"{where}[{index}]")
        if found:
            return found
    return None


def _snapshot(text: str) -> object:
    source, problems = read.read_text(text, Path("tb.yaml"))
    messages = [problem.format() for problem in problems]
    if source is None:
        return messages
    return (
        source.data,
        list(source.key_marks.items()),
        list(source.value_marks.items()),
        list(source.comments.items()),
        sorted(map(str, source.flow)),
        list(source.raw_plain.items()),
        sorted(map(str, source.broken)),
        messages,
    )


def _reading_without(text: str, *ways: str) -> object:
    """Return the reading of text with the given ways of `read` turned off (each declines)."""
    kept = {way: getattr(read, way) for way in ways}
    for way in ways:
        setattr(read, way, lambda *args: None)
    try:
        return _snapshot(text)
    finally:
        for way, function in kept.items():
            setattr(read, way, function)


# texts quick composed whose reading straight into the data declined: each must have a reason
DECLINED_STRAIGHT: list[str] = []


def _check(text: str) -> bool:
    """Hold quick to libyaml on text; return whether quick accepted it."""
    ours = quick.compose(text, implicit.plain_tag)
    if ours is None:
        assert read._read_quick(Path("tb.yaml"), text) is None, text
        return False
    try:
        theirs = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as error:  # pragma: no cover - a failure
        pytest.fail(f"quick accepted a text libyaml refuses ({error}):\n{text}")
    found = _differences(ours, theirs)
    assert found is None, f"{found}\n{text}"
    straight = _snapshot(text)
    assert straight == _reading_without(text, "_read_quick"), text  # quick's nodes
    assert straight == _reading_without(text, "_read_quick", "_compose_quick"), text  # libyaml's nodes
    if read._read_quick(Path("tb.yaml"), text) is None:
        DECLINED_STRAIGHT.append(text)
        messages = straight[-1] if isinstance(straight, tuple) else straight
        assert any("bị lặp lại" in message for message in messages), text  # type: ignore[union-attr]
    return True


# --- the texts ----------------------------------------------------------------------------------


def _bench_batch() -> Any:
    spec = importlib.util.spec_from_file_location("bench_batch_for_quick", ROOT / "benchmarks" / "bench_batch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("generated")
    made = _bench_batch().generate(folder, 120, seed=22)
    return [path.read_text(encoding="utf-8") for path, _ in made]


def _repository_texts() -> list[Path]:
    found = sorted((ROOT / "notices").rglob("*.yaml"))
    found += sorted(path for path in (ROOT / "tests").rglob("*.y*ml") if path.suffix in (".yaml", ".yml"))
    found += sorted((ROOT / "tbkl_gen").rglob("*.yaml"))
    return found


def test_every_notice_of_the_repository_is_accepted_and_composed_as_libyaml_does() -> None:
    paths = [path for path in _repository_texts() if path.parent.name != "golden"]
    notices = [path for path in paths if "notices" in path.parts]
    assert len(notices) >= 6
    accepted = [path for path in paths if _check(path.read_text(encoding="utf-8"))]
    assert set(notices) <= set(accepted), sorted(set(notices) - set(accepted))
    assert all(read._read_quick(path, path.read_text(encoding="utf-8")) is not None for path in notices)


def test_the_sources_imported_from_the_real_word_originals_are_accepted_and_composed_as_libyaml_does(tmp_path: Path) -> None:
    # ../shared holds Word originals, no YAML: what `tbkl import` writes from them is what an office's files look like
    from tbkl_gen.importer import import_paths

    originals = sorted((SHARED / "real").glob("*.docx"))
    if not originals:
        pytest.skip(f"{SHARED / 'real'}: the real Word originals are missing")
    import_paths(originals, tmp_path)
    written = sorted(tmp_path.rglob("*.yaml"))
    assert len(written) == len(originals), written
    assert all(_check(path.read_text(encoding="utf-8")) for path in written)


def test_generated_notices_are_all_accepted_and_composed_as_libyaml_does(generated: list[str]) -> None:
    assert all(_check(text) for text in generated)
    assert all(read._read_quick(Path("tb.yaml"), text) is not None for text in generated)


def test_the_notices_tbkl_new_and_the_importer_write_are_accepted(tmp_path: Path) -> None:
    from tbkl_gen.commands.scaffold import init_workspace, new_notice
    from tbkl_gen.importer.emit import notice_yaml

    init_workspace(tmp_path)
    made = new_notice(tmp_path, "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp", today=dt.date(2026, 4, 2))
    assert _check(made.read_text(encoding="utf-8"))
    data = yaml.safe_load((ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml").read_text(encoding="utf-8"))
    for quoted in (False, True):
        assert _check(notice_yaml(data, ["Nhập từ tệp Word", "kiểm tra lại"], quoted=quoted))


# --- random edits -------------------------------------------------------------------------------

_PIECES = [
    ":", ": ", " :", "#", " #", " # ghi chú", "-", "- ", "'", "''", '"', '\\"', "\\n", "\\u00e9", "\\x41", "\\",
    "[]", "{}", "[a]", "{a: 1}", "&a ", "*a", "!!str ", "!x ", "? ", "%", "@", "`", "|", ">", "|-", ">+", "|2",
    "ệ", "😀", "\u00a0", "\u200b", "\t", "\r", "\ufeff", "012", "NO", "yes", "~", "null", "2021-02-30", "2021-05-27",
    "1_000", "0x1F", "1.5", ".inf", "<<", "=", "---", "...", ",", "a: b", "  ", "x" * 120, "**đậm**", "^[chú thích]",
]  # fmt: skip
_ESCAPES = ["", "\\n", "\\u1ec7", "\\t", "\\/", "\\ud800", "\\x41", "\\e", "\\u0007"]
_BLOCKS = ["|", "|-", "|+", ">", ">-", ">+", "|2", "> # c", "|-  "]


def _mutated(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        number = rng.randrange(len(lines))
        line = lines[number]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        action = rng.randrange(16)
        if action == 0:  # indentation shifted
            lines[number] = " " * max(0, indent + rng.choice([-2, -1, 1, 2, 3])) + stripped
        elif action == 1:  # a stray piece somewhere in the line
            at = rng.randint(0, len(line))
            lines[number] = line[:at] + rng.choice(_PIECES) + line[at:]
        elif action == 2:  # a blank, whitespace-only or comment line
            lines.insert(number, rng.choice(["", " " * rng.randint(1, 6), " " * rng.randint(0, 6) + "# ghi chú", "#"]))
        elif action == 3:  # trailing spaces
            lines[number] = line + " " * rng.randint(1, 3)
        elif action == 4 and number + 1 < len(lines):  # two lines joined
            lines[number : number + 2] = [line + rng.choice(["", " "]) + lines[number + 1].lstrip(" ")]
        elif action == 5 and " " in stripped:  # a line broken at a space, the rest indented somehow
            at = line.index(" ", indent) if " " in line[indent:] else len(line)
            lines[number : number + 1] = [line[:at], " " * rng.randint(0, indent + 6) + line[at + 1 :]]
        elif action == 6 and ":" in line:  # a value made a block scalar
            head, _, rest = line.partition(":")
            pad = " " * (indent + rng.choice([0, 1, 2, 4]))
            body = [pad + rest.strip()] if rest.strip() else []
            body += rng.choice([[], [""], [pad + "dòng hai"], ["", pad + "sau dòng trống"], [pad + "  thụt thêm"], [pad[:-1] + "lệch"]])
            lines[number : number + 1] = [f"{head}: {rng.choice(_BLOCKS)}", *body]
        elif action == 7 and ":" in line:  # a value emptied
            lines[number] = line.partition(":")[0] + rng.choice([":", ": ", ": # trống"])
        elif action == 8:  # a line repeated (a key twice, an item twice)
            lines.insert(number, line)
        elif action == 9 and ": " in line:  # a value single-quoted, folded over lines maybe
            head, _, rest = line.partition(": ")
            words = rest.replace("'", "''").split(" ")
            cut = rng.randint(0, len(words))
            pad = " " * (indent + rng.choice([0, 1, 2, 4]))
            quoted = [f"{head}: '{' '.join(words[:cut])}"] + ([pad + " ".join(words[cut:]) + "'"] if cut < len(words) else [])
            if cut == len(words):
                quoted[0] += "'"
            if rng.random() < 0.3:
                quoted.insert(1, "")
            lines[number : number + 1] = quoted
        elif action == 10 and ": " in line:  # a value double-quoted, with an escape maybe
            head, _, rest = line.partition(": ")
            rest = rest.replace("\\", "\\\\").replace('"', '\\"')
            escape = rng.choice(_ESCAPES)
            lines[number] = f'{head}: "{rest}{escape}"' + rng.choice(["", " # c", "x"])
        elif action == 11:  # the line deleted
            del lines[number]
        elif action == 12:  # a character deleted
            if line:
                at = rng.randrange(len(line))
                lines[number] = line[:at] + line[at + 1 :]
        elif action == 13:  # an item without a value, or a nested item
            lines.insert(number, " " * indent + rng.choice(["-", "- ", "- - a", "-  a", "-a", "- []", "- {}", "- ''"]))
        elif action == 14:  # an empty flow, or another flow
            if ":" in line:
                lines[number] = line.partition(":")[0] + ": " + rng.choice(["[]", "{}", "[ ]", "[a, b]", "[] # c", "[]x"])
        else:  # a long plain value folded over several lines
            lines.insert(
                number, " " * (indent + rng.choice([1, 2, 4])) + rng.choice(["tiếp theo", "- tiếp", "tiếp: theo", "tiếp #x", "'a'"])
            )
    mutated = "\n".join(lines)
    return mutated if rng.random() > 0.05 else mutated.rstrip("\n")


def _seeds(generated: list[str]) -> Iterator[str]:
    yield from generated[:40]
    for path in sorted((ROOT / "notices").rglob("*.yaml")):
        yield path.read_text(encoding="utf-8")


def test_random_edits_are_composed_as_libyaml_does_or_declined(generated: list[str]) -> None:
    rng = random.Random(2026)
    seeds = list(_seeds(generated))
    DECLINED_STRAIGHT.clear()
    accepted = declined = 0
    for round_ in range(3000):
        text = _mutated(seeds[round_ % len(seeds)], rng)
        if _check(text):
            accepted += 1
        else:
            declined += 1
    straight = accepted - len(DECLINED_STRAIGHT)
    print(f"random edits: quick accepted {accepted} ({straight} read straight into data), declined {declined}")
    # both sides are exercised: the edits keep many texts in the shape, and leave it often
    assert accepted > 800 and declined > 800 and straight > 800


@pytest.mark.parametrize(
    "text",
    [
        "a: b\n",
        "a:\n- b\n-\n- c\n",
        "a:\n  - b\n  - k: v\n    l: w\n",
        "a: >-\n  x\n  y\n\n  z\nb: 1\n",
        "a: |+\n  x\n\n\n# c\nb: 1\n",
        "a: |\n\n  x\n  y\n",
        "a: 'x ''y''\n  z\n\n  w'\nb: \"\\u1ec7\\n\\\"\"\n",
        "a: x\n\n  y\n# c\nb: []\nc: {}\n",
        "a: 1 # c\nb: x #y\nc: NO\nd: 012\ne: ~\nf: 2021-05-27\ng: 2021-02-30\nh: 1_000\ni: <<\n",
        "  a: b\n  c:\n  - d\n",
        "a:\n  b:\n    c:\n    - - x\n",
        "k" * 1100 + ": v\n",
        "".join("  " * depth + f"k{depth}:\n" for depth in range(15)) + "  " * 15 + "- []\n",
        "".join("  " * depth + f"k{depth}:\n" for depth in range(30)),
    ],
)
def test_hand_made_shapes(text: str) -> None:
    _check(text)


def test_the_search_for_a_list_item_in_a_value_finds_the_first_line_a_line_by_line_test_finds() -> None:
    # read._Builder._check_runaway: one search over a plain value's lines, for "- …" or "-" after any blank
    rng = random.Random(5)
    alphabet = [" ", "  ", "-", "- ", "-a", "a", "a - b", "\u00a0", "\u3000", "\x1c", "\x0b", "#", "--"]
    for _ in range(20000):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(rng.randint(1, 4))]
        expected = next((i for i, line in enumerate(lines) if line.lstrip().startswith("- ") or line.lstrip() == "-"), None)
        joined = "\n".join(["", *lines, ""])
        found = read.ITEM_LINE.search(joined)
        assert (None if found is None else joined.count("\n", 0, found.start())) == expected, lines


# --- implicit types -------------------------------------------------------------------------------

_SCALAR_ALPHABET = list("0123456789-+._:xbeEoOnNyYtTfFaAlLsSuUrR~<=!&* \tZT") + [
    "inf", "nan", "NaN", ".inf", "null", "Null", "true", "no", "On", "0x", "0b", "2021-05-27", " 10:20:30", "1_000", "\n",
]  # fmt: skip


def _scalars() -> set[str]:
    rng = random.Random(11)
    found = {"", "~", "null", "yes", "No", "OFF", "012", "0x1F", "1:20", "1_000", "2021-05-27", "2021-5-7 1:02:03", "1.5"}
    found |= {".5", "-.inf", "<<", "=", "2021-02-30", "9" * 5000, "-0", "+12", "0", "00", "2021-05-27\n"}
    while len(found) < 30000:
        found.add("".join(rng.choice(_SCALAR_ALPHABET) for _ in range(rng.randint(0, 6))))
    for _ in range(3000):  # the forms `implicit` builds itself: numbers, dates (possible or not), words
        found.add(rng.choice(["", "-", "+"]) + rng.choice(["", "0"]) + str(rng.randint(0, 10 ** rng.randint(1, 25))))
        found.add(f"{rng.randint(0, 9999):04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}")
    found |= {word for base in ("yes", "no", "true", "false", "on", "off", "null") for word in (base, base.title(), base.upper())}
    return found


# what the reader takes for a value that cannot be built (read._Builder.scalar)
_FAILURES = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def test_the_implicit_types_are_pyyaml_s() -> None:
    assert implicit.same_table(yaml.SafeLoader.yaml_implicit_resolvers)
    assert implicit.STARTS == {first for first in yaml.SafeLoader.yaml_implicit_resolvers if first}
    # every resolver tried for a word's first character matches nothing longer than WORD_LONGEST
    parser: Any = getattr(re, "_parser", None) or importlib.import_module("sre_parse")
    for first in implicit.WORD_STARTS:
        for _tag, regexp in yaml.SafeLoader.yaml_implicit_resolvers[first]:
            assert parser.parse(regexp.pattern, regexp.flags).getwidth()[1] <= implicit.WORD_LONGEST, (first, regexp.pattern)
    loader = yaml.SafeLoader("")
    built = 0
    for value in _scalars():
        tag = loader.resolve(yaml.ScalarNode, value, (True, False))
        assert implicit.plain_tag(value) == tag, value
        try:
            built_here = implicit.construct(tag, value)
        except _FAILURES:
            built_here = ("error",)
        if built_here is implicit.NOT_SIMPLE:
            continue
        ours: object = built_here if built_here == ("error",) else ("value", built_here)
        try:
            theirs: object = ("value", yaml.constructor.SafeConstructor().construct_object(yaml.ScalarNode(tag, value), deep=True))
        except _FAILURES:
            theirs = ("error",)
        assert ours == theirs and type(ours[-1]) is type(theirs[-1]), value  # type: ignore[index]
        built += 1
    assert built > 4000
    loader.dispose()


def test_a_notice_of_the_common_shape_is_read_without_importing_pyyaml() -> None:
    import subprocess

    code = (
        "import sys; from pathlib import Path; from tbkl_gen.source.read import read_source; "
        "source, problems = read_source(Path(sys.argv[1])); assert source is not None and source.data['phien_ban'] == 1; "
        "print('yaml' in sys.modules)"
    )
    notice = ROOT / "notices" / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
    done = subprocess.run([sys.executable, "-c", code, str(notice)], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr


def test_texts_indented_far_to_the_right_do_not_grow_the_kept_patterns() -> None:
    # a server is sent texts from outside: each column's pattern is kept only for a notice's columns
    quick._CONTINUATIONS.clear()
    for column in range(100, 400):
        text = f"co_quan:\n{' ' * column}ten: một giá trị\n{' ' * (column + 2)}viết tiếp\n"
        assert _check(text)
    assert not [column for column in quick._CONTINUATIONS if column >= 100]
    assert _check("trich_yeu: một giá trị\n  viết tiếp\n") and 0 in quick._CONTINUATIONS
