"""The hostile suite's plumbing: raw HTTP with any bytes, signers for every service, one Target.

A ``Target`` is a running emulator (in-process or ``alicloud-storage serve``) seen from the
outside: endpoints, root key, and a record of every secret the suite handles (so the
log-scan test can look for each one). ``refused`` sends one hostile request and asserts the
exact status and code, then that an ordinary request right after is served promptly.
"""
from __future__ import annotations

import base64
import hashlib
import json
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple
from urllib.parse import quote, urlsplit

from alicloud_storage.credentials import Credentials
from alicloud_storage.sts.signature import acs3_authorization, rpc_signature
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.wire import pb

Headers = List[Tuple[bytes, bytes]]
PROMPT_SECONDS = 1.0  # an ordinary request after a hostile one must be answered within this


@dataclass
class Reply:
    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def code(self) -> str:
        """The service's error code, whatever the body's shape (JSON, XML or protobuf)."""
        text = self.body.lstrip()
        if text.startswith(b"{"):
            return str(json.loads(text).get("Code"))
        if text.startswith(b"<"):
            return text.split(b"<Code>", 1)[1].split(b"</Code>", 1)[0].decode()
        error = pb.Error()
        error.ParseFromString(self.body)
        return error.code


def send(endpoint: str, method: str, path: bytes, headers: Headers, body: bytes = b"",
         timeout: float = 10.0) -> Reply:
    """One HTTP/1.1 request with exactly these bytes (no client library to clean them up)."""
    url = urlsplit(endpoint)
    head = [method.encode() + b" " + path + b" HTTP/1.1", b"Connection: close",
            b"Content-Length: " + str(len(body)).encode()]
    if not any(name.lower() == b"host" for name, _ in headers):
        head.append(b"Host: " + url.netloc.encode())
    head += [name + b": " + value for name, value in headers]
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    raw_head, _, payload = data.partition(b"\r\n\r\n")
    lines = raw_head.split(b"\r\n")
    status = int(lines[0].split()[1])
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        parsed[name.strip().lower()] = value.strip()
    return Reply(status, parsed, payload)


def latin(headers: Mapping[str, str]) -> Headers:
    return [(k.encode("latin-1"), v.encode("utf-8")) for k, v in headers.items()]


