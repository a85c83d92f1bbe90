"""How a batch's PDFs are shared among LibreOffices (`commands.pdf.convert_on`, `office_count`).

The conversions themselves are LibreOffice's (tests/test_pdf.py runs it); here the sharing:
every file converted once, results in the order given, the first failure raised, a large batch
given one LibreOffice per CPU. Two real LibreOffices convert a batch in the last test.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tbkl_gen.commands.pdf import FILES_PER_OFFICE, MAX_OFFICES, convert_on, office_count
from tbkl_gen.errors import OfficeFailed
from tbkl_gen.office.server import Conversion


class _Office:
    """Converts by recording the source; records what it did. Offices given one barrier each wait at their first
    file until all of them have begun, so that none can take the whole batch before the others start."""

    warm = True

    def __init__(self, fail_after: int | None = None, begun: threading.Barrier | None = None) -> None:
        self.done: list[Path] = []
        self.fail_after = fail_after
        self.begun = begun
        self.threads: set[str] = set()

    def convert(self, pairs: list[tuple[Path, Path]], *, pdfa: bool = False) -> list[Conversion]:
        assert len(pairs) == 1  # one file at a time, so that the next goes to whichever office is free
        self.threads.add(threading.current_thread().name)
        if self.begun is not None and not self.done:
            self.begun.wait(timeout=30)
        if self.fail_after is not None and len(self.done) >= self.fail_after:
            raise OfficeFailed("không khởi động được LibreOffice")
        source, target = pairs[0]
        self.done.append(source)
        return [Conversion(source, target)]


def test_office_count_grows_with_the_batch_up_to_the_cpus() -> None:
    assert office_count(1, cpus=2) == 1
    assert office_count(FILES_PER_OFFICE * 2 - 1, cpus=2) == 1
    assert office_count(FILES_PER_OFFICE * 2, cpus=2) == 2
    assert office_count(10_000, cpus=2) == 2
    assert office_count(10_000, cpus=1) == 1
    assert office_count(10_000, cpus=64) == MAX_OFFICES


def test_every_file_is_converted_once_and_results_keep_the_order() -> None:
    begun = threading.Barrier(2)
    offices = [_Office(begun=begun), _Office(begun=begun)]
    pairs = [(Path(f"{n}.docx"), Path(f"{n}.pdf")) for n in range(40)]
    results = convert_on(offices, pairs)  # type: ignore[arg-type]
    assert [(r.source, r.target) for r in results] == pairs
    done = offices[0].done + offices[1].done
    assert sorted(done) == sorted(source for source, _ in pairs)
    assert offices[0].done and offices[1].done  # both worked, each in a thread of its own
    assert offices[0].threads.isdisjoint(offices[1].threads)


def test_a_libreoffice_that_fails_stops_the_batch_with_its_error() -> None:
    begun = threading.Barrier(2)
    offices = [_Office(begun=begun), _Office(fail_after=0, begun=begun)]
    with pytest.raises(OfficeFailed):
        convert_on(offices, [(Path(f"{n}.docx"), Path(f"{n}.pdf")) for n in range(40)])  # type: ignore[arg-type]


def test_one_office_converts_the_whole_batch_in_one_call() -> None:
    class _Batch(_Office):
        def convert(self, pairs: list[tuple[Path, Path]], *, pdfa: bool = False) -> list[Conversion]:
            return [Conversion(source, target) for source, target in pairs]

    pairs = [(Path(f"{n}.docx"), Path(f"{n}.pdf")) for n in range(5)]
    assert [(r.source, r.target) for r in convert_on([_Batch()], pairs)] == pairs  # type: ignore[list-item]


def test_two_libreoffices_convert_a_batch(libreoffice: str, tmp_path: Path, rendered_examples: dict[Path, Path]) -> None:
    from tbkl_gen.office.pdf import page_count
    from tbkl_gen.office.server import Office

    sources = sorted(rendered_examples.values())[:2] * 2
    pairs = []
    for index, docx in enumerate(sources):
        copy = tmp_path / f"{index}-{docx.name}"
        shutil.copyfile(docx, copy)
        pairs.append((copy, copy.with_suffix(".pdf")))
    offices = [Office(), Office()]
    assert offices[0].warm, "LibreOffice's Python (python3-uno) is needed to drive two LibreOffices"
    try:
        results = convert_on(offices, pairs)
    finally:
        for office in offices:
            office.close()
    assert [r.error for r in results] == [None] * len(pairs)
    assert sum(office.starts for office in offices) == 2
    for _, pdf in pairs:
        assert page_count(pdf.read_bytes()) >= 1
