"""`generalise` on random organisations, checked by counting, not by its own rules: every
stored class holds at least k people (unless everyone together is fewer), a person is
stored at their own unit or above it, never with a job group, and where nothing needed
lifting each class is exactly a published unit's remainder."""

import random
from collections import Counter

import pytest

from trivsel.survey.sealing import generalise


def random_case(rng: random.Random) -> tuple[dict[tuple[int, str], int], dict[int, int | None]]:
    units = rng.randint(1, 14)
    parents: dict[int, int | None] = {0: None}
    for unit in range(1, units):
        parents[unit] = rng.randrange(unit)
    if rng.random() < 0.2 and units > 2:  # a second tree
        parents[units - 1] = None
    atoms = {
        (unit, group): rng.randint(1, 9)
        for unit in parents
        for group in rng.sample(["Leder", "Pædagog", "Medhjælper", ""], rng.randint(0, 3))
    }
    return atoms, parents


def ancestors(unit: int, parents: dict[int, int | None]) -> list[int]:
    chain = [unit]
    while (parent := parents[chain[-1]]) is not None:
        chain.append(parent)
    return chain


@pytest.mark.parametrize("seed", range(300))
def test_every_class_holds_k_people_and_lies_above_its_people(seed: int) -> None:
    rng = random.Random(seed)
    atoms, parents = random_case(rng)
    k = rng.randint(3, 10)
    shown = {unit for unit in parents if rng.random() < 0.5}
    where = generalise(atoms, parents, shown, k)
    size: Counter[tuple[int, str]] = Counter()
    for atom, people in atoms.items():
        size[where[atom]] += people
        unit, _group = atom
        stored, group = where[atom]
        assert stored in ancestors(unit, parents) or parents[stored] is None
        assert group == ""
    total = sum(atoms.values())
    roots = [u for u in parents if parents[u] is None]
    if total >= k:
        assert all(people >= k for people in size.values()), (size, k)
    elif total and len(roots) == 1:
        assert len(size) == 1  # fewer than k in all: one class, at the top

    # Where every remainder of the shown units already held k, nothing was lifted: each
    # person sits at the deepest shown unit at or above their own.
    def anchor(unit: int) -> int:
        return next((u for u in ancestors(unit, parents) if u in shown),
                    ancestors(unit, parents)[-1])  # fmt: skip

    remainders: Counter[int] = Counter()
    for (unit, _group), people in atoms.items():
        remainders[anchor(unit)] += people
    if all(people >= k for people in remainders.values()):
        assert all(where[atom][0] == anchor(atom[0]) for atom in atoms)
