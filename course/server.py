"""Jupyter server settings of the course: TCP_NODELAY on kernel websockets.

jupyter_server does not disable Nagle's algorithm on the kernel websocket. Small kernel-to-browser
messages (a pose reply is ~1 kB) then wait for the browser's delayed ACK, about 40 ms each, which
caps a live camera loop at ~15 frames per second. :class:`NoDelayKernelConnection` sets
``TCP_NODELAY`` when a kernel websocket opens; the kernel-to-browser leg drops to a few ms.

Use it in one of three ways:

- ``python -m course lab`` (and ``make lab``) passes it on the command line;
- ``jupyter lab --ServerApp.kernel_websocket_connection_class=
  course.server.NoDelayKernelConnection`` (Voila: ``--Voila.kernel_websocket_connection_class``);
- enable the server extension ``course.server`` (``--ServerApp.jpserver_extensions=
  "{'course.server': True}"``), which installs the same class when the server starts.

Examples
--------
>>> NODELAY_CLASS
'course.server.NoDelayKernelConnection'
>>> lab_arguments()[0]
'--ServerApp.kernel_websocket_connection_class=course.server.NoDelayKernelConnection'
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

NODELAY_CLASS = "course.server.NoDelayKernelConnection"


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """Kernel websocket connection that disables Nagle's algorithm (``TCP_NODELAY``).

    Everything else is jupyter_server's default ZMQ channels connection. The number of
    connections opened with the option set is counted in :attr:`opened`, for tests.
    """

    opened: int = 0

    def connect(self) -> asyncio.Future[None] | None:  # type: ignore[override]
        """Set ``TCP_NODELAY`` on the websocket's stream, then connect as usual."""
        handler = self.websocket_handler
        if handler is not None and getattr(handler, "ws_connection", None) is not None:
            handler.set_nodelay(True)
            type(self).opened += 1
            self.log.info("course.server: TCP_NODELAY set on kernel websocket %s", self.kernel_id)
        else:  # pragma: no cover - tornado always has the connection inside open()
            self.log.warning("course.server: kernel websocket not open yet; TCP_NODELAY not set")
        result: asyncio.Future[None] | None = super().connect()
        return result


def lab_arguments() -> list[str]:
    """Command-line options that give a ``jupyter lab``/``jupyter server`` the course settings.

    Returns
    -------
    list of str
        Options to append to a ``jupyter lab`` command line.
    """
    return [
        f"--ServerApp.kernel_websocket_connection_class={NODELAY_CLASS}",
    ]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Entry point so ``jpserver_extensions={'course.server': True}`` finds this module."""
    return [{"module": "course.server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Install :class:`NoDelayKernelConnection` unless another non-default class is configured.

    A gateway or custom connection class is left alone (with a log message), because replacing
    it would break that setup.
    """
    settings = serverapp.web_app.settings
    current = settings.get("kernel_websocket_connection_class")
    if current in (None, ZMQChannelsWebsocketConnection):
        settings["kernel_websocket_connection_class"] = NoDelayKernelConnection
        serverapp.log.info("course.server: TCP_NODELAY enabled on kernel websockets")
    elif current is not NoDelayKernelConnection:
        serverapp.log.warning(
            "course.server: kernel websocket class %r is custom; TCP_NODELAY not added. "
            "Expect ~40 ms extra latency per kernel message unless it sets nodelay itself.",
            current,
        )
