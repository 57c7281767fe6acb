"""Template-injection payloads (issue 8) planted by the security tests: each must stay text."""

from __future__ import annotations

PID_49 = "{{ lipsum.__globals__.os.getpid() }}|{{7*7}}"
CONSTRUCTOR = "{{constructor.constructor('x')()}}"
RAW = "{% raw %}x"
COMMENT = "{# y"
PAYLOADS = (PID_49, CONSTRUCTOR, RAW, COMMENT)
