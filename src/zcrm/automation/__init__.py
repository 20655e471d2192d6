"""Automation: workflow rules and what runs after a record write."""
