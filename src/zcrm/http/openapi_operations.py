"""What each operation of the route table takes and answers, for the OpenAPI document (``http/openapi.py``): its
query parameters and request headers, its request body, and its answers by status, with their content type and
body schema. ``OPERATIONS`` is keyed by (method, template); a test checks that it covers ``ROUTES`` exactly.

The descriptions live in ``http/openapi_zoho.py`` (the Zoho API and OAuth) and ``http/openapi_control.py`` (the
``/__zcrm/`` control plane), built from ``http/openapi_shapes.py``; this module joins them.
"""

from __future__ import annotations

from zcrm.http.openapi_control import CONTROL_OPERATIONS
from zcrm.http.openapi_related import RELATED_OPERATIONS
from zcrm.http.openapi_shapes import Described
from zcrm.http.openapi_zoho import ZOHO_OPERATIONS

OPERATIONS: dict[tuple[str, str], Described] = {**ZOHO_OPERATIONS, **RELATED_OPERATIONS, **CONTROL_OPERATIONS}
