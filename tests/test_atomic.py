"""Files written whole: in pieces, resumed after a short write, and never half-written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from szdata._disk._atomic import WRITE_PIECE, StagedFiles, atomic_write_bytes, write_in_pieces


class _Short(io.RawIOBase):
    """A file that takes at most ``most`` bytes a call (as a write cut by a signal does)."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.calls: list[int] = []
        self.out = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        taken = bytes(data[: self.most])
        self.calls.append(len(data))
        self.out += taken
        return len(taken)


def _payload(n: int) -> bytes:
    return bytes(range(256)) * (n // 256) + b"x" * (n % 256)


@pytest.mark.parametrize("size", [0, 1, WRITE_PIECE, WRITE_PIECE + 1, 3 * WRITE_PIECE - 7])
def test_every_byte_is_written_and_no_call_exceeds_a_piece(size: int) -> None:
    data = _payload(size)
    out = _Short(most=WRITE_PIECE)
    write_in_pieces(out, data)
    assert bytes(out.out) == data
    assert all(n <= WRITE_PIECE for n in out.calls)


def test_a_short_write_is_resumed_where_it_stopped() -> None:
    data = _payload(WRITE_PIECE + 12_345)
    out = _Short(most=4_000)
    write_in_pieces(out, data)
    assert bytes(out.out) == data
    assert len(out.calls) > (WRITE_PIECE + 12_345) // 4_000


def test_a_memoryview_is_taken_as_bytes() -> None:
    out = _Short(most=WRITE_PIECE)
    write_in_pieces(out, memoryview(b"abcdef")[2:])
    assert bytes(out.out) == b"cdef"


@pytest.mark.parametrize("durable", [True, False], ids=["durable", "draft"])
def test_a_file_larger_than_a_piece_is_written_whole(tmp_path: Path, durable: bool) -> None:
    data = _payload(2 * WRITE_PIECE + 99)
    with StagedFiles(durable=durable) as staged:
        staged.write(tmp_path / "big.csv", data)
    atomic_write_bytes(tmp_path / "other.csv", data)
    assert (tmp_path / "big.csv").read_bytes() == data
    assert (tmp_path / "other.csv").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "other.csv"]


def test_an_error_while_writing_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    import szdata._disk._atomic as atomic

    def broken(fh, data) -> None:
        fh.write(bytes(data)[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "write_in_pieces", broken)
    (tmp_path / "t.csv").write_bytes(b"old\n")
    with pytest.raises(OSError, match="No space"), StagedFiles() as staged:
        staged.write(tmp_path / "t.csv", b"new\n" * 10)
    assert (tmp_path / "t.csv").read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
