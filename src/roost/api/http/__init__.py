"""The HTTP plumbing every resource shares: middleware (request ids, the request's tenant
and its rate, body limits), the request rate limits (``rate_limit.py``: per token or
address, stricter on logins; buckets in Redis when configured), the router (dispatch by the path's first segment), ``Req``
(token lookup from cookie, header or query, CSRF for cookie auth, the ``Actor``),
``endpoint`` (an ``AppError`` becomes Mattermost's error JSON; a database out of reach
becomes 503), JSON responses and the streaming multipart parser for uploads.
"""
