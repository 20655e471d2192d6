"""The layers around every request, each a small pure-ASGI class given what it needs when the app is assembled
(``app.build_app``), outermost first:

``AccessLog`` (when ``ZCRM_ACCESS_LOG`` is on) -> ``BodyLimit`` (413 past ``ZCRM_MAX_BODY_BYTES``) -> ``ErrorGuard`` (any error around a handler answered in JSON)
-> ``Classify`` (the route table classifies the request once: ``http/call.py``) -> ``ApiLimits`` (when
``ZCRM_API_LIMITS`` is on) -> ``RequestLogging`` (when ``ZCRM_REQUEST_LOG_SIZE`` > 0) -> ``Faults`` -> the
dispatch endpoint (``http/routes.py``). Layers reach each other only through the request's ``Call`` in the scope
and the authentication hooks of ``http/authed.py``."""

from zcrm.http.middleware.access_log import AccessLog
from zcrm.http.middleware.api_limits import ApiLimits
from zcrm.http.middleware.body_limit import BodyLimit
from zcrm.http.middleware.classify import Classify
from zcrm.http.middleware.faults import Faults
from zcrm.http.middleware.guard import ErrorGuard
from zcrm.http.middleware.request_log import RequestLogging

__all__ = ["AccessLog", "ApiLimits", "BodyLimit", "Classify", "ErrorGuard", "Faults", "RequestLogging"]
