"""Every ```python block of docs/seeds/*.md runs against a served emulator, in the
environment the pages describe, and prints what the page says it prints."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from cli_helpers import Served, run

DOCS = Path(__file__).resolve().parents[2] / "docs" / "seeds"
BLOCK = re.compile(r"^( *)```python\n(.*?)^ *```\n(.*?)(?=^ *```|\Z)", re.S | re.M)


def samples() -> List[Tuple[str, str, List[str]]]:
    """(id, code, texts the page says the code prints) of every runnable block."""
    found = []
    for page in sorted(DOCS.glob("*.md")):
        for number, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")), 1):
            indent, code, after = match.groups()
            code = textwrap.dedent(code) if indent else code
            claim = re.search(r"prints (.*?)[.;]\s", after, re.S)
            printed = re.findall(r"`([^`]+)`", claim.group(1)) if claim else []
            found.append((f"{page.stem}-{number}", code, printed))
    return found


@pytest.fixture(scope="module")
def docs_env(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """Root key pair in the TABLESTORE_* and OTS_* variables; a RAM user allowed to assume a
    full-access role in ALIBABA_CLOUD_*, the role's ARN and the STS endpoint (page 03)."""
    env = served.environ(tmp_path_factory.mktemp("docs"))
    info = served.info

    def ram(*args: str) -> Dict[str, str]:
        result = run(["ram", "--endpoint", info["tablestore_endpoint"], *args], env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    arn = ram("create-role", "DocsRamTablestore")["arn"]
    ram("attach-policy", "AliyunOTSFullAccess", "--role", "DocsRamTablestore")
    key = ram("create-user", "docs-user", "--with-access-key")
    ram("attach-policy", "AliyunSTSAssumeRoleAccess", "--user", "docs-user")
    env.update(OTS_AK_ENV=info["access_key_id"], OTS_SK_ENV=info["access_key_secret"],
               TABLESTORE_REGION=info["region"], TABLESTORE_STS_ROLE_ARN=arn,
               ALIBABA_CLOUD_STS_ENDPOINT=info["sts_endpoint"],
               ALIBABA_CLOUD_ACCESS_KEY_ID=key["id"], ALIBABA_CLOUD_ACCESS_KEY_SECRET=key["secret"])
    return env


def test_every_page_has_a_runnable_sample() -> None:
    pages = {sample_id.rsplit("-", 1)[0] for sample_id, _, _ in samples()}
    assert pages == {p.stem for p in DOCS.glob("0*.md")}


@pytest.mark.parametrize("code, printed", [pytest.param(c, p, id=i) for i, c, p in samples()])
def test_sample_runs(code: str, printed: List[str], docs_env: Dict[str, str], tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", code], env=docs_env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for text in printed:
        assert text in result.stdout, (text, result.stdout)
