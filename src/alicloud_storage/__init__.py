"""alicloud-storage: a Python SDK for Alibaba Cloud Tablestore with one credentials
layer, and a local emulator of Tablestore, STS and RAM for development and tests."""

__all__ = ["__version__"]

__version__ = "0.1.0"
