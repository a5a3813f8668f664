"""Positions and departments (EMP-11) of an enterprise."""
from __future__ import annotations

import uuid

from trust_common.projections import load_account
from trust_common.uow import UnitOfWork

from employee_accounts.dependencies import Dependencies
from employee_accounts.domain import commands as c
from employee_accounts.domain.organisation import Department, Position
from employee_accounts.domain.values import Permissions
from employee_accounts.repository import Repository


async def granted_permissions(uow: UnitOfWork, enterprise_id: str, tools: list[str], modules: list[str]) -> Permissions:
    """EMP-3/EMP-4: known permissions whose tools the main account holds."""
    main = await load_account(uow.session, enterprise_id)
    return Permissions.parse(tools, modules).require_held_by_main_account(frozenset(main.tools if main else []))


async def define_position(cmd: c.DefinePosition, uow: UnitOfWork, deps: Dependencies) -> Position:
    permissions = await granted_permissions(uow, cmd.enterprise_id, cmd.tools, cmd.modules)
    position = Position(id=f"pos-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, name=cmd.name,
                        permissions=permissions, now=uow.clock.now())
    uow.session.add(position)
    await uow.commit()
    return position


async def change_position(cmd: c.ChangePosition, uow: UnitOfWork, deps: Dependencies) -> Position:
    position = await Repository(uow.session).position(cmd.enterprise_id, cmd.position_id)
    permissions = await granted_permissions(uow, cmd.enterprise_id, cmd.tools, cmd.modules)
    position.change(cmd.name, permissions, uow.clock.now())
    await uow.commit()
    return position


async def create_department(cmd: c.CreateDepartment, uow: UnitOfWork, deps: Dependencies) -> Department:
    repo = Repository(uow.session)
    parent = await repo.department(cmd.enterprise_id, cmd.parent_id) if cmd.parent_id else None
    department = Department(id=f"dep-{uuid.uuid4().hex}", enterprise_id=cmd.enterprise_id, name=cmd.name,
                            parent=parent, now=uow.clock.now())
    uow.session.add(department)
    await uow.commit()
    return department


async def move_department(cmd: c.MoveDepartment, uow: UnitOfWork, deps: Dependencies) -> Department:
    repo = Repository(uow.session)
    department = await repo.department(cmd.enterprise_id, cmd.department_id)
    parent = await repo.department(cmd.enterprise_id, cmd.parent_id) if cmd.parent_id else None
    ancestors = await repo.department_ancestors(parent) if parent else []
    department.move(parent, ancestors, uow.clock.now())
    await uow.commit()
    return department
