"""Tests of access management: the /__zcrm/ admin endpoints and the CLI."""
