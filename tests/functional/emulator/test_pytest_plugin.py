"""The shipped pytest plugin, used the way a user's project uses it (pytest in a subprocess)."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

USER_TESTS = '''
from alicloud_storage.tablestore import (
    CapacityUnit, OTSClient, ReservedThroughput, Row, TableMeta, TableOptions,
)


def client_for(emu):
    return OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)


def test_first_sees_an_empty_emulator(tablestore):
    client = client_for(tablestore)
    assert client.list_table() == ()
    client.create_table(TableMeta("orders", [("id", "STRING")]), TableOptions(),
                        ReservedThroughput(CapacityUnit(0, 0)))
    client.put_row("orders", Row([("id", "o1")], [("total", 5)]))


def test_second_sees_an_empty_emulator_again(tablestore, tablestore_emulator):
    assert tablestore is tablestore_emulator
    assert client_for(tablestore).list_table() == ()
'''


def _plugin_installed() -> bool:
    return any(e.value == "alicloud_storage.testing" for e in entry_points(group="pytest11"))


def test_fixtures_in_a_user_project(tmp_path: Path):
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    if not _plugin_installed():  # an environment installed before the entry point existed
        command[3:3] = ["-p", "alicloud_storage.testing"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
