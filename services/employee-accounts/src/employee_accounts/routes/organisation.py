"""Positions, departments (EMP-11) and the quota (EMP-2) of an enterprise, for its admins."""
from __future__ import annotations

from fastapi import APIRouter

from trust_common.pagination import Page
from trust_common.validation import Id

from employee_accounts.domain import commands as c
from employee_accounts.entrypoints.schemas import (
    DepartmentIn, DepartmentMove, DepartmentPublic, PositionIn, PositionPublic, QuotaPublic,
)
from employee_accounts.queries import LISTINGS, page_of, quota
from employee_accounts.repository import Repository
from employee_accounts.routes.deps import BusDep, EnterpriseId, ReadSession

router = APIRouter(prefix="/v1/enterprises/{enterprise_id}", tags=["organisation"])


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
async def list_positions(enterprise_id: EnterpriseId, session: ReadSession, cursor: str | None = None,
                         limit: int | None = None) -> Page[PositionPublic]:
    entity, table = LISTINGS["positions"]
    items, next_cursor = await page_of(session, entity, table, enterprise_id, cursor=cursor, limit=limit)
    return Page(items=[PositionPublic.of(p) for p in items], next_cursor=next_cursor)


@router.get("/positions/{position_id}")
async def get_position(position_id: Id, enterprise_id: EnterpriseId, session: ReadSession) -> PositionPublic:
    return PositionPublic.of(await Repository(session).position(enterprise_id, position_id))


@router.post("/departments", status_code=201)
async def create_department(body: DepartmentIn, enterprise_id: EnterpriseId, bus: BusDep) -> DepartmentPublic:
    """EMP-11: departments form a tree (name + parent of the same enterprise)."""
    return DepartmentPublic.of(await bus.handle(c.CreateDepartment(enterprise_id, body.name, body.parent_id)))


@router.patch("/departments/{department_id}")
async def move_department(department_id: Id, body: DepartmentMove, enterprise_id: EnterpriseId,
                          bus: BusDep) -> DepartmentPublic:
    return DepartmentPublic.of(await bus.handle(c.MoveDepartment(enterprise_id, department_id, body.parent_id)))


@router.get("/departments")
async def list_departments(enterprise_id: EnterpriseId, session: ReadSession, cursor: str | None = None,
                           limit: int | None = None, parent_id: Id | None = None) -> Page[DepartmentPublic]:
    entity, table = LISTINGS["departments"]
    items, next_cursor = await page_of(session, entity, table, enterprise_id, cursor=cursor, limit=limit,
                                       parent_id=parent_id)
    return Page(items=[DepartmentPublic.of(d) for d in items], next_cursor=next_cursor)


@router.get("/quota")
async def read_quota(enterprise_id: EnterpriseId, session: ReadSession) -> QuotaPublic:
    """EMP-2: limit by growth level, used (both kinds and open invitations) and remaining."""
    return QuotaPublic.of(await quota(session, enterprise_id))
