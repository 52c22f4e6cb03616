"""`alicloud-storage ram ...` against a running emulator's signed admin endpoint."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

from click.testing import CliRunner, Result

from alicloud_storage.cli import cli
from alicloud_storage.emulator import Emulator

from sts_helpers import EXAMPLE, unique


def run(emu: Emulator, *args: str, key: tuple = ()) -> Result:
    key = key or (emu.access_key_id, emu.access_key_secret)
    base: List[str] = ["ram", "--endpoint", emu.tablestore_endpoint,
                       "--access-key-id", key[0], "--access-key-secret", key[1]]
    return CliRunner().invoke(cli, base + list(args))


def test_show_has_the_example_entities_and_no_secrets(emu: Emulator) -> None:
    result = run(emu, "show")
    assert result.exit_code == 0, result.output
    state = json.loads(result.output)
    assert {"sts-assumer", "reader"} <= {u["name"] for u in state["users"]}
    assert {"RamTablestore", "SingleInstance"} <= {r["name"] for r in state["roles"]}
    assert "ExampleAssumerSecretChangeMe000" not in result.output


def test_key_lifecycle_and_errors(emu: Emulator) -> None:
    user = unique("cliuser")
    assert run(emu, "create-user", user).exit_code == 0
    key = json.loads(run(emu, "create-access-key", user, "--id", f"LTAI{user}", "--secret", "s" * 30).output)
    assert key == {"id": f"LTAI{user}", "secret": "s" * 30}
    assert emu.iam.resolve(key["id"], None).name == user
    assert run(emu, "set-access-key-status", key["id"], "inactive").exit_code == 0
    duplicate = run(emu, "create-user", user)
    assert duplicate.exit_code == 1 and "EntityAlreadyExists.User" in duplicate.output
    missing = run(emu, "attach-policy", "NoSuchPolicy", "--user", user)
    assert "EntityNotExist.Policy" in missing.output
    assert run(emu, "delete-access-key", key["id"]).exit_code == 0
    assert run(emu, "delete-user", user).exit_code == 0


def test_wrong_secret_and_unprivileged_users_are_refused(emu: Emulator) -> None:
    bad = run(emu, "show", key=(emu.access_key_id, "not-the-secret"))
    assert bad.exit_code == 1 and "SignatureDoesNotMatch" in bad.output
    assert "not-the-secret" not in bad.output
    admin = unique("admin")
    emu.iam.create_user(admin)
    key = emu.iam.create_access_key(admin)
    refused = run(emu, "create-user", unique("x"), key=key)
    assert refused.exit_code == 1 and "NoPermission" in refused.output
    policy = unique("UserAdmin")
    emu.iam.create_policy(policy, {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ram:CreateUser", "Resource": "*"}]})
    emu.iam.attach_policy(policy, user=admin)
    assert run(emu, "create-user", unique("x"), key=key).exit_code == 0


def test_load_a_config_file(emu: Emulator, tmp_path: Path) -> None:
    role = unique("LoadedRole")
    path = tmp_path / "ram.json"
    path.write_text(json.dumps({"ram": {"roles": [{"name": role, "policies": ["AliyunOTSFullAccess"]}]}}))
    assert run(emu, "load", str(path)).exit_code == 0
    assert role in {r["name"] for r in emu.iam.describe()["roles"]}
    before = emu.iam.describe()
    path.write_text(json.dumps({"users": [{"name": unique("u")}], "roles": [{"name": role}]}))
    again = run(emu, "load", str(path))  # the role exists already: nothing is added
    assert again.exit_code == 1 and "EntityAlreadyExists.Role" in again.output
    assert emu.iam.describe() == before
    assert run(emu, "load", str(EXAMPLE)).exit_code == 1
