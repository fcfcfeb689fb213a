"""Strangers' room: who gives way when too many connections are waiting to sign in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coptui.ssh.doorway import Doorway, Progress


@dataclass(eq=False)
class Knock:
    name: str
    address: str
    progress: Progress = Progress.SILENT


def fill(doorway: Doorway[Knock], address: str, count: int, prefix: str) -> list[Knock]:
    knocks = [Knock(f"{prefix}{i}", address) for i in range(count)]
    for knock in knocks:
        assert doorway.arrive(knock) is None
    return knocks


def test_a_newcomer_over_its_addresss_share_pushes_out_that_addresss_oldest_silent_one() -> None:
    doorway: Doorway[Knock] = Doorway(per_address=3, total=10)
    first, second, _ = fill(doorway, "10.0.0.1", 3, "a")
    first.progress = Progress.SIGNING_IN
    assert doorway.arrive(Knock("b", "10.0.0.9")) is None  # other addresses are not counted
    assert doorway.arrive(Knock("newcomer", "10.0.0.1")) is second
    assert len(doorway) == 4


def test_the_least_advanced_give_way_first_and_the_newcomer_never() -> None:
    doorway: Doorway[Knock] = Doorway(per_address=2, total=10)
    speaking, signing_in = fill(doorway, "10.0.0.1", 2, "a")
    speaking.progress, signing_in.progress = Progress.SPEAKING, Progress.SIGNING_IN
    assert doorway.arrive(Knock("newcomer", "10.0.0.1")) is speaking


def test_a_full_house_takes_a_place_from_the_address_holding_most() -> None:
    doorway: Doorway[Knock] = Doorway(per_address=4, total=6)
    fill(doorway, "10.0.0.1", 2, "a")
    heavy = fill(doorway, "10.0.0.2", 3, "b")
    fill(doorway, "10.0.0.3", 1, "c")
    assert doorway.arrive(Knock("member", "10.0.0.4")) is heavy[0]
    assert len(doorway) == 6


def test_five_hundred_silent_knocks_leave_a_member_signing_in_alone() -> None:
    doorway: Doorway[Knock] = Doorway(per_address=32, total=128)
    member = Knock("member", "127.0.0.1")
    assert doorway.arrive(member) is None
    member.progress = Progress.SPEAKING
    pushed_out = [doorway.arrive(Knock(f"s{i}", "127.0.0.1")) for i in range(500)]
    assert member not in pushed_out
    assert sum(knock is not None for knock in pushed_out) == 500 - 31
    assert len(doorway) == 32


def test_leaving_frees_the_place_and_leaving_twice_is_harmless() -> None:
    doorway: Doorway[Knock] = Doorway(per_address=1, total=1)
    knock = Knock("a", "10.0.0.1")
    doorway.arrive(knock)
    doorway.leave(knock)
    doorway.leave(knock)
    assert len(doorway) == 0
    assert doorway.arrive(Knock("b", "10.0.0.1")) is None


def test_a_share_larger_than_the_room_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="per_address"):
        Doorway(per_address=5, total=4)
