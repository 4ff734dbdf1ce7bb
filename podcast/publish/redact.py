"""Secrets out of every message: credentials in URLs, signed query strings, key values.

Error texts from boto and urllib3 quote the endpoint URL and sometimes the request
URL; an endpoint given as ``https://key:secret@host`` or a presigned URL would put
credentials on the terminal and in CI logs.  :func:`redact` removes them.
"""

from __future__ import annotations

import os
import re

HIDDEN = "***"
#: ``scheme://user:password@`` and ``scheme://token@``; a secret with an unescaped ``/``
#: (AWS secret keys have them) makes the URL malformed, so ``/`` does not end the match
USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s@\"'<>]*@")
#: query parameters that carry credentials or signatures
SECRET_PARAMS = re.compile(
    r"(?i)\b((?:x-amz-(?:signature|credential|security-token)|signature|awsaccesskeyid"
    r"|access[_-]?key(?:[_-]?id)?|secret[_-]?(?:access[_-]?)?key|session[_-]?token|token"
    r"|password|passwd|pwd|key)=)[^&\s\"'<>]+"
)
#: environment variables whose values are secrets wherever they turn up
SECRET_ENV = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def redact(text: str) -> str:
    """``text`` with credentials replaced by ``***``."""
    text = USERINFO.sub(rf"\1{HIDDEN}@", text)
    text = SECRET_PARAMS.sub(rf"\1{HIDDEN}", text)
    for name in SECRET_ENV:
        value = os.environ.get(name, "")
        if len(value) >= 4:
            text = text.replace(value, HIDDEN)
    return text
