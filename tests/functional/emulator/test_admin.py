"""The emulator's admin endpoints over real HTTP: only signed, allowed callers get through.

``/_emulator/health``, ``/reset`` and ``/faults`` take the RAM admin routes'
authentication (ACS3-HMAC-SHA256 by the root key pair, or a RAM user allowed the
``emulator:*`` action), signed here by the client ``alicloud-storage ram`` uses.
"""
from __future__ import annotations

import json
import uuid
from typing import Any, Dict, Optional, Tuple
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from alicloud_storage.admin_client import AdminClient
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.server import ADMIN_PREFIX
from alicloud_storage.http import Response
from alicloud_storage.tablestore import CapacityUnit, OTSClient, ReservedThroughput, TableMeta, TableOptions
from emulator_helpers import RawClient

FAULT = {"api": "ListTable", "code": "OTSServerBusy", "message": "Server is busy.", "http_status": 503}


def admin(emu: Emulator, key: Optional[Tuple[str, str]] = None) -> AdminClient:
    """A signed admin client, as the root account unless ``key`` is given."""
    key_id, secret = key or (emu.access_key_id, emu.access_key_secret)
    return AdminClient(emu.tablestore_endpoint, key_id, secret)


def answer(response: Response) -> Tuple[int, Dict[str, Any]]:
    return response.status, json.loads(response.body)


@pytest.mark.parametrize("method, path", [("GET", "/health"), ("POST", "/reset"), ("POST", "/faults")])
def test_unsigned_requests_are_refused(emu: Emulator, raw: RawClient, method: str, path: str) -> None:
    body = json.dumps(FAULT).encode() if method == "POST" else None
    request = Request(emu.tablestore_endpoint + ADMIN_PREFIX + path, data=body, method=method)
    with pytest.raises(HTTPError) as refused:
        urlopen(request, timeout=5)
    assert refused.value.code == 403
    error = json.load(refused.value)
    assert error["Code"] == "MissingParameter"
    assert "Admin requests must be signed with ACS3-HMAC-SHA256" in error["Message"]
    assert raw.post("ListTable", b"")[0] == 200  # no fault was injected


def test_wrong_secret_and_unknown_key_are_refused_without_echoing_secrets(emu: Emulator, raw: RawClient) -> None:
    response = admin(emu, (emu.access_key_id, "not-the-secret")).send("POST", "/faults", FAULT)
    status, error = answer(response)
    assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert b"not-the-secret" not in response.body and emu.access_key_secret.encode() not in response.body
    status, error = answer(admin(emu, ("LTAInobodyhasthiskey", "s" * 30)).send("GET", "/health"))
    assert (status, error["Code"]) == (403, "InvalidAccessKeyId.NotFound")
    assert raw.post("ListTable", b"")[0] == 200


def test_root_reads_health_without_the_secret(emu: Emulator) -> None:
    response = admin(emu).send("GET", "/health")
    status, health = answer(response)
    assert status == 200
    assert (health["access_key_id"], health["instance"]) == (emu.access_key_id, emu.instance)
    assert "access_key_secret" not in health and emu.access_key_secret.encode() not in response.body


def test_root_injects_faults_and_resets(emu: Emulator, raw: RawClient) -> None:
    root = admin(emu)
    client = OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)
    client.create_table(TableMeta("t", [("pk", "STRING")]), TableOptions(), ReservedThroughput(CapacityUnit(0, 0)))
    assert root.call("POST", "/faults", {**FAULT, "count": 2}) == {}
    assert raw.post("ListTable", b"")[0] == 503
    assert root.call("POST", "/reset") == {}
    assert client.list_table() == ()  # the table and the second pending fault are gone
    client.close()


def test_a_bad_fault_spec_is_a_parameter_error(emu: Emulator) -> None:
    status, error = answer(admin(emu).send("POST", "/faults", {"code": "OTSServerBusy"}))
    assert (status, error["Code"]) == (400, "InvalidParameter") and "'api'" in error["Message"]


def test_ram_users_need_the_emulator_action(emu: Emulator) -> None:
    user = f"ops{uuid.uuid4().hex[:8]}"
    emu.iam.create_user(user)
    ops = admin(emu, emu.iam.create_access_key(user))
    assert answer(ops.send("POST", "/reset")) == (
        403, {"Code": "NoPermission", "Message": "You are not authorized to do emulator:Reset."}
    )
    emu.iam.create_policy(user, {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["emulator:Reset", "emulator:Health"], "Resource": "*"}]})
    emu.iam.attach_policy(user, user=user)
    assert ops.send("GET", "/health").status == 200
    status, error = answer(ops.send("POST", "/faults", FAULT))
    assert (status, error["Code"]) == (403, "NoPermission")
    assert ops.send("POST", "/reset").status == 200
    # The reset removed the user it was made by (not in the configured RAM): its key is refused.
    status, error = answer(ops.send("GET", "/health"))
    assert (status, error["Code"]) == (403, "InvalidAccessKeyId.NotFound")
