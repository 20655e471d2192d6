"""One exception class per Zoho error code.

An error carries its Zoho ``code``, the HTTP status it answers with when it stands alone (request level),
its exact ``message`` and its ``details``. Raising one of these is the only way to produce that error;
``http/envelope.py`` renders it. Per-record errors are the same objects, collected instead of raised.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ZohoError(Exception):
    code: ClassVar[str] = ""
    status: ClassVar[int] = 400
    default_message: ClassVar[str] = ""

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.details: dict[str, Any] = details if details is not None else {}
        super().__init__(f"{self.code}: {self.message} {self.details}")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "details": self.details, "message": self.message, "status": "error"}


# messages used by several codes
MSG_INVALID_DATA = "invalid data"
MSG_INVALID_ID = "the id given seems to be invalid"
MSG_INVALID_FIELD = "the field api name given seems to be invalid"
MSG_REQUIRED = "required field not found"
MSG_BAD_FORMAT = "either the request body or parameters is in wrong format"
# zoho-v5-related.md §1.3, §11
MSG_RELATED_ID = "the related id given seems to be invalid"
MSG_RELATION_NAME = "The relation name given seems to be invalid"


class AuthenticationFailure(ZohoError):
    code = "AUTHENTICATION_FAILURE"
    status = 401
    default_message = "Authentication failed"


class InvalidToken(ZohoError):
    code = "INVALID_TOKEN"
    status = 401
    default_message = "invalid oauth token"


class OAuthScopeMismatch(ZohoError):
    code = "OAUTH_SCOPE_MISMATCH"
    status = 401
    default_message = "invalid oauth scope to access this URL"


class TooManyRequests(ZohoError):
    code = "TOO_MANY_REQUESTS"
    status = 429
    default_message = "You have exceeded the number of concurrent API calls allowed"


class InvalidUrlPattern(ZohoError):
    code = "INVALID_URL_PATTERN"
    status = 404
    default_message = "Please check if the URL trying to access is a correct one"


class InvalidRequestMethod(ZohoError):
    code = "INVALID_REQUEST_METHOD"
    status = 400
    default_message = "The http request method type is not a valid one"


class InvalidModule(ZohoError):
    code = "INVALID_MODULE"
    status = 400
    default_message = "the module name given seems to be invalid"
    NOT_SUPPORTED = "The given module is not supported in API"


class NoPermission(ZohoError):
    code = "NO_PERMISSION"
    status = 403
    default_message = "Permission denied to update"


class RequiredParamMissing(ZohoError):
    code = "REQUIRED_PARAM_MISSING"
    status = 400
    default_message = "One of the expected parameter is missing"


class LimitExceeded(ZohoError):
    code = "LIMIT_EXCEEDED"
    status = 400
    default_message = "limit exceeded"
    TOO_MANY_RECORDS = "count of records in your request exceeds the limit"
    PARTICIPANTS = "Only 50 participants can be added to an event."


class BodyTooLarge(LimitExceeded):
    """A request body larger than ``ZCRM_MAX_BODY_BYTES`` (``http/middleware/body_limit.py``): Zoho's ``LIMIT_EXCEEDED``
    with ``{"limit": <bytes>}`` and HTTP's 413 (docs/configuration.md)."""

    status = 413
    default_message = "size of the request body exceeds the limit"


class InvalidData(ZohoError):
    code = "INVALID_DATA"
    status = 400
    default_message = MSG_INVALID_DATA


class MandatoryNotFound(ZohoError):
    code = "MANDATORY_NOT_FOUND"
    status = 400
    default_message = MSG_REQUIRED


class UnableToParseDataType(ZohoError):
    code = "UNABLE_TO_PARSE_DATA_TYPE"
    status = 400
    default_message = MSG_BAD_FORMAT


class DiscretePaginationLimitExceeded(ZohoError):
    code = "DISCRETE_PAGINATION_LIMIT_EXCEEDED"
    status = 400
    default_message = "You can only get the first 2000 records without using page_token param"


class PaginationLimitExceeded(ZohoError):
    code = "PAGINATION_LIMIT_EXCEEDED"
    status = 400
    default_message = "You can only get upto 100000 records using page_token param"


class TokenBoundDataMismatch(ZohoError):
    code = "TOKEN_BOUND_DATA_MISMATCH"
    status = 400
    default_message = "page_token does not match the user or parameters of this request"


class ExpiredValue(ZohoError):
    code = "EXPIRED_VALUE"
    status = 400
    default_message = "Page token expired"


class AmbiguityDuringProcessing(ZohoError):
    code = "AMBIGUITY_DURING_PROCESSING"
    status = 400
    default_message = "ambiguity during processing the request"


class PatternNotMatched(ZohoError):
    code = "PATTERN_NOT_MATCHED"
    default_message = "Please check whether the input values are correct"