@dataclass
class Target:
    """A running emulator seen from outside, and every secret the suite has handled."""

    tablestore: str
    sts: str
    oss: str
    instance: str
    access_key_id: str
    access_key_secret: str
    secrets: Set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.secrets.add(self.access_key_secret)

    # --- signers -------------------------------------------------------------------------
    def ots_headers(self, api: str, body: bytes, key: Optional[Tuple[str, str, Optional[str]]] = None,
                    region: Optional[str] = None) -> Dict[str, str]:
        key_id, secret, token = key or (self.access_key_id, self.access_key_secret, None)
        headers = auth.RequestSigner(region=region).sign(
            "/" + api, body, Credentials(key_id, secret, token), self.instance, datetime.now(timezone.utc))
        self.secrets.update(v for k, v in headers.items() if "signature" in k.lower())
        return dict(headers)

    def ots(self, api: str, body: bytes, extra: Headers = (), key: Optional[Tuple[str, str, Optional[str]]] = None,
            tamper: Mapping[str, bytes] = {}) -> Reply:
        headers = self.ots_headers(api, body, key)
        raw = [(k.encode(), tamper.get(k, v.encode())) for k, v in headers.items()]
        return send(self.tablestore, "POST", b"/" + api.encode(), raw + list(extra), body)

    def admin_headers(self, method: str, path: str, body: bytes, query: Mapping[str, str] = {},
                      key: Optional[Tuple[str, str]] = None, **override: str) -> Dict[str, str]:
        key_id, secret = key or (self.access_key_id, self.access_key_secret)
        headers = {
            "host": urlsplit(self.tablestore).netloc,
            "content-type": "application/json",
            "x-acs-action": "EmulatorAdmin",
            "x-acs-version": "emulator",
            "x-acs-date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "x-acs-signature-nonce": uuid.uuid4().hex,
            "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
            **override,
        }
        headers["Authorization"] = acs3_authorization(key_id, secret, method, path, query, headers)
        self.secrets.add(headers["Authorization"].rsplit("Signature=", 1)[1])
        return headers

    def admin(self, method: str, route: str, payload: Any = None, *, raw_body: Optional[bytes] = None,
              key: Optional[Tuple[str, str]] = None) -> Reply:
        body = raw_body if raw_body is not None else b"" if payload is None else json.dumps(payload).encode()
        path = "/_emulator" + route
        headers = self.admin_headers(method, path, body, key=key)
        return send(self.tablestore, method, path.encode(), latin(headers), body)

    def admin_ok(self, method: str, route: str, payload: Any = None) -> Any:
        reply = self.admin(method, route, payload)
        assert reply.status == 200, (reply.status, reply.body[:300])
        return reply.json()

    def sts_v1(self, params: Mapping[str, str], key: Optional[Tuple[str, str, Optional[str]]] = None,
               method: str = "GET") -> Dict[str, str]:
        key_id, secret, token = key or (self.access_key_id, self.access_key_secret, None)
        query = {
            "Format": "JSON", "Version": "2015-04-01", "AccessKeyId": key_id, "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
            "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), **params,
        }
        if token:
            query["SecurityToken"] = token
        query["Signature"] = rpc_signature(secret, method, query)
        self.secrets.add(query["Signature"])
        return query

    def sts_call(self, params: Mapping[str, str], key: Optional[Tuple[str, str, Optional[str]]] = None) -> Reply:
        query = self.sts_v1(params, key)
        path = "/?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query.items())
        return send(self.sts, "GET", path.encode(), [])

    def assume(self, user_key: Tuple[str, str], role_arn: str, session: str = "hostile") -> Tuple[str, str, str]:
        reply = self.sts_call({"Action": "AssumeRole", "RoleArn": role_arn, "RoleSessionName": session},
                              (user_key[0], user_key[1], None))
        assert reply.status == 200, reply.body
        creds = reply.json()["Credentials"]
        self.secrets.update((creds["AccessKeySecret"], creds["SecurityToken"]))
        return creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"]

    # --- the shape of every hostile case ---------------------------------------------------
    def served(self) -> None:
        """An ordinary request (ListTable) is answered correctly and promptly."""
        started = time.monotonic()
        reply = self.ots("ListTable", pb.ListTableRequest().SerializeToString())
        elapsed = time.monotonic() - started
        assert reply.status == 200, (reply.status, reply.body[:200])
        assert elapsed < PROMPT_SECONDS, f"the server took {elapsed:.2f}s to answer an ordinary request"

    def refused(self, reply: Reply, status: int, code: str) -> Reply:
        """The hostile request got exactly ``status`` / ``code``; the server still serves."""
        assert (reply.status, reply.code()) == (status, code), (reply.status, reply.body[:300])
        self.served()
        return reply


def create_table(target: Target, name: str) -> None:
    """A table of one string key ``pk`` (already there is fine)."""
    meta = pb.TableMeta(table_name=name, primary_key=[pb.PrimaryKeySchema(name="pk", type=pb.PrimaryKeyType.STRING)])
    request = pb.CreateTableRequest(table_meta=meta, reserved_throughput=pb.ReservedThroughput(
        capacity_unit=pb.CapacityUnit(read=0, write=0)), table_options=pb.TableOptions(time_to_live=-1, max_versions=1))
    reply = target.ots("CreateTable", request.SerializeToString())
    assert reply.status in (200, 409), reply.body


def oss_v1_headers(target: Target, method: str, resource: str, key: Optional[Tuple[str, str]] = None
                   ) -> Dict[str, str]:
    """OSS V1 (``OSS key:signature``) headers of a body-less request."""
    import hmac

    key_id, secret = key or (target.access_key_id, target.access_key_secret)
    date = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    to_sign = f"{method}\n\n\n{date}\n{resource}"
    signature = base64.b64encode(hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    target.secrets.add(signature)
    return {"Date": date, "Authorization": f"OSS {key_id}:{signature}"}


Case = Callable[[Target], None]
CASES: Dict[str, Case] = {}


def case(fn: Case) -> Case:
    """Register a hostile case (run by test_hostile.py in-process and by the log scan against serve)."""
    CASES[fn.__name__] = fn
    return fn


def hostile_count() -> int:
    return len(CASES)


__all__: Sequence[str] = [
    "CASES", "Reply", "Target", "case", "send", "latin", "oss_v1_headers", "hostile_count", "create_table",
]
