"""A small reader of Mapbox Vector Tiles (protobuf, spec 2.1) for the tests: layers' features'
properties and geometry types, enough to check what ST_AsMVT built."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any


def read_tile(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Every layer of a tile by name: its features' properties (plus `_type`: 1/2/3)."""
    layers = {}
    for number, value in _fields(data):
        if number == 3:
            name, features = _layer(value)  # type: ignore[arg-type]
            layers[name] = features
    return layers


def _layer(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    """A layer's name and its features' properties."""
    name, keys, values, raw = "", [], [], []
    for number, value in _fields(data):
        if number == 1:
            name = value.decode()  # type: ignore[union-attr]
        elif number == 2:
            raw.append(value)
        elif number == 3:
            keys.append(value.decode())  # type: ignore[union-attr]
        elif number == 4:
            values.append(_value(value))  # type: ignore[arg-type]
    return name, [_feature(f, keys, values) for f in raw]  # type: ignore[arg-type]


def _feature(data: bytes, keys: list[str], values: list[Any]) -> dict[str, Any]:
    """One feature's properties from its tag pairs, and its geometry type."""
    properties: dict[str, Any] = {}
    for number, value in _fields(data):
        if number == 2:
            tags = list(_varints(value))  # type: ignore[arg-type]
            for k, v in zip(tags[::2], tags[1::2], strict=True):
                properties[keys[k]] = values[v]
        elif number == 3:
            properties["_type"] = value
    return properties


def _value(data: bytes) -> Any:
    """A Value message: string, float, double, int, uint, sint or bool."""
    for number, value in _fields(data):
        if number == 1:
            return value.decode()  # type: ignore[union-attr]
        if number == 2:
            return struct.unpack("<f", value)[0]  # type: ignore[arg-type]
        if number == 3:
            return struct.unpack("<d", value)[0]  # type: ignore[arg-type]
        if number in (4, 5):
            return value
        if number == 6:
            return (value >> 1) ^ -(value & 1)  # type: ignore[operator]
        if number == 7:
            return bool(value)
    return None


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, value
        elif wire == 2:
            size, at = _varint(data, at)
            yield number, data[at : at + size]
            at += size
        elif wire == 1:
            yield number, data[at : at + 8]
            at += 8
        elif wire == 5:
            yield number, data[at : at + 4]
            at += 4
        else:
            raise ValueError(f"wire type {wire} is not in MVT")


def _varints(data: bytes) -> Iterator[int]:
    """A packed run of varints."""
    at = 0
    while at < len(data):
        value, at = _varint(data, at)
        yield value


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """One varint at an offset, and the offset after it."""
    shift = result = 0
    while True:
        byte = data[at]
        at += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, at
        shift += 7
