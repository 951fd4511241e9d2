"""The classroom's web application: the students' routes (``commsim.classroom.student``)
before solara's, which serve the teacher's app (``commsim.classroom.app``), in one
Starlette application, so both run in one process and share the class session.

This is solara's own application (``solara.server.starlette``: its routes, lifespan and
middleware) with the students' routes in front, as solara documents for embedding it;
``commsim.classroom.serve`` runs it with uvicorn.
"""

from __future__ import annotations

import os

os.environ.setdefault("SOLARA_APP", "commsim.classroom.app")  # read when solara is imported

import solara.server.starlette as solara_server  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from commsim.classroom.student import ROUTES  # noqa: E402

app = Starlette(routes=[*ROUTES, *solara_server.routes], lifespan=solara_server.lifespan,
                middleware=solara_server.middleware)  # fmt: skip
