"""The API's pagination: `?limit=&offset=`, with a ceiling.

Without `max_limit` DRF passes any limit to the database: `limit=100000000000000000000`
overflowed the bigint of SQL's LIMIT (a 500). Above the ceiling a limit is cut to it;
a negative, zero or garbage one gets the default page size (DRF's behaviour).
"""

from rest_framework.pagination import LimitOffsetPagination


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500
