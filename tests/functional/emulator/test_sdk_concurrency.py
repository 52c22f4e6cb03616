"""Racing clients: conditional writes and increments on one row stay atomic."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from tablestore import (
    ComparatorType,
    Condition,
    OTSServiceError,
    Row,
    RowExistenceExpectation,
    SingleColumnCondition,
)

from emulator_helpers import create, official_client

pytestmark = pytest.mark.official

THREADS = 8
PK = [("pk", "hot")]


def race(emu, work):
    """Run ``work(client)`` on THREADS threads, each with its own official client."""
    clients = [official_client(emu) for _ in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(work, clients))


def test_increments_are_not_lost(emu):
    create(official_client(emu))

    def work(client):
        for _ in range(25):
            client.update_row("t", Row(PK, {"increment": [("n", 1)]}), Condition("IGNORE"))

    race(emu, work)
    row = official_client(emu).get_row("t", PK, max_version=1)[1]
    assert row.attribute_columns[0][:2] == ("n", THREADS * 25)


def test_exactly_one_insert_wins(emu):
    create(official_client(emu))

    def work(client):
        try:
            client.put_row("t", Row(PK, [("owner", id(client))]),
                           Condition(RowExistenceExpectation.EXPECT_NOT_EXIST))
            return True
        except OTSServiceError as exc:
            assert exc.get_error_code() == "OTSConditionCheckFail"
            return False

    assert sum(race(emu, work)) == 1


def test_compare_and_set_is_linearizable(emu):
    client = official_client(emu)
    create(client)
    client.put_row("t", Row(PK, [("v", 0)]))

    def work(client):
        won = 0
        for _ in range(20):
            seen = client.get_row("t", PK, max_version=1)[1].attribute_columns[0][1]
            expect_seen = SingleColumnCondition("v", seen, ComparatorType.EQUAL)
            try:
                client.update_row("t", Row(PK, {"put": [("v", seen + 1)]}),
                                  Condition(RowExistenceExpectation.EXPECT_EXIST, expect_seen))
                won += 1
            except OTSServiceError as exc:
                assert exc.get_error_code() == "OTSConditionCheckFail"
        return won

    wins = sum(race(emu, work))
    final = client.get_row("t", PK, max_version=1)[1].attribute_columns[0][1]
    assert final == wins and wins >= 20
