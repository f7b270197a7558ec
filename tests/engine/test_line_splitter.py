"""The one line splitter (whole files and tails): complete lines only, exact line numbers,
bounded buffer."""

from __future__ import annotations

import random

from logwatch.engine.parse.line_splitter import OVERLONG_REASON, LineSplitter


def _feed_all(splitter: LineSplitter, pieces: list[bytes]) -> tuple[list, list]:
    lines, skipped = [], []
    for piece in pieces:
        out = splitter.feed(piece)
        for run in out.runs:
            assert run.data.endswith(b"\n")
            lines.extend((run.first_line + i, t) for i, t in enumerate(run.data.split(b"\n")[:-1]))
        skipped.extend(out.skipped)
    return lines, skipped


def _random_pieces(data: bytes, rng: random.Random) -> list[bytes]:
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, 200)))
    return [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]


def test_random_pieces_give_every_line_once_in_order_with_numbers():
    data = b"".join(b'{"n": %d}\n' % i for i in range(1, 2001))
    rng = random.Random(7)
    for _ in range(5):
        lines, skipped = _feed_all(LineSplitter(), _random_pieces(data, rng))
        assert skipped == []
        assert lines == [(i, b'{"n": %d}' % i) for i in range(1, 2001)]


def test_partial_last_line_waits_for_its_newline():
    splitter = LineSplitter()
    lines, _ = _feed_all(splitter, [b"one\ntw"])
    assert lines == [(1, b"one")]
    assert splitter.has_partial and splitter.buffered_bytes == 2
    lines, _ = _feed_all(splitter, [b"o", b"\n"])
    assert lines == [(2, b"two")]
    assert not splitter.has_partial


def test_crlf_lines_are_kept_whole_even_when_split_between_cr_and_lf():
    lines, _ = _feed_all(LineSplitter(), [b"a\r\nb\r", b"\nc\r\n"])
    assert lines == [(1, b"a\r"), (2, b"b\r"), (3, b"c\r")]  # the parsers take "\r\n"


def test_overlong_line_inside_a_piece_is_skipped_and_numbering_continues():
    splitter = LineSplitter(max_line_bytes=10)
    lines, skipped = _feed_all(splitter, [b"ok1\n" + b"x" * 11 + b"\nok3\n" + b"y" * 10 + b"\n"])
    assert skipped == [(2, OVERLONG_REASON)]
    assert lines == [(1, b"ok1"), (3, b"ok3"), (4, b"y" * 10)]


def test_overlong_line_arriving_in_pieces_is_counted_once_with_bounded_buffer():
    limit, piece = 1 << 20, 64 << 10
    splitter = LineSplitter(max_line_bytes=limit)
    biggest = 0
    skipped_all = []
    for i in range(60):  # a 3.75 MiB line, then a good one
        out = splitter.feed(b"z" * piece)
        skipped_all.extend(out.skipped)
        biggest = max(biggest, splitter.buffered_bytes)
    lines, skipped = _feed_all(splitter, [b"zzz\nfine\n"])
    assert skipped_all + skipped == [(1, OVERLONG_REASON)]
    assert lines == [(2, b"fine")]
    assert biggest <= limit


def test_a_line_of_exactly_the_limit_is_kept():
    lines, skipped = _feed_all(LineSplitter(max_line_bytes=8), [b"12345678\n123456789\n"])
    assert lines == [(1, b"12345678")]
    assert skipped == [(2, OVERLONG_REASON)]


def test_finish_counts_an_unterminated_last_line_and_cut_reports_it():
    splitter = LineSplitter(first_line=41)
    _feed_all(splitter, [b"a\nlast"])
    out = splitter.finish()
    assert [(r.first_line, r.data) for r in out.runs] == [(42, b"last\n")]
    splitter.restart()
    _feed_all(splitter, [b"x\nhalf"])
    assert splitter.cut("cut").skipped == [(2, "cut")]
    assert not splitter.has_partial


def test_lines_near_the_limit_match_a_line_by_line_reading():
    """The bulk checks (a length bound, then aligned blocks, then numpy) agree with the
    plain rule applied to each line, however the input is cut."""
    rng = random.Random(11)
    for limit in (8, 9, 64):
        rows = [b"v" * rng.choice([0, 1, limit - 1, limit, limit + 1, 2 * limit, 3 * limit + 1])
                for _ in range(400)]
        ends = [rng.choice([b"\n", b"\r\n"]) for _ in rows]  # the ending never counts
        data = b"".join(row + end for row, end in zip(rows, ends))
        expected = [(n, row + end[:-1]) for n, (row, end) in enumerate(zip(rows, ends), 1) if len(row) <= limit]
        too_long = [(n, OVERLONG_REASON) for n, row in enumerate(rows, 1) if len(row) > limit]
        for pieces in ([data], _random_pieces(data, rng)):
            lines, skipped = _feed_all(LineSplitter(max_line_bytes=limit), pieces)
            assert (lines, sorted(skipped)) == (expected, too_long)
