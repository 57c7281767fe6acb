"""Seeded random streams: one per purpose, so a rerun gives byte-identical files."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

SEED = "yatou-2021"

T = TypeVar("T")


def rng_for(purpose: str) -> random.Random:
    """A generator per purpose, so adding draws in one place does not move the others."""
    return random.Random(f"{SEED}/{purpose}")


def shuffled(values: Sequence[T], purpose: str) -> list[T]:
    """A seeded permutation of a plan list (the same on every run)."""
    return rng_for(purpose).sample(list(values), len(values))
