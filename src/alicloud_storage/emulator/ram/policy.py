"""RAM policy documents: grammar check and the one decision function.

Evaluation order (as the real service): a matching explicit Deny wins, else a matching
Allow allows, else the request is implicitly denied. Actions match case-insensitively,
resources case-sensitively; ``*`` matches any run of characters, ``?`` exactly one.
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Union

from alicloud_storage.emulator.jsonbody import JsonError, loads
from alicloud_storage.emulator.ram.conditions import OPERATORS, condition_met, known_key
from alicloud_storage.emulator.ram.wildcard import wildcard_match

__all__ = [
    "Condition", "Decision", "MAX_DOCUMENT", "Policy", "PolicyError", "Statement", "account_trust_policy", "decide",
    "parse_policy", "trusts",
]


class PolicyError(ValueError):
    """The document does not pass the grammar check."""


class Decision(enum.Enum):
    """Outcome of evaluating policies for one request."""

    DENY = "ExplicitDeny"
    ALLOW = "Allow"
    NEUTRAL = "ImplicitDeny"


Condition = tuple[str, str, tuple[str, ...]]  # operator, key, values


MAX_DOCUMENT = 6144  # characters of a policy document (the service's limit)
_DOCUMENT = frozenset({"Version", "Statement"})
_STATEMENT = frozenset({"Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal"})
_PRINCIPAL = frozenset({"RAM", "Service", "Federated"})


@dataclass(frozen=True)
class Statement:
    """One statement; ``not_action`` / ``not_resource`` invert the action / resource match."""

    effect: str
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[Condition, ...]
    principals: tuple[str, ...]  # RAM principal ARNs (trust policies only)


@dataclass(frozen=True)
class Policy:
    """A parsed policy document; ``document`` is the canonical JSON text."""

    statements: tuple[Statement, ...]
    document: str


def _strings(value: Any, what: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, (str, int, float, bool)) for v in items):
        raise PolicyError(f"{what} must be a string or a non-empty list of strings")
    return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in items)


def _conditions(block: Any) -> tuple[Condition, ...]:
    if not isinstance(block, dict):
        raise PolicyError("Condition must be an object")
    out = []
    for operator, keys in block.items():
        if operator not in OPERATORS:
            raise PolicyError(f"unknown condition operator {operator!r}")
        if not isinstance(keys, dict) or not keys:
            raise PolicyError(f"condition {operator} must map keys to values")
        for key, values in keys.items():
            if not known_key(str(key)):
                raise PolicyError(f"unknown condition key {key!r}")
            out.append((operator, str(key), _strings(values, f"values of {key}")))
    return tuple(out)


def _principals(block: Any) -> tuple[str, ...]:
    if not isinstance(block, dict) or not block:
        raise PolicyError("Principal must be a non-empty object")
    unknown = set(block) - _PRINCIPAL
    if unknown:
        raise PolicyError(f"unknown Principal element {sorted(unknown)[0]!r}")
    for kind in ("Service", "Federated"):
        if kind in block:
            _strings(block[kind], f"Principal.{kind}")  # checked; no RAM caller is one of them
    ram = block.get("RAM")
    return () if ram is None else _strings(ram, "Principal.RAM")


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError("each Statement must be an object")
    unknown = set(raw) - _STATEMENT
    if unknown:
        raise PolicyError(f"unknown Statement element {sorted(unknown)[0]!r}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError("Effect must be Allow or Deny")
    if ("Action" in raw) == ("NotAction" in raw):
        raise PolicyError("a Statement needs exactly one of Action and NotAction")
    not_action = "NotAction" in raw
    actions = _strings(raw["NotAction" if not_action else "Action"], "Action")
    for action in actions:
        if action != "*" and ":" not in action:
            raise PolicyError(f"Action {action!r} is not <service>:<api>")
    principals = _principals(raw["Principal"]) if "Principal" in raw else ()
    if "Resource" in raw and "NotResource" in raw:
        raise PolicyError("a Statement takes at most one of Resource and NotResource")
    not_resource = "NotResource" in raw
    if "Resource" in raw or not_resource:
        resources = _strings(raw["NotResource" if not_resource else "Resource"], "Resource")
    elif "Principal" in raw:
        resources = ("*",)
    else:
        raise PolicyError("a Statement needs a Resource or a NotResource")
    conditions = _conditions(raw["Condition"]) if "Condition" in raw else ()
    return Statement(effect, actions, not_action, resources, not_resource, conditions, principals)


def parse_policy(document: Union[str, bytes, Mapping[str, Any]]) -> Policy:
    """Parse and grammar-check a policy document (JSON text or an already-parsed dict)."""
    if isinstance(document, (str, bytes)):
        if len(document) > MAX_DOCUMENT:
            raise PolicyError(f"the policy is longer than {MAX_DOCUMENT} characters")
        try:
            raw = loads(document, max_depth=6)
        except JsonError as exc:
            raise PolicyError(f"the policy is not acceptable JSON: {exc}") from None
    else:
        raw = dict(document)
    if not isinstance(raw, dict):
        raise PolicyError("the policy must be a JSON object")
    unknown = set(raw) - _DOCUMENT
    if unknown:
        raise PolicyError(f"unknown policy element {sorted(unknown)[0]!r}")
    if str(raw.get("Version", "")) != "1":
        raise PolicyError('Version must be "1"')
    statements = raw.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise PolicyError("Statement must be a non-empty list")
    parsed = tuple(_statement(s) for s in statements)
    return Policy(parsed, json.dumps(raw, sort_keys=True, separators=(",", ":")))


def _applies(stmt: Statement, action: str, resource: str, context: Mapping[str, str]) -> bool:
    action_hit = any(wildcard_match(p, action, ignore_case=True) for p in stmt.actions)
    if action_hit == stmt.not_action:
        return False
    if any(wildcard_match(p, resource) for p in stmt.resources) == stmt.not_resource:
        return False
    return all(condition_met(op, key, values, context) for op, key, values in stmt.conditions)


def decide(
    policies: Iterable[Policy], action: str, resource: str, context: Mapping[str, str]
) -> Decision:
    """Explicit Deny > Allow > implicit deny over all statements of ``policies``."""
    allowed = False
    for policy in policies:
        for stmt in policy.statements:
            if _applies(stmt, action, resource, context):
                if stmt.effect == "Deny":
                    return Decision.DENY
                allowed = True
    return Decision.ALLOW if allowed else Decision.NEUTRAL


def trusts(
    trust_policy: Policy, role_arn: str, caller_arns: Iterable[str], context: Mapping[str, str]
) -> bool:
    """Whether a role's trust policy lets a caller (known by these ARNs) assume it: each
    statement's action (or NotAction), resource (or NotResource, against the role's ARN),
    principal and conditions must all apply."""
    arns = tuple(caller_arns)
    allowed = False
    for stmt in trust_policy.statements:
        if not any(wildcard_match(p, arn) for p in stmt.principals for arn in arns):
            continue
        if not _applies(stmt, "sts:AssumeRole", role_arn, context):
            continue
        if stmt.effect == "Deny":
            return False
        allowed = True
    return allowed


def account_trust_policy(account_id: str) -> Policy:
    """The trust policy of a role whose trusted entity is the current account."""
    return parse_policy(
        {
            "Version": "1",
            "Statement": [
                {
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"RAM": [f"acs:ram::{account_id}:root"]},
                }
            ],
        }
    )

