"""The record engine: validation and per-record results, free of HTTP and SQL."""
