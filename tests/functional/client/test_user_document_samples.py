"""Every Python sample of the user documents (/work/shared/seeds) that initialises the
wide-table client runs against the emulator with only the import line changed.

The samples are kept verbatim; the only edits are the ones the documents ask the
reader to make: the import, and the placeholder endpoint / instance / key values
replaced by the emulator's.
"""
from __future__ import annotations

import pytest

from alicloud_storage.tablestore import CapacityUnit, OTSClient, OTSClientError, ReservedThroughput, TableMeta, TableOptions

OFFICIAL_IMPORT = "from tablestore import"
OUR_IMPORT = "from alicloud_storage.tablestore import"

# "Initialize an OTSClient instance" (English and Chinese pages), with the imports the
# Chinese page lists under "引入tablestore包".
INIT_SAMPLE = """
# 引入Tablestore包。
from tablestore import *
# 通过环境变量获取AccessKey时需要引入。
import os
# 通过指定TLS版本访问时需要引入。
import ssl

access_key_id = os.getenv("OTS_AK_ENV")
access_key_secret = os.getenv("OTS_SK_ENV")

#########    设置日志文件名称和重试策略     #########
# 日志文件名称为table_store.log,重试策略是WriteRetryPolicy,会对写重试。
ots_client = OTSClient('endpoint', access_key_id, access_key_secret, 'instance_name', logger_name = 'table_store.log',  retry_policy = WriteRetryPolicy())
clients.append(ots_client)

#########    设置HTTPS连接所使用的TLS版本为TLSv1.2     #########
# 注意:只有当endpoint使用HTTPS形式时,TLS版本配置才会生效。
ots_client = OTSClient('endpoint', access_key_id, access_key_secret, 'instance_name', ssl_version=ssl.PROTOCOL_TLSv1_2)
clients.append(ots_client)

#########    使用STS     #########
ots_client = OTSClient('endpoint', 'STS.K8h*******GB77', 'CkuDj******Wn6', 'instance_name', sts_token = 'CAISjgJ1q6Ft5B2y********OFcsLLuw==')
clients.append(ots_client)
"""

# "Configure access credentials": environment variables (long-term and STS), then a config.ini.
ENV_SAMPLE = """
# -*- coding: utf-8 -*-
import os
access_key_id = os.getenv("TABLESTORE_ACCESS_KEY_ID")
access_key_secret = os.getenv("TABLESTORE_ACCESS_KEY_SECRET")
sts_token = os.getenv("TABLESTORE_SESSION_TOKEN")
"""

CONFIG_INI = """[configName]
TABLESTORE_ACCESS_KEY_ID = your_sts_access_key_id
TABLESTORE_ACCESS_KEY_SECRET = your_sts_access_key_secret
TABLESTORE_SESSION_TOKEN = your_sts_token
"""

CONFIG_SAMPLE = """
# -*- coding: utf-8 -*-
import configparser
# Read configuration files
config = configparser.ConfigParser()
# Assume config.ini is in the same directory as the script
config.read('config.ini')
# Obtain the Access Key ID and Access Key Secret from the configuration file
access_key_id = config.get('configName', 'TABLESTORE_ACCESS_KEY_ID')
access_key_secret = config.get('configName', 'TABLESTORE_ACCESS_KEY_SECRET')
security_token = config.get('configName', 'TABLESTORE_SESSION_TOKEN')
"""

# "Use STS temporary credentials to access Tablestore", wide table model, Python.
STS_LIST_TABLE_SAMPLE = """
# -*- coding: utf-8 -*-
import os
from tablestore import OTSClient
# Replace yourInstanceName with your instance name
instance_name = "yourInstanceName"
# Replace yourEndpoint with your instance endpoint
endpoint = "yourEndpoint"
# Get STS credentials from environment variables
access_key_id = os.getenv("TABLESTORE_ACCESS_KEY_ID")
access_key_secret = os.getenv("TABLESTORE_ACCESS_KEY_SECRET")
sts_token = os.getenv("TABLESTORE_SESSION_TOKEN")
# Initialize Tablestore client
client = OTSClient(endpoint, access_key_id, access_key_secret, instance_name, sts_token=sts_token)
# List and print table names
resp = client.list_table()
for table_name in resp:
    print(table_name)
"""


