"""The emulated OSS: handlers -> engine (buckets, objects, multipart, listings) ->
metadata (SQLite) + blob store (files under the data directory, or memory)."""
