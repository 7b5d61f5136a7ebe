"""Resource ids sort as text in creation order, however many were made."""
from __future__ import annotations

from emulator.domain.ids import IdFactory, sequence_text


def test_ids_sort_in_creation_order_across_every_sequence_width() -> None:
    ids = []
    for start in (0, 62 ** 4 - 5, 62 ** 5 - 5, 62 ** 9 - 5):
        factory = IdFactory(seed=1, sequence=start)
        ids += [factory.new("dc_") for _ in range(10)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_short_sequences_are_unchanged_four_base62_digits() -> None:
    assert sequence_text(1) == "0001" and sequence_text(62 ** 4 - 1) == "zzzz"


def test_a_long_sequence_sorts_after_the_last_short_id_whatever_its_random_part() -> None:
    assert f"dc_{sequence_text(62 ** 4)}0000" > "dc_zzzzzzzz"
