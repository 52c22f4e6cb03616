"""System policies of the real service, verbatim (Alibaba Cloud RAM documentation)."""
from __future__ import annotations

__all__ = ["SYSTEM_POLICIES"]

SYSTEM_POLICIES: dict[str, str] = {
    "AliyunOTSFullAccess": (
        '{"Version":"1","Statement":[{"Action":"ots:*","Resource":"*","Effect":"Allow"}]}'
    ),
    "AliyunOTSReadOnlyAccess": (
        '{"Version":"1","Statement":[{"Action":["ots:BatchGet*","ots:Describe*","ots:Get*",'
        '"ots:List*","ots:Consume*","ots:Search","ots:ComputeSplits","ots:ParallelScan",'
        '"ots:ComputeSplitPointsBySize","ots:BulkExport","ots:SQL*","ots:Query*","ots:Scan*",'
        '"ots:SplitTimeseriesScanTask"],"Resource":"*","Effect":"Allow"}]}'
    ),
    "AliyunOTSWriteOnlyAccess": (
        '{"Version":"1","Statement":[{"Action":["ots:Create*","ots:Update*","ots:BatchWrite*",'
        '"ots:Delete*","ots:Drop*","ots:Put*","ots:Update*","ots:Start*","ots:Commit*",'
        '"ots:Abort*","ots:Add*","ots:BulkImport"],"Resource":"*","Effect":"Allow"}]}'
    ),
    "AliyunSTSAssumeRoleAccess": (
        '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"*"}],"Version":"1"}'
    ),
    "AliyunOSSReadOnlyAccess": (
        '{"Statement":[{"Action":["oss:Get*","oss:List*"],"Effect":"Allow","Resource":"*"}],'
        '"Version":"1"}'
    ),
    "AliyunOSSFullAccess": (
        '{"Statement":[{"Action":"oss:*","Effect":"Allow","Resource":"*"}],"Version":"1"}'
    ),
}
