"""COQL: the ``select_query`` of ``POST /crm/v5/coql`` parsed and checked against an orgs schema (zoho-v5-queries.md §3)."""
