"""Search Records' criteria (``GET /crm/v5/{module}/search``, zoho-v5-queries.md §2): parsed with a real grammar
(``criteria.py``, lark) into a tree of conditions, then checked against the module's fields (``checks.py``) into
typed conditions a store can compile to SQL with bound parameters. Pure: no database, no HTTP."""
