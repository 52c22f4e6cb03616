"""Subcommands of the `alicloud-storage` CLI, one module each."""