class InternalError(ZohoError):
    code = "INTERNAL_ERROR"
    status = 500
    default_message = "Internal Server Error"


class DuplicateData(ZohoError):
    code = "DUPLICATE_DATA"
    status = 400
    default_message = "duplicate data"


class MultipleOrMultiErrors(ZohoError):
    code = "MULTIPLE_OR_MULTI_ERRORS"
    status = 400
    default_message = "Multiple errors in the request"


class DuplicateLinkingData(ZohoError):
    code = "DUPLICATE_LINKING_DATA"
    status = 400
    default_message = "duplicate association"


class AuthorizationFailed(ZohoError):
    code = "AUTHORIZATION_FAILED"
    status = 400
    default_message = "User does not have sufficient privilege to update records"


class NotApproved(ZohoError):
    code = "NOT_APPROVED"
    status = 400
    default_message = "Cannot update record that is not approved yet"


class RecordLocked(ZohoError):
    code = "RECORD_LOCKED"
    status = 400
    default_message = "Cannot update record that is not approved yet"


class NotReviewed(ZohoError):
    code = "NOT_REVIEWED"
    status = 400
    default_message = "record in review"


class AlreadyModified(ZohoError):
    code = "ALREADY_MODIFIED"
    status = 412
    default_message = "record updated time has already passed if-unmodified-since time"


class ConvertedRecord(ZohoError):
    """An update of a converted lead (zoho-v5-related.md §8.2 step 6)."""

    code = "CONVERTED_RECORD"
    status = 400
    default_message = "can't update the converted record"


class IdAlreadyConverted(ZohoError):
    """Converting a lead twice (zoho-v5-related.md §8.5)."""

    code = "ID_ALREADY_CONVERTED"
    status = 400
    default_message = "id already converted"


class DependentMismatch(ZohoError):
    code = "DEPENDENT_MISMATCH"
    status = 400
    default_message = "Call Duration can not be zero."


def invalid_id(details: dict[str, Any]) -> InvalidData:
    return InvalidData(MSG_INVALID_ID, details)


def invalid_body() -> InvalidData:
    return InvalidData("body", {})


class NotSubscribed(ZohoError):
    code = "NOT_SUBSCRIBED"
    status = 400
    default_message = "the channel is not subscribed for actions-watch"


class AlreadyUsed(ZohoError):
    code = "ALREADY_USED"
    status = 400
    default_message = "the channel_id is already subscribed for actions-watch"


class ServiceUnavailable(ZohoError):
    """Answered only by fault rules (docs/control-plane.md): zcrm's envelope for a 503."""

    code = "SERVICE_UNAVAILABLE"
    status = 503
    default_message = "The service is temporarily unavailable"


MSG_INVALID_QUERY = "invalid query formed"


class InvalidQuery(ZohoError):
    code = "INVALID_QUERY"
    default_message = MSG_INVALID_QUERY


class CriteriaLimitExceeded(ZohoError):
    code = "CRITERIA_LIMIT_EXCEEDED"
    default_message = "no of criterium that can be given exceed the limit 10"


class NotSupported(ZohoError):
    code = "NOT_SUPPORTED"
    default_message = "module not supported for search"


class ExpectedParamMissing(ZohoError):
    code = "EXPECTED_PARAM_MISSING"
    default_message = "mandatory param missing"


class CoqlSyntaxError(ZohoError):
    """A COQL query that does not parse (zoho-v5-queries.md §3.8)."""

    code = "SYNTAX_ERROR"
    default_message = "error occured while parsing the query"
    NOT_SUPPORTED = "given coql query not supported"
    MISSING_CLAUSE = "missing clause"


class InvalidAlias(ZohoError):
    code = "INVALID_ALIAS"
    default_message = "alias name cannot be an empty string"


class DuplicateAlias(ZohoError):
    code = "DUPLICATE_ALIAS"
    default_message = "same alias cannot refer more than one column"


class SearchLimitReached(ZohoError):
    """Search Records reaches only the first 2,000 matching records (zoho-v5-queries.md §2.2)."""

    code = "LIMIT_REACHED"
    default_message = "maximum response iteration limit reached"


class FileSizeMoreThanAllowed(ZohoError):
    """An uploaded file over its route's limit (zoho-v5-related.md §1.4): 415, refused before the rest is read."""

    code = "FILE_SIZE_MORE_THAN_ALLOWED_SIZE"
    status = 415
    default_message = "please check if the file size is in the correct range"


class DownloadNotAllowed(ZohoError):
    """A link attachment has no bytes to download (zoho-v5-related.md §5.4)."""

    code = "DOWNLOAD_NOT_ALLOWED"
    default_message = "As it is a linked attachment, you can not download it"