def run(sample: str, replacements: dict, namespace: dict = None) -> dict:
    """Run ``sample`` with only the import changed and the reader's values filled in."""
    code = sample.replace(OFFICIAL_IMPORT, OUR_IMPORT)
    for placeholder, value in replacements.items():
        code = code.replace(placeholder, value)
    scope = dict(namespace or {})
    exec(compile(code, "<user-document sample>", "exec"), scope)
    return scope


@pytest.fixture
def table(emu):
    client = OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)
    client.create_table(TableMeta("sample_table", [("id", "INTEGER")]), TableOptions(),
                        ReservedThroughput(CapacityUnit(0, 0)))
    return "sample_table"


def test_initialisation_samples(emu, table, sts_credentials, monkeypatch):
    monkeypatch.setenv("OTS_AK_ENV", emu.access_key_id)
    monkeypatch.setenv("OTS_SK_ENV", emu.access_key_secret)
    scope = run(INIT_SAMPLE, {
        "'endpoint'": repr(emu.tablestore_endpoint),
        "'instance_name'": repr(emu.instance),
        "'STS.K8h*******GB77'": repr(sts_credentials.access_key_id),
        "'CkuDj******Wn6'": repr(sts_credentials.access_key_secret),
        "'CAISjgJ1q6Ft5B2y********OFcsLLuw=='": repr(sts_credentials.security_token),
    }, {"clients": []})
    clients = scope["clients"]
    assert len(clients) == 3
    for client in clients:
        assert client.list_table() == (table,)
    assert clients[0].logger.name == "table_store.log"
    assert type(clients[0].retry_policy).__name__ == "WriteRetryPolicy"


@pytest.mark.parametrize("temporary", [False, True], ids=["long-term", "sts"])
def test_environment_variable_credentials(emu, table, sts_credentials, monkeypatch, temporary):
    credentials = sts_credentials if temporary else None
    monkeypatch.setenv("TABLESTORE_ACCESS_KEY_ID", credentials.access_key_id if temporary else emu.access_key_id)
    monkeypatch.setenv("TABLESTORE_ACCESS_KEY_SECRET",
                       credentials.access_key_secret if temporary else emu.access_key_secret)
    if temporary:
        monkeypatch.setenv("TABLESTORE_SESSION_TOKEN", credentials.security_token)
    else:
        monkeypatch.delenv("TABLESTORE_SESSION_TOKEN", raising=False)
    scope = run(ENV_SAMPLE, {})
    client = OTSClient(emu.tablestore_endpoint, scope["access_key_id"], scope["access_key_secret"], emu.instance,
                       sts_token=scope["sts_token"])
    assert client.list_table() == (table,)


def test_config_file_credentials(emu, table, sts_credentials, tmp_path, monkeypatch):
    (tmp_path / "config.ini").write_text(
        CONFIG_INI.replace("your_sts_access_key_id", sts_credentials.access_key_id)
        .replace("your_sts_access_key_secret", sts_credentials.access_key_secret)
        .replace("your_sts_token", sts_credentials.security_token)
    )
    monkeypatch.chdir(tmp_path)
    scope = run(CONFIG_SAMPLE, {})
    client = OTSClient(emu.tablestore_endpoint, scope["access_key_id"], scope["access_key_secret"], emu.instance,
                       sts_token=scope["security_token"])
    assert client.list_table() == (table,)


def test_sts_list_table_sample(emu, table, sts_credentials, monkeypatch, capsys):
    monkeypatch.setenv("TABLESTORE_ACCESS_KEY_ID", sts_credentials.access_key_id)
    monkeypatch.setenv("TABLESTORE_ACCESS_KEY_SECRET", sts_credentials.access_key_secret)
    monkeypatch.setenv("TABLESTORE_SESSION_TOKEN", sts_credentials.security_token)
    run(STS_LIST_TABLE_SAMPLE, {'"yourInstanceName"': repr(emu.instance), '"yourEndpoint"': repr(emu.tablestore_endpoint)})
    assert capsys.readouterr().out == f"{table}\n"


def test_the_documented_interface_without_credentials_fails_clearly(emu):
    """The documents' OTSClient(endpoint, None, None, ...) (unset variables) is caught at construction."""
    with pytest.raises(OTSClientError, match="access_key_id must be a non-empty str"):
        OTSClient(emu.tablestore_endpoint, None, None, emu.instance)
