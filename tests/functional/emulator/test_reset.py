"""``Emulator.reset()`` puts everything back to the configured state, over real HTTP.

Tables, RAM users, keys, roles, custom policies and attachments made at run time, STS
sessions, signature nonces, pending faults and the request-id sequence all go; the RAM
entities of the emulator's config stay and keep working.
"""
from __future__ import annotations

import hashlib
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Tuple
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest

from alicloud_storage.admin_client import ADMIN_PREFIX, AdminClient
from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.sts.errors import STS_ERRORS
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.sts import StsClient, StsServiceError
from alicloud_storage.sts.signature import acs3_authorization
from alicloud_storage.tablestore import (
    CapacityUnit,
    OTSClient,
    OTSServiceError,
    ReservedThroughput,
    TableMeta,
    TableOptions,
)
from emulator_helpers import RawClient

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "emulator-ram.json"
ASSUMER = ("LTAI5tExampleAssumerKey", "ExampleAssumerSecretChangeMe000")  # declared in EXAMPLE
READ_ONLY = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ots:List*", "Resource": "*"}]}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """An emulator whose RAM comes from the example config file; request ids seeded."""
    with Emulator(memory=True, config=EXAMPLE, seed=7) as emulator:
        yield emulator


def _ots(emu: Emulator, key_id: str, secret: str, token: str = "") -> OTSClient:
    return OTSClient(emu.tablestore_endpoint, key_id, secret, emu.instance, sts_token=token or None)


def _sts(emu: Emulator, key_id: str, secret: str, token: str = "") -> StsClient:
    assert emu.sts_endpoint is not None
    return StsClient(StaticCredentialsProvider(key_id, secret, token or None), emu.sts_endpoint)


def _refused_by_tablestore(client: OTSClient) -> Tuple[int, str, str]:
    with pytest.raises(OTSServiceError) as refused:
        client.list_table()
    return refused.value.http_status, refused.value.code, refused.value.message


def _refused_by_sts(client: StsClient) -> str:
    with pytest.raises(StsServiceError) as refused:
        client.get_caller_identity()
    return refused.value.code


def _health_with_nonce(emu: Emulator, nonce: str) -> int:
    """GET /_emulator/health signed by root with a chosen signature nonce; the HTTP status."""
    url = emu.tablestore_endpoint + ADMIN_PREFIX + "/health"
    headers = {
        "host": urlsplit(url).netloc,
        "x-acs-action": "EmulatorAdmin",
        "x-acs-version": "emulator",
        "x-acs-date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
    }
    headers["Authorization"] = acs3_authorization(
        emu.access_key_id, emu.access_key_secret, "GET", urlsplit(url).path, {}, headers
    )
    try:
        with urlopen(Request(url, headers=headers), timeout=5) as response:
            return int(response.status)
    except HTTPError as refused:
        return refused.code


def test_reset_drops_everything_made_at_run_time_and_keeps_the_configured_ram(emu: Emulator) -> None:
    configured = emu.iam.describe()
    first_request_id = RawClient(emu).post("ListTable", b"")[1]["x-ots-requestid"]

    # Run-time RAM, made over the admin API as `alicloud-storage ram` does.
    with AdminClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret) as admin:
        admin.call("POST", "/ram/users", {"name": "temp"})
        user_key = admin.call("POST", "/ram/users/temp/access-keys", {})
        admin.call("POST", "/ram/policies", {"name": "TempList", "document": READ_ONLY})
        admin.call("POST", "/ram/users/temp/policies", {"policy": "TempList"})
        admin.call("POST", "/ram/users/temp/policies", {"policy": "AliyunSTSAssumeRoleAccess"})
        role_arn = admin.call("POST", "/ram/roles", {"name": "TempRole"})["arn"]
        admin.call("POST", "/ram/roles/TempRole/policies", {"policy": "AliyunOTSFullAccess"})
        admin.call("POST", "/ram/roles/RamTablestore/policies", {"policy": "TempList"})  # on a configured role
    with closing(_sts(emu, user_key["id"], user_key["secret"])) as sts:
        session = sts.assume_role(role_arn, "before-reset").credentials
    token = (session.access_key_id, session.access_key_secret, session.security_token or "")
    with _ots(emu, *token) as as_role:
        as_role.create_table(TableMeta("t", [("pk", "STRING")]), TableOptions(), ReservedThroughput(CapacityUnit(0, 0)))
        assert as_role.list_table() == ("t",)
    with _ots(emu, user_key["id"], user_key["secret"]) as as_user:
        assert as_user.list_table() == ("t",)
    emu.inject_fault("ListTable", "OTSServerBusy", "Server is busy.", 503, count=5)
    emu.inject_fault("GetCallerIdentity", "Throttling", "Request was denied due to flow control.", 400,
                     service="sts")
    assert _health_with_nonce(emu, "the-nonce") == 200
    assert _health_with_nonce(emu, "the-nonce") == 403  # a replay is refused

    emu.reset()
    status, headers, _ = RawClient(emu).post("ListTable", b"")  # the request-id sequence starts over
    assert (status, headers["x-ots-requestid"]) == (200, first_request_id)

    # The run-time user, its key, the role, its session and the custom policy are gone.
    assert emu.iam.describe() == configured
    with _ots(emu, *token) as as_role:
        assert _refused_by_tablestore(as_role) == (
            E.ACCESS_KEY_NOT_EXIST.http_status, E.ACCESS_KEY_NOT_EXIST.code, E.ACCESS_KEY_NOT_EXIST.template)
    with closing(_sts(emu, *token)) as sts:
        assert _refused_by_sts(sts) == "InvalidAccessKeyId.NotFound"
    with _ots(emu, user_key["id"], user_key["secret"]) as as_user:
        assert _refused_by_tablestore(as_user)[1:] == (E.ACCESS_KEY_NOT_EXIST.code, E.ACCESS_KEY_NOT_EXIST.template)
    with closing(_sts(emu, user_key["id"], user_key["secret"])) as sts:
        assert _refused_by_sts(sts) == "InvalidAccessKeyId.NotFound"
        with pytest.raises(StsServiceError) as refused:
            sts.assume_role(role_arn, "after-reset")
        assert refused.value.code == "InvalidAccessKeyId.NotFound"
        assert STS_ERRORS["InvalidAccessKeyId.NotFound"][1] in str(refused.value)

    # No table, no pending fault (of either service), the nonce is free again.
    with _ots(emu, emu.access_key_id, emu.access_key_secret) as root:
        assert root.list_table() == ()
    assert _health_with_nonce(emu, "the-nonce") == 200

    # The configured entities still work: the example's user assumes the example's role.
    with closing(_sts(emu, *ASSUMER)) as sts:
        assert sts.get_caller_identity().arn == f"acs:ram::{emu.account_id}:user/sts-assumer"
        configured_role = sts.assume_role(f"acs:ram::{emu.account_id}:role/ramtablestore", "after").credentials
    with _ots(emu, configured_role.access_key_id, configured_role.access_key_secret,
              configured_role.security_token or "") as reader:
        assert reader.list_table() == ()
    assert emu.iam.describe()["sessions_issued"] == 1


def test_the_plugin_fixture_resets_ram_too(tablestore: Emulator) -> None:
    """The function-scoped fixture gives each test the configured RAM (none here) and no session."""
    state = tablestore.iam.describe()
    assert (state["users"], state["roles"], state["sessions"], state["sessions_issued"]) == ([], [], 0, 0)
    assert all(policy["type"] == "System" for policy in state["policies"])
    tablestore.iam.create_user("left-behind")  # the next test's reset removes it


def test_the_plugin_fixture_reset_removed_the_user_of_the_test_before(tablestore: Emulator) -> None:
    assert [user["name"] for user in tablestore.iam.describe()["users"]] == []
