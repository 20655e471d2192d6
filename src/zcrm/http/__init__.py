"""Thin HTTP adapters: parse the request, call the engine, render Zoho's envelope."""
