"""Emulated STS: AssumeRole and GetCallerIdentity on their own listener (see app.py)."""
