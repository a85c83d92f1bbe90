"""The command line as users meet it: from a checkout, installed, help, usage errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import NOTICES, ROOT, render_cli


def test_cli_py_renders_from_a_checkout(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    completed = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "render", str(NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml"), "-o", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "tbkl-thong-tin-doi-ngoai.docx").is_file()
    assert completed.stderr.startswith("Đã tạo 1, không đổi 0, lỗi 0 (")


def test_help_lists_every_command_in_vietnamese() -> None:
    result = render_cli(["--help"])
    assert result.exit_code == 0
    for command in ("check", "init", "new", "render", "schema", "show", "templates"):
        assert f"  {command} " in result.output
    assert "Thông báo kết luận" in result.output
    assert result.output.startswith("Cách dùng: ")
    assert "Hiện hướng dẫn này rồi thoát." in result.output


def test_wrong_usage_is_explained_in_vietnamese_with_exit_code_2() -> None:
    result = render_cli(["render", "--jobs", "0", "x"])
    assert result.exit_code == 2
    assert "Lỗi: Giá trị không hợp lệ cho '-j' / '--jobs': 0 nằm ngoài khoảng x>=1." in result.output


def test_render_without_paths_outside_a_workspace_is_a_usage_error(tmp_path: Path) -> None:
    result = render_cli(["render"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "cần tệp hoặc thư mục thông báo (hoặc chạy trong thư mục có tbkl.yaml)" in result.output


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = render_cli(["check", str(tmp_path / "khong-co.yaml")])
    assert result.exit_code == 2
    assert "không tìm thấy" in result.output


def test_an_empty_folder_has_nothing_to_render(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    result = render_cli(["render", str(tmp_path / "src"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip() == "không có tệp thông báo (.yaml) nào để in"


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = "import sys; from tbkl_gen.cli import main; print(sorted(m for m in ('yaml','pydantic','docxtpl','docx','jinja2','lxml') if m in sys.modules))"
    completed = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert completed.stdout.strip() == "[]"


def _tbkl(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m tbkl_gen ARGS` in a child process, as a user would run tbkl."""
    return subprocess.run([sys.executable, "-m", "tbkl_gen", *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT)


def test_the_suggestion_for_a_mistyped_command_is_vietnamese() -> None:
    completed = _tbkl("servve")  # `users` was the example until it became a command (issue 21)
    assert completed.returncode == 2
    assert "Lỗi: Không có lệnh 'servve'. Có phải ý bạn là 'serve'?\n" in completed.stderr
    assert "Did you mean" not in completed.stderr


def test_messages_click_words_by_number_are_vietnamese() -> None:
    assert "Lỗi: Không có lệnh 'chek'. (Có phải ý bạn là một trong: 'check', 'schema'?)\n" in _tbkl("chek").stderr
    assert "Lỗi: Không có tùy chọn '--hlp'. Có phải ý bạn là '--help'?\n" in _tbkl("--hlp").stderr
    assert "Lỗi: Tùy chọn '--template' cần một giá trị.\n" in _tbkl("render", "--template").stderr
    assert "Lỗi: Thừa đối số (b c)\n" in _tbkl("init", "a", "b", "c").stderr
