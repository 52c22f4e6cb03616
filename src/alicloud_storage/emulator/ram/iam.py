"""The identity store of one emulated account and the authorisation decision.

Holds RAM users and their AccessKey pairs, RAM roles, system and custom policies, and
the STS sessions issued by AssumeRole. Every service front asks the same two questions:
``resolve`` (who is this key?) and ``is_allowed`` (may they do this action here?).
"""
from __future__ import annotations

import copy
import hashlib
import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, TypeVar

from alicloud_storage._signatures import signatures_equal
from alicloud_storage.credentials.base import format_expiration
from alicloud_storage.emulator.ram.identity import AuthenticationError, Principal, RamError
from alicloud_storage.emulator.ram.policy import (
    Decision,
    Policy,
    PolicyError,
    account_trust_policy,
    decide,
    parse_policy,
    trusts,
)
from alicloud_storage.emulator.ram.system_policies import SYSTEM_POLICIES

__all__ = [
    "Iam", "AssumedRole", "MIN_SESSION", "DEFAULT_MAX_SESSION", "MAX_SESSION", "MAX_INLINE_POLICY",
]

MIN_SESSION = 900
DEFAULT_MAX_SESSION = 3600
MAX_SESSION = 43200
MAX_INLINE_POLICY = 2048
# The documented character sets, matched whole (fullmatch: no trailing newline slips through).
_SESSION_NAME = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
_NAMES = {
    "UserName": re.compile(r"[A-Za-z0-9._-]{1,64}"),
    "RoleName": re.compile(r"[A-Za-z0-9.-]{1,64}"),
    "PolicyName": re.compile(r"[A-Za-z0-9-]{1,128}"),
}
_ALNUM = string.ascii_letters + string.digits
_V = TypeVar("_V")
_NOT_TRUSTED = (
    "No permission perform sts:AssumeRole on this Role. Maybe you are not authorized to "
    "perform sts:AssumeRole or the specified role does not trust you"
)


