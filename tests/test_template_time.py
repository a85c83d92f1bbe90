"""A hostile template ends within the time limit, whatever it does: tried through the real CLI.

The sandbox (tbkl_gen/word/render.py) reads the clock in every operation a template can make
costly (each loop step, "+", "*", "~", "%", each comparison, filter and test, each list it
writes), and bounds the size of what each operation makes, so that no single operation takes
long. Each template here runs in `python -m tbkl_gen render` in a child process; before these
checks some of them ran for hours (and some took hours to be read, before anything rendered: a
tag is now at most MAX_TAG_CHARS characters and MAX_TAG_NODES names and operations). A child still running after CHILD_TIMEOUT seconds fails the
test (the oracle is generous: the limit is MAX_SECONDS, the whole command ends well before).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import hostile_docx
from conftest import NOTICES
from test_template_security import hostile
from tbkl_gen.word.render import MAX_SECONDS, MAX_TAG_CHARS, MAX_TAG_NODES

SEED = NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"
CHILD_TIMEOUT = 60

TOO_SLOW = f"phần thân: điền mẫu quá {MAX_SECONDS:g} giây"
READ_ONLY = "(chỉ dùng if, for và biến của hợp đồng mẫu)"


def nested(heads: list[str], body: str) -> str:
    """Return body inside one `{% for … %}` per head, the first outermost."""
    return "".join(f"{{% for {head} %}}" for head in heads) + body + "{% endfor %}" * len(heads)


# A list of 5,000 one-letter strings, doubled by each loop below it: 10,000 weight at the top,
# 5 million at the ninth level, where one "+" copies and weighs millions of items.
DOUBLING = [f"{name} in [{previous} + {previous}]" for previous, name in zip("abcdefgh", "bcdefghk", strict=True)]
LETTERS = "[[noi_nhan[0][0]] * 5000]"
# A 4,000-bit number, squared up by loops: printed in 1,200 digits, though it is one item of a list.
SQUARING = ["n1 in [2**63 * 2**63]", "n2 in [n1 * n1]", "n3 in [n2 * n2]", "n4 in [n3 * n3]", "n5 in [n4 * n4]"]


def sums(count: int, terms: int) -> str:
    """Return count tags each adding terms random digits: `{{ 3+9+8+… }}` (jinja took hours to compile 1,900 of 240)."""
    digits = random.Random(3)
    return "".join("{{ " + "+".join(str(digits.randint(0, 9)) for _ in range(terms)) + " }}" for _ in range(count))


TEMPLATES = {
    "list-doubled-by-plus": (
        nested(["i in range(10000)", f"a in [{LETTERS}]", *DOUBLING], "{% if (k + k) == (k + k) and (k + k) == (k + k) %}{% endif %}"),
        TOO_SLOW,
    ),
    "string-doubled-by-tilde": (
        nested(
            [
                "i in range(10000)",
                "a in ['abcd' * 2000]",
                *[f"{n} in [{p} ~ {p}]" for p, n in zip("abcdefghkm", "bcdefghkmn", strict=True)],
            ],
            "{% if (n ~ so) == so %}{% endif %}",
        ),
        TOO_SLOW,
    ),
    "list-times-number": (
        nested(["i in range(10000)", "j in range(100)"], "{% if [noi_nhan * 100] * 10 == so %}{% endif %}"),
        "phần thân: phép tính “*” cho kết quả quá lớn",
    ),
    "filters-over-a-huge-list": (
        nested(["i in range(10000)", f"a in [{LETTERS}]", *DOUBLING[:7]], "{% if (h|upper|lower|title|trim|upper|e) == so %}{% endif %}"),
        TOO_SLOW,
    ),
    "comparisons-of-huge-lists": (
        nested(["i in range(10000)", f"a in [{LETTERS}]", *DOUBLING[:8]], "{% if h == h and h in [h, h] and h is sequence %}{% endif %}"),
        TOO_SLOW,
    ),
    "huge-numbers-printed": (
        nested([*SQUARING, "a in [[n5] * 5000]", *DOUBLING], "{{ k }}"),
        "phần thân: phép tính “*” cho kết quả quá lớn",
    ),
    "loops-nested-five-deep": (
        nested([f"{name} in range(10000)" for name in "abcde"], "{{ a }}"),
        "phần thân: vòng lặp chạy quá 1.000.000 lần",
    ),
    "range-of-a-billion": ("{% for x in range(10**9) %}x{% endfor %}", "phần thân: range quá 10.000 phần tử"),
    "range-of-huge-numbers": ("{{ range(2**64, 2**64 + 10**12)|length }}", "phần thân: range quá 10.000 phần tử"),
    "string-percent-formatting": ("{{ '%0999999999d' % 1 }}", "phần thân: phép “%” trên chuỗi không được dùng trong mẫu"),
    "format-filter": ("{{ '%s'|format(trich_yeu) }}", "thẻ “{{ '%s'|format(trich_yeu) }}”: bộ lọc “format” không được dùng trong mẫu"),
    "join-filter": ("{{ noi_nhan|join(trich_yeu) }}", "thẻ “{{ noi_nhan|join(trich_yeu) }}”: bộ lọc “join” không được dùng trong mẫu"),
    "replace-filter": ("{{ trich_yeu|replace('a', trich_yeu) }}", "bộ lọc “replace” không được dùng trong mẫu"),
    "center-filter": ("{{ trich_yeu|center(10**9) }}", "bộ lọc “center” không được dùng trong mẫu"),
    "batch-sum-map-list": ("{{ noi_nhan|batch(2)|map('list')|sum(start=[])|list }}", "bộ lọc “batch” không được dùng trong mẫu"),
    "set-doubling": ("{% set x = noi_nhan + noi_nhan %}", f"lệnh “set” không được dùng trong mẫu {READ_ONLY}"),
    "recursive-macro": ("{% macro f(x) %}{{ f(x ~ x) }}{% endmacro %}{{ f(so) }}", f"lệnh “macro” không được dùng trong mẫu {READ_ONLY}"),
    "a-tag-of-600000-characters": (sums(1, 300_000), f"thẻ dài hơn {MAX_TAG_CHARS} ký tự"),
    "1900-tags-of-240-additions": (sums(1900, 240), f"thẻ có quá {MAX_TAG_NODES} tên, hằng và phép tính"),
    "1900-tags-of-16-additions": (sums(1900, 16), f"thẻ có quá {MAX_TAG_NODES} tên, hằng và phép tính"),
    "recursive-loop": (
        "{% for x in noi_nhan recursive %}{{ loop([x, x]) }}{% endfor %}",
        "vòng lặp đệ quy (recursive) không được dùng trong mẫu",
    ),
}


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give each child an empty cache of its own (compiled forms are kept there)."""
    monkeypatch.setenv("TBKL_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize("payload, message", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_a_hostile_template_ends_in_time_with_a_message_naming_it(tmp_path: Path, payload: str, message: str) -> None:
    template = hostile(tmp_path / "evil.docx", payload)
    out = tmp_path / "out"
    outcome = hostile_docx.run_measured(["render", str(SEED), "-o", str(out), "--template", str(template)], tmp_path, timeout=CHILD_TIMEOUT)
    assert outcome.returncode == 1, outcome.stderr
    assert f"--template: {template.as_posix()}: mẫu Word không dùng được: " in outcome.stderr
    assert message in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert not out.exists()
