"""A decision-support service: CDS Hooks 2.0.1 and a JSON API, for EPRs in any language.

[`create_app`][pathway_model.service.create_app] makes an ASGI app (Starlette) from a
[`ServiceConfig`][pathway_model.service.ServiceConfig]; ``pathway-model serve`` runs it
with uvicorn. [`openapi_document`][pathway_model.service.openapi_document] gives the
OpenAPI 3.1 document the service serves. The app needs the extra ``service``
(``pip install 'pathway-model[service]'``); the how-to "Run the CDS Hooks service" shows
how to start it, call it and mount it.

Every call carries a signed JWT, checked against a local JWKS file. The rules decide for
an explicit date: the service's date in England when a call arrives (read once, at the
edge), a date fixed in the configuration, or one a call names.
"""

from __future__ import annotations

import typing

from pathway_model.service._config import ServiceConfig
from pathway_model.service._openapi import openapi_document

if typing.TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["ServiceConfig", "create_app", "openapi_document"]


def create_app(config: ServiceConfig) -> Starlette:
    """Make the service's ASGI app.

    The JWKS file is read here, once; the app then reads no file but the audit log it
    appends to. Mount the app in your own ASGI server or framework, or run it with
    uvicorn (``pathway-model serve`` does). The token ids seen, which refuse a replayed
    token, are held in the process unless ``config.replay_store`` names a file: run the
    app in one process, or give every process the same store.

    Args:
        config: How the service is set up.

    Returns:
        The app (a Starlette application).

    Raises:
        WrongTypeError: ``config`` is not a ServiceConfig.
        ValidationError: The JWKS file cannot be read, or holds a key the service does
            not accept (only public EC P-384 and RSA keys, each with its ``kid``).
        PathwayModelError: The extra ``service`` is not installed.
    """
    from pathway_model.errors import PathwayModelError, WrongTypeError  # noqa: PLC0415

    if not isinstance(config, ServiceConfig):
        raise WrongTypeError.single("config", "a ServiceConfig", type(config).__name__)
    try:
        from pathway_model.service._app import build_app  # noqa: PLC0415 - needs the extra
    except ImportError as error:
        msg = (
            f"the service needs the extra 'service' (missing: {error.name}); install it with "
            "pip install 'pathway-model[service]'"
        )
        raise PathwayModelError(msg) from None
    return build_app(config)
