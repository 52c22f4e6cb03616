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

from alicloud_storage.admin_client import ADMIN_PREFIX, AdminClient
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.admin import BAD_FIELD, NO_PERMISSION, UNSIGNED
from alicloud_storage.emulator.faults import MAX_FAULT_COUNT
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.sts.errors import StsServiceError
from alicloud_storage.http import Response
from alicloud_storage.tablestore import CapacityUnit, OTSClient, ReservedThroughput, TableMeta, TableOptions
from emulator_helpers import RawClient

FAULT = {"api": "ListTable", "code": E.SERVER_BUSY.code, "message": E.SERVER_BUSY.template,
         "http_status": E.SERVER_BUSY.http_status}


def admin(emu: Emulator, key: Optional[Tuple[str, str]] = None) -> AdminClient:
    """A signed admin client, as the root account unless ``key`` is given."""
    key_id, secret = key or (emu.access_key_id, emu.access_key_secret)
    return AdminClient(emu.tablestore_endpoint, key_id, secret)


def answer(response: Response) -> Tuple[int, Dict[str, Any]]:
    return response.status, json.loads(response.body)


@pytest.mark.parametrize("method, path, action", [
    ("GET", "/health", "emulator:Health"), ("POST", "/reset", "emulator:Reset"),
    ("POST", "/faults", "emulator:InjectFault"), ("POST", "/ram/users", "ram:CreateUser"),
])
def test_unsigned_requests_are_refused(emu: Emulator, raw: RawClient, method: str, path: str, action: str) -> None:
    body = json.dumps(FAULT).encode() if method == "POST" else None
    request = Request(emu.tablestore_endpoint + ADMIN_PREFIX + path, data=body, method=method)
    with pytest.raises(HTTPError) as refused:
        urlopen(request, timeout=5)
    assert refused.value.code == UNSIGNED.http_status
    error = json.load(refused.value)
    missing = StsServiceError("MissingParameter", detail="Signature")
    assert error == {"Code": missing.code, "Message": UNSIGNED.format(message=missing.message, action=action)}
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
    assert (status, error) == (BAD_FIELD.http_status, {"Code": BAD_FIELD.code, "Message": BAD_FIELD.format(detail="'api'")})
    status, error = answer(admin(emu).send("POST", "/faults", {**FAULT, "count": MAX_FAULT_COUNT + 1}))
    assert (status, error["Code"]) == (BAD_FIELD.http_status, BAD_FIELD.code) and "count" in error["Message"]


def test_ram_users_need_the_emulator_action(emu: Emulator) -> None:
    user = f"ops{uuid.uuid4().hex[:8]}"
    emu.iam.create_user(user)
    ops = admin(emu, emu.iam.create_access_key(user))
    denied = NO_PERMISSION.error(action="emulator:Reset")
    assert answer(ops.send("POST", "/reset")) == (denied.http_status, {"Code": denied.code, "Message": denied.message})
    emu.iam.create_policy(user, {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["emulator:Reset", "emulator:Health"], "Resource": "*"}]})
    emu.iam.attach_policy(user, user=user)
    assert ops.send("GET", "/health").status == 200
    status, error = answer(ops.send("POST", "/faults", FAULT))
    assert (status, error) == (NO_PERMISSION.http_status, {
        "Code": NO_PERMISSION.code, "Message": NO_PERMISSION.format(action="emulator:InjectFault")})
    assert ops.send("POST", "/reset").status == 200
    # The reset removed the user it was made by (not in the configured RAM): its key is refused.
    status, error = answer(ops.send("GET", "/health"))
    assert (status, error["Code"]) == (403, "InvalidAccessKeyId.NotFound")


def test_faults_reach_the_sts_service_too(emu: Emulator) -> None:
    from contextlib import closing

    from alicloud_storage.credentials import StaticCredentialsProvider
    from alicloud_storage.sts import StsClient
    from alicloud_storage.sts import StsServiceError as StsRefusal

    denied = {"service": "sts", "api": "GetCallerIdentity", "code": "NoPermission",
              "message": "You are not authorized to do this action.", "http_status": 403}
    assert admin(emu).call("POST", "/faults", denied) == {}
    assert emu.sts_endpoint is not None
    provider = StaticCredentialsProvider(emu.access_key_id, emu.access_key_secret)
    with closing(StsClient(provider, emu.sts_endpoint)) as sts:
        with pytest.raises(StsRefusal) as refused:
            sts.get_caller_identity()
        assert (refused.value.http_status, refused.value.code) == (403, "NoPermission")
        assert sts.get_caller_identity().arn == f"acs:ram::{emu.account_id}:root"  # one fault, one request
