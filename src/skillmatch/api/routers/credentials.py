"""``/v1/credentials``: the catalogue's credentials (reads; writes come with keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import Engine
from ..pagination import DEFAULT_LIMIT
from ..problems import responses
from ..schemas.common import CredentialType, Delivery, Page
from ..schemas.records import Credential, CredentialDetail
from ._params import V1, Cursor, Limit
from ._records import RecordId, listed, one, page

router = APIRouter(prefix=V1 + "/credentials", tags=["catalogue"])
KIND = "credential"


@router.get("", summary="List credentials, a page at a time", responses=listed(Credential))
def list_credentials(
        engine: Engine, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT,
        type: Annotated[CredentialType | None, Query(examples=["certification"])] = None,
        delivery: Annotated[Delivery | None, Query(examples=["online"])] = None,
        provider: Annotated[str | None, Query(max_length=300,
                                              examples=["Lakeview ISD Health Science"])] = None,
        region: Annotated[str | None, Query(max_length=100, description="As stored "
                                            "(exact).", examples=["TX-Houston"])] = None,
) -> Page[Credential]:
    return Page[Credential].model_validate(page(
        engine, KIND, Credential, cursor, limit,
        {"type": type, "delivery": delivery, "provider": provider, "region": region}))


@router.get("/{record_id}", summary="One credential, with its skills and their evidence",
            responses=responses(404))
def get_credential(engine: Engine, record_id: RecordId) -> CredentialDetail:
    detail: CredentialDetail = one(engine, KIND, CredentialDetail, record_id)
    return detail
