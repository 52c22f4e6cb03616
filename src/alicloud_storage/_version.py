"""The distribution's version, written once (pyproject.toml reads it; the transports send
it in the User-Agent). A module of its own that imports nothing, so any layer may import
it without importing the package root, which wires the layers together."""

__all__ = ["__version__"]

__version__ = "0.1.0"
