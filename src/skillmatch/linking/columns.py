"""Columns of strings as two arrays (UTF-8 bytes and offsets), read without decoding.

What linking saves beside an index holds hundreds of thousands of strings (label keys,
skill codes, descriptions). Parsing them all into Python objects at every start would
cost what saving them was meant to save; as a :class:`StringColumn` over two ``.npy``
arrays (memory-mapped when large) a string is decoded only when read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

import numpy as np

V = TypeVar("V")


class StringColumn(Sequence[str]):
    """Strings ``i`` = ``blob[offsets[i]:offsets[i + 1]]`` decoded from UTF-8."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets

    @staticmethod
    def encode(strings: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """(blob, offsets): the arrays a column of ``strings`` is saved as."""
        parts = [s.encode() for s in strings]
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in parts], out=offsets[1:])
        return np.frombuffer(b"".join(parts), dtype=np.uint8).copy(), offsets

    @classmethod
    def of(cls, strings: Iterable[str]) -> StringColumn:
        return cls(*cls.encode(strings))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return [self[j] for j in range(start, stop, step)]
            return self.span(start, stop)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return bytes(self.blob[a:b]).decode()

    def span(self, start: int, stop: int) -> list[str]:
        """Strings ``start`` to ``stop``, decoded in one go."""
        if stop <= start:
            return []
        cuts = self.offsets[start : stop + 1].tolist()
        base = cuts[0]
        raw = bytes(self.blob[base : cuts[-1]])
        text = raw.decode()
        if len(text) == len(raw):  # ASCII: byte offsets are character offsets
            return [text[a - base : b - base] for a, b in zip(cuts, cuts[1:])]
        return [raw[a - base : b - base].decode() for a, b in zip(cuts, cuts[1:])]

    def __iter__(self) -> Iterator[str]:
        return iter(self.span(0, len(self)))


class Grouped(Mapping[int, V]):
    """Key -> ``convert`` of its group of strings: ``keys`` (sorted ids) and ``starts``
    (each key's first string in ``items``, plus the end), e.g. a skill's broader codes.
    A group is converted on first use, then kept."""

    def __init__(self, keys: np.ndarray, starts: np.ndarray, items: Sequence[str],
                 convert: Callable[[list[str]], V]) -> None:
        self.keys_, self.starts_, self.items_ = keys, starts, items
        self._convert = convert
        self._done: dict[int, V] = {}

    @staticmethod
    def encode(groups: Mapping[int, Iterable[str]]) -> dict[str, np.ndarray]:
        """The arrays of ``groups`` (keys sorted, each group's strings sorted)."""
        keys = sorted(groups)
        items: list[str] = []
        starts = [0]
        for key in keys:
            items.extend(sorted(groups[key]))
            starts.append(len(items))
        blob, offsets = StringColumn.encode(items)
        return {"keys": np.array(keys, dtype=np.int64),
                "starts": np.array(starts, dtype=np.int64), "blob": blob, "offsets": offsets}

    @classmethod
    def decode(cls, arrays: Mapping[str, np.ndarray],
               convert: Callable[[list[str]], V]) -> Grouped[V]:
        return cls(arrays["keys"], arrays["starts"],
                   StringColumn(arrays["blob"], arrays["offsets"]), convert)

    def _position(self, key: object) -> int:
        if not isinstance(key, int | np.integer) or not len(self.keys_):
            return -1
        pos = int(np.searchsorted(self.keys_, key))
        return pos if pos < len(self.keys_) and self.keys_[pos] == key else -1

    def __getitem__(self, key: int) -> V:
        value = self._done.get(key)
        if value is None:
            pos = self._position(key)
            if pos < 0:
                raise KeyError(key)
            a, b = int(self.starts_[pos]), int(self.starts_[pos + 1])
            value = self._done[key] = self._convert(list(self.items_[a:b]))
        return value

    def __contains__(self, key: object) -> bool:
        return self._position(key) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self.keys_.tolist())

    def __len__(self) -> int:
        return len(self.keys_)


def arrays_with(prefix: str, arrays: Mapping[str, Any]) -> dict[str, Any]:
    """The arrays named ``<prefix><name>``, by ``name``."""
    return {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