def _random(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _numeric_id(*parts: str) -> str:
    digest = hashlib.sha256(":".join(parts).encode()).hexdigest()
    return str(int(digest, 16))[:16]


@dataclass
class _User:
    name: str
    user_id: str
    policies: list[str] = field(default_factory=list)


@dataclass
class _AccessKey:
    access_key_id: str
    secret: str = field(repr=False)
    user: str
    active: bool = True


@dataclass
class _Role:
    name: str
    role_id: str
    arn: str
    trust_policy: Policy
    max_session_duration: int
    policies: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Session:
    access_key_id: str
    secret: str = field(repr=False)
    security_token: str = field(repr=False)
    expiration: float
    role: str
    role_id: str  # the exact role it was issued for: a role recreated under the same name has another
    session_name: str
    policy: Optional[Policy]


@dataclass(frozen=True)
class AssumedRole:
    """What AssumeRole hands back (the STS front renders it as the service's JSON)."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str = field(repr=False)
    expiration: float
    arn: str
    assumed_role_id: str

    @property
    def expiration_iso(self) -> str:
        return format_expiration(self.expiration)


class Iam:
    """All RAM state of one emulated account. Thread-safe; ``clock`` gives epoch seconds."""

    def __init__(
        self,
        account_id: str,
        root_access_key_id: str,
        root_access_key_secret: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account_id = account_id
        self.clock = clock
        self._lock = threading.RLock()
        self._root = Principal(
            "root", account_id, "root", f"acs:ram::{account_id}:root",
            root_access_key_id, root_access_key_secret, principal_id=account_id,
        )
        self._policies: dict[str, Policy] = {}
        self._users: dict[str, _User] = {}
        self._keys: dict[str, _AccessKey] = {}
        self._roles: dict[str, _Role] = {}
        self._sessions: dict[str, _Session] = {}
        self._generations: dict[str, int] = {}  # how often each user/role name was created
        self.sessions_issued = 0
        self.reset()

    def reset(self, config: Optional[Mapping[str, Any]] = None) -> None:
        """Back to a fresh account holding only ``config``'s entities: every other user,
        access key, role, custom policy and attachment is gone, every STS session too."""
        with self._lock:
            self._policies = {n: parse_policy(d) for n, d in SYSTEM_POLICIES.items()}
            self._users, self._keys, self._roles, self._sessions = {}, {}, {}, {}
            self._generations = {}
            self.sessions_issued = 0
            self.load_config(config or {})

    # ---- the two questions every service front asks -------------------------------------

    def resolve(self, access_key_id: str, security_token: Optional[str]) -> Principal:
        """The principal behind a key; raises AuthenticationError for unknown, disabled,
        forged or expired credentials."""
        if signatures_equal(self._root.access_key_id, access_key_id):
            _no_token_for_long_term_key(security_token)
            return self._root
        with self._lock:
            if access_key_id.startswith("STS."):
                return self._resolve_session(access_key_id, security_token)
            key = self._keys.get(access_key_id)
            if key is None:
                raise AuthenticationError("the access key id does not exist")
            if not key.active:
                raise AuthenticationError("the access key is disabled", "InvalidAccessKeyId.Inactive")
            _no_token_for_long_term_key(security_token)
            user = self._users[key.user]
            return Principal(
                "user", self.account_id, user.name, self._user_arn(user.name),
                key.access_key_id, key.secret, principal_id=user.user_id,
            )

    def _resolve_session(self, access_key_id: str, security_token: Optional[str]) -> Principal:
        session = self._sessions.get(access_key_id)
        if session is None:
            raise AuthenticationError("the access key id does not exist")
        if not security_token:
            raise AuthenticationError(
                "a security token is required with an STS access key", "MissingSecurityToken"
            )
        if not signatures_equal(session.security_token, security_token):
            raise AuthenticationError(
                "the security token is invalid", "InvalidSecurityToken.MismatchWithAccessKey"
            )
        if self.clock() >= session.expiration:
            raise AuthenticationError("the security token has expired", "InvalidSecurityToken.Expired")
        role = self._roles.get(session.role.lower())
        if role is None or role.role_id != session.role_id:
            raise AuthenticationError("the role of this security token no longer exists",
                                      "InvalidSecurityToken.Malformed")
        return Principal(
            "assumed-role", self.account_id, role.name,
            f"acs:ram::{self.account_id}:assumed-role/{role.name.lower()}/{session.session_name}",
            session.access_key_id, session.secret,
            principal_id=f"{role.role_id}:{session.session_name}",
            session_name=session.session_name, session_policy=session.policy,
            expiration=session.expiration,
        )

    def is_allowed(
        self, principal: Principal, action: str, resource: str, context: Mapping[str, str]
    ) -> bool:
        """Explicit Deny > Allow > implicit deny; root may do everything; an assumed
        role is limited to its policies intersected with the session policy."""
        return self.decide(principal, action, resource, context) is Decision.ALLOW

    def decide(
        self, principal: Principal, action: str, resource: str, context: Mapping[str, str]
    ) -> Decision:
        """The decision with its reason (explicit or implicit deny)."""
        if principal.is_root:
            return Decision.ALLOW
        ctx = {"acs:AccessId": principal.access_key_id, "acs:PrincipalArn": principal.arn, **context}
        if "acs:CurrentTime" not in ctx:
            ctx["acs:CurrentTime"] = format_expiration(self.clock())
        with self._lock:
            if principal.kind == "user":
                user = self._users.get(principal.name)
                names = user.policies if user else []
            else:
                role = self._roles.get(principal.name.lower())
                names = role.policies if role else []
            policies = [self._policies[n] for n in names if n in self._policies]
        decision = decide(policies, action, resource, ctx)
        if decision is Decision.ALLOW and principal.session_policy is not None:
            decision = decide([principal.session_policy], action, resource, ctx)
        return decision

    # ---- STS -------------------------------------------------------------------------------

    def assume_role(
        self,
        caller: Principal,
        role_arn: str,
        session_name: str,
        duration_seconds: Optional[int] = None,
        policy: Optional[str] = None,
        context: Optional[Mapping[str, str]] = None,
    ) -> AssumedRole:
        """Issue temporary credentials for ``role_arn``; raises RamError with STS codes."""
        ctx = dict(context or {})
        if caller.is_root:
            raise RamError("NoPermission", "Roles may not be assumed by root accounts.", 403)
        if not isinstance(session_name, str) or not _SESSION_NAME.fullmatch(session_name):
            raise RamError(
                "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."
            )
        session_policy = self._inline_policy(policy)
        with self._lock:
            role = self._role_by_arn(role_arn)
            duration = DEFAULT_MAX_SESSION if duration_seconds is None else duration_seconds
            if not MIN_SESSION <= duration <= role.max_session_duration:
                raise RamError(
                    "InvalidParameter.DurationSeconds",
                    f"The Min/Max value of DurationSeconds is 15min/"
                    f"{role.max_session_duration // 3600}hr.",
                )
            if not self.is_allowed(caller, "sts:AssumeRole", role.arn, ctx):
                raise RamError(
                    "NoPermission",
                    "You are not authorized to do this action. You should be authorized by RAM.",
                    403,
                )
            if not trusts(role.trust_policy, role.arn, caller.trust_arns, ctx):
                raise RamError("NoPermission", _NOT_TRUSTED, 403)
            now = self.clock()
            self._prune_sessions(now)
            session = _Session(
                access_key_id="STS." + _random(24),
                secret=_random(44),
                security_token="CAIS" + secrets.token_urlsafe(96),
                expiration=float(int(now) + duration),
                role=role.name,
                role_id=role.role_id,
                session_name=session_name,
                policy=session_policy,
            )
            self._sessions[session.access_key_id] = session
            self.sessions_issued += 1
        return AssumedRole(
            session.access_key_id, session.secret, session.security_token, session.expiration,
            arn=f"{role.arn}/{session_name}", assumed_role_id=f"{role.role_id}:{session_name}",
        )

    @staticmethod
    def _inline_policy(policy: Optional[str]) -> Optional[Policy]:
        if not policy:
            return None
        if len(policy) <= MAX_INLINE_POLICY:
            try:
                return parse_policy(policy)
            except PolicyError:
                pass
        raise RamError(
            "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check."
        )

    def _role_by_arn(self, role_arn: str) -> _Role:
        prefix = f"acs:ram::{self.account_id}:role/"
        role = None
        if role_arn.lower().startswith(prefix):
            role = self._roles.get(role_arn[len(prefix):].lower())
        if role is None:
            raise RamError("EntityNotExist.Role", f"The role not exists: {role_arn}", 404)
        return role

    def _prune_sessions(self, now: float) -> None:
        stale = [k for k, s in self._sessions.items() if s.expiration + 3600 < now]
        for key in stale:
            del self._sessions[key]

    # ---- administration (config file, admin endpoint, CLI) -------------------------------

    def _user_arn(self, name: str) -> str:
        return f"acs:ram::{self.account_id}:user/{name}"

    def create_policy(self, name: str, document: Any) -> None:
        """Create a custom policy from a JSON text or dict."""
        _check_name(name, "PolicyName")
        try:
            policy = parse_policy(document)
        except PolicyError as exc:
            raise RamError("MalformedPolicyDocument", str(exc)) from None
        with self._lock:
            if name in self._policies:
                raise RamError("EntityAlreadyExists.Policy", f"The policy already exists: {name}", 409)
            self._policies[name] = policy

    def delete_policy(self, name: str) -> None:
        """Delete a custom policy that is attached to nobody."""
        with self._lock:
            if name in SYSTEM_POLICIES:
                raise RamError("Forbidden", f"A system policy cannot be deleted: {name}", 403)
            self._policy(name)
            holders = [u.name for u in self._users.values() if name in u.policies]
            holders += [r.name for r in self._roles.values() if name in r.policies]
            if holders:
                raise RamError("DeleteConflict.Policy.Attached",
                               f"The policy is attached to: {', '.join(holders)}", 409)
            del self._policies[name]

    def create_user(self, name: str) -> None:
        """Create a RAM user (no keys, no policies)."""
        _check_name(name, "UserName")
        with self._lock:
            if name in self._users:
                raise RamError("EntityAlreadyExists.User", f"The user already exists: {name}", 409)
            self._users[name] = _User(name, self._new_id("user", name))

    def delete_user(self, name: str) -> None:
        """Delete a user and its AccessKey pairs."""
        with self._lock:
            self._user(name)
            del self._users[name]
            for key_id in [k for k, v in self._keys.items() if v.user == name]:
                del self._keys[key_id]

    def create_access_key(
        self, user: str, access_key_id: Optional[str] = None, secret: Optional[str] = None
    ) -> tuple[str, str]:
        """Give a user an AccessKey pair (generated unless both parts are given)."""
        key_id = access_key_id or "LTAI" + _random(20)
        key_secret = secret or _random(30)
        with self._lock:
            self._user(user)
            if key_id in self._keys or key_id == self._root.access_key_id or key_id.startswith("STS."):
                raise RamError("EntityAlreadyExists.AccessKey", "The access key id is already in use.", 409)
            self._keys[key_id] = _AccessKey(key_id, key_secret, user)
        return key_id, key_secret

    def set_access_key_active(self, access_key_id: str, active: bool) -> None:
        """Enable or disable a user's AccessKey pair."""
        with self._lock:
            self._key(access_key_id).active = active

    def delete_access_key(self, access_key_id: str) -> None:
        with self._lock:
            self._key(access_key_id)
            del self._keys[access_key_id]

    def create_role(
        self,
        name: str,
        trust_policy: Any = None,
        max_session_duration: int = DEFAULT_MAX_SESSION,
    ) -> str:
        """Create a RAM role (trusting this account unless a trust policy is given); returns its ARN."""
        _check_name(name, "RoleName")
        if (isinstance(max_session_duration, bool) or not isinstance(max_session_duration, (int, float))
                or not DEFAULT_MAX_SESSION <= max_session_duration <= MAX_SESSION):  # NaN and inf fail too
            raise RamError("InvalidParameter.MaxSessionDuration",
                           "MaxSessionDuration must be within 3600 and 43200 seconds.")
        try:
            trust = (
                account_trust_policy(self.account_id) if trust_policy is None
                else parse_policy(trust_policy)
            )
        except PolicyError as exc:
            raise RamError("MalformedPolicyDocument", str(exc)) from None
        arn = f"acs:ram::{self.account_id}:role/{name.lower()}"
        with self._lock:
            if name.lower() in self._roles:
                raise RamError("EntityAlreadyExists.Role", f"The role already exists: {name}", 409)
            self._roles[name.lower()] = _Role(
                name, self._new_id("role", name.lower()), arn, trust,
                int(max_session_duration),
            )
        return arn

    def _new_id(self, kind: str, name: str) -> str:
        """The id of a new user or role: another one each time the name is created again
        (tokens of a deleted role never fit its successor), the same after ``reset``."""
        key = f"{kind}/{name}"
        generation = self._generations.get(key, 0)
        self._generations[key] = generation + 1
        return _numeric_id(self.account_id, kind, name, str(generation))

    def delete_role(self, name: str) -> None:
        """Delete a role; its outstanding STS tokens stop working."""
        with self._lock:
            self._role(name)
            del self._roles[name.lower()]

    def attach_policy(self, policy: str, *, user: Optional[str] = None, role: Optional[str] = None) -> None:
        """Attach a system or custom policy to a user or a role."""
        with self._lock:
            self._policy(policy)
            holder = self._holder(user, role)
            if policy not in holder:
                holder.append(policy)

    def detach_policy(self, policy: str, *, user: Optional[str] = None, role: Optional[str] = None) -> None:
        with self._lock:
            holder = self._holder(user, role)
            if policy not in holder:
                raise RamError("EntityNotExist.Attachment", f"The policy is not attached: {policy}", 404)
            holder.remove(policy)

    def _holder(self, user: Optional[str], role: Optional[str]) -> list[str]:
        if (user is None) == (role is None):
            raise RamError("InvalidParameter", "Give exactly one of user and role.")
        return self._user(user).policies if user is not None else self._role(role or "").policies

    def _user(self, name: str) -> _User:
        return _existing(self._users, name, "User", f"The user does not exist: {name}")

    def _role(self, name: str) -> _Role:
        return _existing(self._roles, name.lower(), "Role", f"The role does not exist: {name}")

    def _policy(self, name: str) -> Policy:
        return _existing(self._policies, name, "Policy", f"The policy does not exist: {name}")

    def _key(self, access_key_id: str) -> _AccessKey:
        return _existing(self._keys, access_key_id, "AccessKey", "The access key does not exist.")

    # ---- whole-state views ---------------------------------------------------------------

    def load_config(self, config: Mapping[str, Any]) -> None:
        """Add the policies, users and roles declared in a config mapping, all or nothing
        (format: docs/credentials.md "Emulated RAM configuration")."""
        unknown = set(config) - {"policies", "users", "roles"}
        if unknown:
            raise RamError("InvalidParameter", f"Unknown RAM config sections: {sorted(unknown)}")
        with self._lock:
            saved = copy.deepcopy((self._policies, self._users, self._keys, self._roles))
            try:
                self._apply(config)
            except BaseException:
                self._policies, self._users, self._keys, self._roles = saved
                raise

    def _apply(self, config: Mapping[str, Any]) -> None:
        for item in config.get("policies", []):
            self.create_policy(item["name"], item["document"])
        for item in config.get("users", []):
            self.create_user(item["name"])
            for key in item.get("access_keys", []):
                self.create_access_key(item["name"], key["id"], key["secret"])
            for policy in item.get("policies", []):
                self.attach_policy(policy, user=item["name"])
        for item in config.get("roles", []):
            self.create_role(
                item["name"], item.get("trust_policy"),
                item.get("max_session_duration", DEFAULT_MAX_SESSION),
            )
            for policy in item.get("policies", []):
                self.attach_policy(policy, role=item["name"])

    def describe(self) -> dict[str, Any]:
        """The account's RAM state without any secret (for the admin endpoint and CLI)."""
        with self._lock:
            return {
                "account_id": self.account_id,
                "policies": [
                    {"name": n, "type": "System" if n in SYSTEM_POLICIES else "Custom",
                     "document": p.document}
                    for n, p in sorted(self._policies.items())
                ],
                "users": [
                    {"name": u.name, "arn": self._user_arn(u.name), "user_id": u.user_id,
                     "policies": list(u.policies),
                     "access_keys": [{"id": k.access_key_id, "active": k.active}
                                     for k in self._keys.values() if k.user == u.name]}
                    for u in self._users.values()
                ],
                "roles": [
                    {"name": r.name, "arn": r.arn, "role_id": r.role_id,
                     "max_session_duration": r.max_session_duration,
                     "trust_policy": r.trust_policy.document, "policies": list(r.policies)}
                    for r in self._roles.values()
                ],
                "sessions": len(self._sessions),
                "sessions_issued": self.sessions_issued,
            }


def _no_token_for_long_term_key(security_token: Optional[str]) -> None:
    if security_token:
        raise AuthenticationError(
            "a security token was sent with a long-term access key",
            "InvalidSecurityToken.MismatchWithAccessKey",
        )


def _existing(table: Mapping[str, _V], key: str, entity: str, message: str) -> _V:
    """``table[key]``, or the 404 RamError ``EntityNotExist.<entity>``."""
    try:
        return table[key]
    except KeyError:
        raise RamError(f"EntityNotExist.{entity}", message, 404) from None


def _check_name(name: Any, what: str) -> None:
    if not isinstance(name, str) or not _NAMES[what].fullmatch(name):
        raise RamError(f"InvalidParameter.{what}", f"The parameter {what} is wrongly formed.")
