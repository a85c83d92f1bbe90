"""PDF, previews and the e-office sidecar, made by real LibreOffice and opened with poppler.

One render of the examples with `--pdf --sidecar` (one LibreOffice start) serves most tests; the
PDF/A test goes through the other route (`soffice --convert-to`, one start for its batch).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, NOTICES, render_cli
from tbkl_gen.commands.pdf import SIDECAR_FIELDS, sidecar_schema
from tbkl_gen.office.pdf import page_count
from tbkl_gen.office.server import Office

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NAMES = [p.stem for p in EXAMPLES]


def poppler(tool: str) -> str:
    binary = shutil.which(tool)
    if binary is None:
        pytest.fail(f"{tool} (poppler-utils) is required")
    return binary


def pdf_pages(pdf: Path, *, layout: bool = False) -> list[str]:
    args = [poppler("pdftotext"), *(["-layout"] if layout else []), str(pdf), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdfinfo_pages(pdf: Path) -> int:
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def our_processes() -> list[str]:
    """Return the command lines of LibreOffice processes this test process started and left."""
    marker = f"name=tbkl-{os.getpid()}-"
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def exported(libreoffice: str, tmp_path_factory) -> tuple[Path, str]:  # noqa: ANN001
    out = tmp_path_factory.mktemp("pdf-out")
    result = render_cli(["render", str(NOTICES), "-o", str(out), "--pdf", "--sidecar"])
    assert result.exit_code == 0, result.output
    return out, result.output


def output(out: Path, name: str, suffix: str) -> Path:
    source = next(p for p in EXAMPLES if p.stem == name)
    return out / source.relative_to(NOTICES).with_suffix(suffix)


def test_render_pdf_writes_a_pdf_and_a_sidecar_beside_each_docx(exported: tuple[Path, str]) -> None:
    out, log = exported
    for name in NAMES:
        assert output(out, name, ".docx").is_file()
        assert output(out, name, ".pdf").read_bytes().startswith(b"%PDF-")
        assert output(out, name, ".json").is_file()
    assert f"Đã xuất {len(NAMES)} bản PDF, {len(NAMES)} tệp .json cho e-office." in log


@pytest.mark.parametrize("name", NAMES)
def test_pdf_text_reads_in_order_with_the_national_name_and_motto_each_on_one_line(name: str, exported: tuple[Path, str]) -> None:
    pdf = output(exported[0], name, ".pdf")
    page_one = pdf_pages(pdf, layout=True)[0]
    assert any(NATIONAL_NAME in line for line in page_one.splitlines())
    assert any(MOTTO in line for line in page_one.splitlines())
    text = "\n".join(pdf_pages(pdf))
    notice = yaml.safe_load(next(p for p in EXAMPLES if p.stem == name).read_text(encoding="utf-8"))
    signer = notice.get("nguoi_ky", {}).get("ho_ten") or text.rsplit("\n", 2)[-2]
    # the type's name, or a letter's "V/v" summary under its number
    title = {"cong_van": "V/v ", "giay_moi": "GIẤY MỜI"}.get(notice.get("loai", "thong_bao"), "THÔNG BÁO")
    order = [text.index(title), text.index("Nơi nhận:"), text.rindex(signer)]
    assert order == sorted(order)
    assert text.index(NATIONAL_NAME) < text.index(title)


@pytest.mark.parametrize("name", NAMES)
def test_pdf_page_numbers_start_on_page_two(name: str, exported: tuple[Path, str]) -> None:
    pages = pdf_pages(output(exported[0], name, ".pdf"), layout=True)
    firsts = [next((line.strip() for line in page.splitlines() if line.strip()), "") for page in pages]
    assert not firsts[0].isdigit()
    assert firsts[1:] == [str(n) for n in range(2, len(pages) + 1)]


@pytest.mark.parametrize("name", NAMES)
def test_pdf_embeds_every_font(name: str, exported: tuple[Path, str]) -> None:
    fonts = subprocess.run([poppler("pdffonts"), str(output(exported[0], name, ".pdf"))], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout


@pytest.mark.parametrize("name", NAMES)
def test_sidecar_holds_what_the_clerk_types_from_its_notice(name: str, exported: tuple[Path, str]) -> None:
    source = next(p for p in EXAMPLES if p.stem == name)
    notice = yaml.safe_load(source.read_text(encoding="utf-8"))
    sidecar = json.loads(output(exported[0], name, ".json").read_text(encoding="utf-8"))
    pdf = output(exported[0], name, ".pdf")
    assert list(sidecar) == list(SIDECAR_FIELDS) == list(sidecar_schema()["properties"])
    assert sidecar["so_trang"] == pdfinfo_pages(pdf) == page_count(pdf.read_bytes())
    assert sidecar["nguon_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert sidecar["tep_pdf"] == pdf.name
    kind = notice.get("loai", "thong_bao")
    assert sidecar["loai"] == kind
    assert (sidecar["loai_van_ban"], sidecar["ma_loai"]) == {
        "thong_bao": ("Thông báo", "TB"),
        "cong_van": ("Công văn", ""),
        "giay_moi": ("Giấy mời", "GM"),
    }[kind]
    assert sidecar["trich_yeu"] == " ".join(notice.get("trich_yeu", "").split())
    own = {
        "thong_bao": {"ngay_hop", "cuoc_hop"},
        "cong_van": set(),
        "giay_moi": {"mo_dau", "cuoc_hop", "thanh_phan", "noi_dung_hop", "phan_cong", "danh_so"},
    }[kind]
    assert set(sidecar["rieng"]) == own & {*notice, "danh_so"}
    if kind == "giay_moi":
        assert sidecar["rieng"]["cuoc_hop"] == {key: str(value) for key, value in notice["cuoc_hop"].items()}
    if isinstance(notice.get("cuoc_hop"), str):  # shared with the invitation the notice names
        invitation = yaml.safe_load((source.parent / notice["cuoc_hop"]).read_text(encoding="utf-8"))
        assert sidecar["rieng"]["cuoc_hop"] == {key: str(value) for key, value in invitation["cuoc_hop"].items()}
    assert sidecar["nguoi_ky"]["ho_ten"] == notice["nguoi_ky"]["ho_ten"]
    assert sidecar["nguoi_ky"]["chuc_vu"] == notice["nguoi_ky"]["chuc_vu"].upper()
    assert len(sidecar["noi_nhan"]) == len(notice["noi_nhan"])
    assert sidecar["do_khan"] == (notice.get("do_khan") or "")
    number = notice.get("so")
    assert sidecar["so_ky_hieu"] == (f"{int(number):02d}/{sidecar['ky_hieu']}" if number else "")
    text = "\n".join(pdf_pages(pdf))
    for recipient in sidecar["noi_nhan"]:
        assert recipient.split()[0] in text


def test_sidecar_of_an_issued_notice_has_its_number_and_date(libreoffice: str, tmp_path: Path) -> None:
    seed = (NOTICES / "2021" / "tbkl-thong-tin-doi-ngoai.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(seed)
    data.update(so="7", ngay="2021-12-28", do_khan="KHẨN")
    (tmp_path / "ban-hanh.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = render_cli(["render", str(tmp_path / "ban-hanh.yaml"), "-o", str(tmp_path / "out"), "--pdf", "--sidecar", "--quiet"])
    assert result.exit_code == 0, result.output
    sidecar = json.loads((tmp_path / "out" / "ban-hanh.json").read_text(encoding="utf-8"))
    assert (sidecar["so"], sidecar["so_ky_hieu"], sidecar["ngay_ban_hanh"], sidecar["do_khan"]) == (
        "07",
        "07/TB-UBND",
        "2021-12-28",
        "KHẨN",
    )
    assert sidecar["nguoi_ky"]["quyen_han"] == ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"]


def test_a_second_render_exports_only_missing_pdfs(exported: tuple[Path, str]) -> None:
    out, _ = exported
    kept = output(out, NAMES[1], ".pdf")
    before = kept.stat().st_mtime_ns
    output(out, NAMES[0], ".pdf").unlink()
    result = render_cli(["render", str(NOTICES), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert "Đã xuất 1 bản PDF." in result.output
    assert output(out, NAMES[0], ".pdf").is_file()
    assert kept.stat().st_mtime_ns == before


def test_pdfa_is_pdf_a_2b_through_one_convert_to_start(libreoffice: str, rendered_examples: dict[Path, Path], tmp_path: Path) -> None:
    os.environ["TBKL_UNO_PYTHON"] = "none"  # the route without UNO: `soffice --convert-to` for the batch
    try:
        with Office() as office:
            pairs = [(docx, tmp_path / f"{docx.stem}.pdf") for docx in rendered_examples.values()]
            conversions = office.convert(pairs, pdfa=True)
            assert not office.warm and office.starts == 1
    finally:
        del os.environ["TBKL_UNO_PYTHON"]
    assert [c.error for c in conversions] == [None] * len(pairs)
    for _, pdf in pairs:
        data = pdf.read_bytes()
        assert b"pdfaid:part>2<" in data and b"pdfaid:conformance>B<" in data
        assert page_count(data) == pdfinfo_pages(pdf)


def test_a_warm_libreoffice_serves_later_conversions_fast(libreoffice: str, rendered_examples: dict[Path, Path], tmp_path: Path) -> None:
    docx = next(iter(rendered_examples.values()))
    with Office() as office:
        if not office.warm:
            pytest.fail("no Python with UNO (python3-uno) for a warm LibreOffice")
        office.convert([(docx, tmp_path / "first.pdf")])
        times = []
        for index in range(3):
            started = time.perf_counter()
            (conversion,) = office.convert([(docx, tmp_path / f"again-{index}.pdf")])
            times.append(time.perf_counter() - started)
            assert conversion.error is None
        assert office.starts == 1
        assert our_processes()
    assert min(times) < 1.0, times
    assert not our_processes()


def test_drawing_pages_again_removes_the_pages_of_a_longer_version(exported: tuple[Path, str], tmp_path: Path) -> None:
    from tbkl_gen.office.pdf import draw_pages

    pdf = output(exported[0], NAMES[0], ".pdf")
    for name in ("x-9.png", "x-ban-nhap.png"):
        (tmp_path / name).write_bytes(b"")
    pages = draw_pages(pdf, tmp_path, "x", dpi=30)
    assert [p.name for p in pages] == [f"x-{n}.png" for n in range(1, pdfinfo_pages(pdf) + 1)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*(p.name for p in pages), "x-ban-nhap.png"])


def test_two_runs_at_once_do_not_collide(libreoffice: str, rendered_examples: dict[Path, Path], tmp_path: Path) -> None:
    import threading

    docx = next(iter(rendered_examples.values()))
    errors: dict[int, list] = {}

    def run(index: int) -> None:
        with Office() as office:
            errors[index] = [c.error for c in office.convert([(docx, tmp_path / f"run-{index}.pdf")])]

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == {0: [None], 1: [None]}
    assert (tmp_path / "run-0.pdf").read_bytes()[:5] == (tmp_path / "run-1.pdf").read_bytes()[:5] == b"%PDF-"


def test_preview_draws_each_page_and_leaves_no_libreoffice_behind(libreoffice: str, tmp_path: Path) -> None:
    source = NOTICES / "2026" / "lamdong-so-khcn.yaml"
    result = render_cli(["preview", str(source), "-o", str(tmp_path / "trang"), "--dpi", "100"])
    assert result.exit_code == 0, result.output
    pages = [Path(line) for line in result.stdout.splitlines()]
    assert pages == [tmp_path / "trang" / f"lamdong-so-khcn-{n}.png" for n in range(1, len(pages) + 1)]
    assert len(pages) >= 2
    header = pages[0].read_bytes()[:24]
    assert header.startswith(b"\x89PNG")
    width = int.from_bytes(header[16:20], "big")
    assert width == round(210 / 25.4 * 100)  # A4 at 100 dpi
    assert not our_processes()


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in for a hanging LibreOffice is a shell script")
def test_a_conversion_that_hangs_is_stopped_and_named(tmp_path: Path, rendered_examples: dict[Path, Path]) -> None:
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 600\n", encoding="utf-8")
    hanging.chmod(0o755)
    docx = next(iter(rendered_examples.values()))
    os.environ.update(TBKL_SOFFICE=str(hanging), TBKL_UNO_PYTHON="none")
    try:
        started = time.perf_counter()
        with Office(timeout=1.0) as office:
            (conversion,) = office.convert([(docx, tmp_path / "x.pdf")])
    finally:
        del os.environ["TBKL_SOFFICE"], os.environ["TBKL_UNO_PYTHON"]
    assert time.perf_counter() - started < 15
    assert conversion.source == docx
    assert conversion.error == "LibreOffice chưa xuất xong sau 1 giây nên đã bị dừng (tệp có thể hỏng hoặc quá lớn)"
    assert not (tmp_path / "x.pdf").exists()
    leftover = subprocess.run(["pgrep", "-f", str(hanging)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in for a hanging LibreOffice is a shell script")
def test_a_libreoffice_that_never_starts_is_stopped_with_a_message(libreoffice: str, tmp_path: Path, rendered_examples) -> None:  # noqa: ANN001
    from tbkl_gen.errors import OfficeFailed

    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 600\n", encoding="utf-8")
    hanging.chmod(0o755)
    os.environ["TBKL_SOFFICE"] = str(hanging)
    try:
        with Office(timeout=1.0) as office, pytest.raises(OfficeFailed) as raised:
            office.convert([(next(iter(rendered_examples.values())), tmp_path / "x.pdf")])
    finally:
        del os.environ["TBKL_SOFFICE"]
    assert str(raised.value) == f"LibreOffice ({hanging}) chưa khởi động xong sau 1 giây nên đã bị dừng"
    assert not our_processes()
    assert subprocess.run(["pgrep", "-f", str(hanging)], capture_output=True, text=True).stdout.strip() == ""


def test_without_libreoffice_the_docx_are_written_and_the_message_says_how_to_install(tmp_path: Path) -> None:
    os.environ["TBKL_SOFFICE"] = str(tmp_path / "khong-co-soffice")
    try:
        result = render_cli(["render", str(NOTICES / "2021"), "-o", str(tmp_path / "out"), "--pdf"])
    finally:
        del os.environ["TBKL_SOFFICE"]
    assert result.exit_code == 1
    assert (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.docx").is_file()
    assert not (tmp_path / "out" / "tbkl-thong-tin-doi-ngoai.pdf").exists()
    assert result.stderr.splitlines()[-1] == (
        "không tìm thấy LibreOffice (soffice) để xuất PDF; cài LibreOffice: trên Windows tải bản 64-bit tại "
        "https://www.libreoffice.org/download/ rồi cài mặc định; trên Debian/Ubuntu: sudo apt install "
        "libreoffice-writer-nogui python3-uno fonts-liberation2 poppler-utils. Các tệp .docx đã được ghi."
    )


def test_schema_sidecar_prints_the_json_schema_of_the_sidecar() -> None:
    result = render_cli(["schema", "--sidecar"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["required"] == list(SIDECAR_FIELDS)
    assert all(spec["description"] for spec in schema["properties"].values())
