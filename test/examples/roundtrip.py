"""Decodes forwarded bodies with the generated Python types and encodes them again (test/examples).

Reads JSON lines {"type": <generated class name>, "body": <the forwarded body>} from stdin and writes,
per line, {"body": <Class.from_dict(body).to_dict()>} or {"error": "..."} when the body does not fit
its type. Run with the directory holding the generated wx_types.py on PYTHONPATH.
"""

import json
import sys

import wx_types

for line in sys.stdin:
    item = json.loads(line)
    try:
        decoded = getattr(wx_types, item["type"]).from_dict(item["body"])
        print(json.dumps({"body": decoded.to_dict()}, ensure_ascii=False))
    except Exception as err:  # the test shows which body and why
        print(json.dumps({"error": f"{type(err).__name__}: {err}"}))
