"""Positions, departments (EMP-11) and the quota (EMP-2) of an enterprise, for its admins."""
from __future__ import annotations

from fastapi import APIRouter

from employee_accounts import views
from employee_accounts.domain import commands as c
from employee_accounts.routes.deps import EnterpriseId
from employee_accounts.routes.schemas import (
    DepartmentIn,
    DepartmentMove,
    DepartmentPublic,
    EnterprisePublic,
    PositionIn,
    PositionPublic,
    QuotaPublic,
)
from trust_common.dependencies import BusDep, SessionDep
from trust_common.pagination import ListQuery, Page, PageRequest
from trust_common.validation import Id

router = APIRouter(prefix="/v1/enterprises/{enterprise_id}", tags=["organisation"])


@router.get("")
async def get_enterprise(enterprise_id: EnterpriseId, session: SessionDep) -> EnterprisePublic:
    """Issue 15: whether employee-accounts regards the enterprise as certified (`certified`, `suspended` after an
    expiry or cancellation (EMP-18), `uncertified`: a free enterprise account (CERT-11) or nothing heard yet),
    since when, and the certification event that set it."""
    return EnterprisePublic.of(enterprise_id, await views.enterprise(session, enterprise_id))


@router.post("/positions", status_code=201)
async def define_position(body: PositionIn, enterprise_id: EnterpriseId, bus: BusDep) -> PositionPublic:
    """EMP-11: a name plus tools (EMP-3, only those the main account holds) and modules (EMP-4)."""
    return PositionPublic.of(await bus.handle(c.DefinePosition(enterprise_id, body.name, body.tools, body.modules)))


@router.put("/positions/{position_id}")
async def change_position(position_id: Id, body: PositionIn, enterprise_id: EnterpriseId,
                          bus: BusDep) -> PositionPublic:
    return PositionPublic.of(await bus.handle(
        c.ChangePosition(enterprise_id, position_id, body.name, body.tools, body.modules)))


@router.get("/positions")
async def list_positions(enterprise_id: EnterpriseId, session: SessionDep, page: ListQuery) -> Page[PositionPublic]:
    items, next_cursor = await views.positions_page(session, enterprise_id, page)
    return Page(items=[PositionPublic.of(p) for p in items], next_cursor=next_cursor)


@router.get("/positions/{position_id}")
async def get_position(position_id: Id, enterprise_id: EnterpriseId, session: SessionDep) -> PositionPublic:
    return PositionPublic.of(await views.position(session, enterprise_id, position_id))


@router.post("/departments", status_code=201)
async def create_department(body: DepartmentIn, enterprise_id: EnterpriseId, bus: BusDep) -> DepartmentPublic:
    """EMP-11: departments form a tree (name + parent of the same enterprise)."""
    return DepartmentPublic.of(await bus.handle(c.CreateDepartment(enterprise_id, body.name, body.parent_id)))


@router.patch("/departments/{department_id}")
async def move_department(department_id: Id, body: DepartmentMove, enterprise_id: EnterpriseId,
                          bus: BusDep) -> DepartmentPublic:
    return DepartmentPublic.of(await bus.handle(c.MoveDepartment(enterprise_id, department_id, body.parent_id)))


@router.get("/departments")
async def list_departments(enterprise_id: EnterpriseId, session: SessionDep, cursor: str | None = None,
                           limit: int | None = None, parent_id: Id | None = None) -> Page[DepartmentPublic]:
    # cursor and limit spelled out, not `ListQuery`: it would list them after `parent_id` in the published document.
    page = PageRequest(cursor, limit)
    items, next_cursor = await views.departments_page(session, enterprise_id, page, parent_id=parent_id)
    return Page(items=[DepartmentPublic.of(d) for d in items], next_cursor=next_cursor)


@router.get("/quota")
async def read_quota(enterprise_id: EnterpriseId, session: SessionDep) -> QuotaPublic:
    """EMP-2: limit by growth level, used (both kinds and open invitations) and remaining."""
    return QuotaPublic.of(await views.quota(session, enterprise_id))
