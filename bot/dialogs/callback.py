"""Typed callback data: what a button carries, packed as "verb:field:field" in at most 64 bytes.

    class SignUp(Callback, prefix="su"):
        code: str

    SignUp("WH-SF-01").pack() == "su:WH-SF-01";  SignUp.unpack("su:WH-SF-01").code == "WH-SF-01"

Fields are int or str; a field with a default (None) may be left off the end of the payload.
Data that does not fit the class (wrong verb, too few or too many parts, a number int() cannot
read or too big for an id) raises BadCallback, which the dialogs answer as an expired button.
"""
from __future__ import annotations

import re
import types
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar, Union, get_args, get_origin, get_type_hints

# Telegram refuses callback data longer than this; every channel keeps to it.
MAX_BYTES = 64
# The largest id a database integer column holds.
MAX_ID = 2 ** 63 - 1
_INT = re.compile(r"\s*[-+]?\d+\s*")


class BadCallback(ValueError):
    """Button data that is not ours: unreadable, of the wrong shape, or too long."""


def split_payload(payload: str) -> tuple[str, list[str]]:
    """'crs:ABC' → ('crs', ['ABC'])."""
    verb, _, rest = payload.partition(":")
    return verb, (rest.split(":") if rest else [])


def unreadable_number(arg: str) -> bool:
    """True for digits int() cannot read ("²", "①") or a number too big for an id: forged, not ours."""
    if any(ch.isdigit() and not ch.isdecimal() for ch in arg):
        return True
    try:
        return abs(int(arg)) > MAX_ID
    except ValueError:  # not a number, or too many digits for int() to read
        return arg.strip().isdecimal()


def _read_int(arg: str) -> int:
    if not _INT.fullmatch(arg) or unreadable_number(arg):
        raise BadCallback(f"not a number: {arg!r}")
    return int(arg)


def _base_type(hint: Any) -> type:
    """int or str, from `int`, `str`, `int | None` or `Optional[str]`."""
    if get_origin(hint) in (Union, types.UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    if hint not in (int, str):
        raise TypeError(f"callback fields are int or str, not {hint!r}")
    return hint


class Callback:
    """Base of every button's data; subclasses name their verb with `prefix=`."""

    prefix: ClassVar[str] = ""
    _shape: ClassVar[tuple[tuple[str, type, bool], ...]] = ()  # (name, int or str, required)

    def __init_subclass__(cls, prefix: str, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if not prefix or ":" in prefix:
            raise TypeError(f"bad callback prefix {prefix!r}")
        cls.prefix = prefix
        dataclass(frozen=True)(cls)
        hints = get_type_hints(cls)
        shape = []
        for f in fields(cls):
            required = f.default is MISSING and f.default_factory is MISSING
            if not required and f.default is not None:
                raise TypeError(f"{cls.__name__}.{f.name}: an optional field defaults to None")
            if shape and not shape[-1][2] and required:
                raise TypeError(f"{cls.__name__}.{f.name}: required fields come first")
            shape.append((f.name, _base_type(hints[f.name]), required))
        cls._shape = tuple(shape)

    def pack(self) -> str:
        """The payload string: the prefix, then each field; trailing empty optional fields left off."""
        values = [getattr(self, name) for name, _, _ in self._shape]
        while values and values[-1] is None:
            values.pop()
        parts = [self.prefix]
        for (name, kind, _), value in zip(self._shape, values):
            if value is None or not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(f"{type(self).__name__}.{name} = {value!r} is no {kind.__name__}")
            text = str(value)
            if ":" in text:
                raise ValueError(f"{type(self).__name__}.{name} may not contain ':'")
            parts.append(text)
        packed = ":".join(parts)
        if len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"{packed!r} is longer than {MAX_BYTES} bytes")
        return packed

    @classmethod
    def from_args(cls, args: list[str]) -> "Callback":
        """The data of a payload already split after its verb; BadCallback when it does not fit."""
        required = sum(1 for _, _, needed in cls._shape if needed)
        if not required <= len(args) <= len(cls._shape):
            raise BadCallback(f"{cls.prefix}: {len(args)} parts")
        values = {name: (_read_int(arg) if kind is int else arg)
                  for (name, kind, _), arg in zip(cls._shape, args)}
        return cls(**values)

    @classmethod
    def unpack(cls, payload: str) -> "Callback":
        """The data of a payload string of this verb; BadCallback when it is not."""
        verb, args = split_payload(payload)
        if verb != cls.prefix:
            raise BadCallback(f"{verb!r} is not {cls.prefix!r}")
        return cls.from_args(args)


def packed(callback: "Callback | type[Callback] | str") -> str:
    """A payload string from data, from a class without fields, or as it is."""
    if isinstance(callback, str):
        return callback
    if isinstance(callback, type):
        callback = callback()
    return callback.pack()
