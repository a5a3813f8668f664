"""`trust-platform`: publish the platform's facts as the platform would: accounts, shops, and the sister
app's (Toutiao) enterprise certifications (CERT-9). Every fact the rules read can be published.

Changing one fact never resets the others: `account set` (and `change`), `shop change` and `sister-app set`
read what this tool last published for that id (a local state file, --state) and change only the options
given; `register` / `certify` publish a complete new record.

  accounts:
    trust-platform account register --id acc-1 --username alice --country SG --dob 1990-04-01
    trust-platform account set --id acc-1 --status banned                      # EMP-7, SHOP-5
    trust-platform account set --id acc-1 --penalty live_restricted:2027-01-31 # a penalty until a date
    trust-platform account set --id acc-1 --clear-penalties
    trust-platform account set --id acc-1 --tool live.general_live_card        # the main account's tools (EMP-3)
    trust-platform account set --id acc-1 --drop-tool live.general_live_card
    trust-platform account set --id acc-1 --ecommerce-permission-revoked       # SHOP-10 (--no-… to restore)
    trust-platform account set --id acc-1 --creator-marketplace-identity       # EMP-14
    trust-platform account set --id acc-1 --login-method sister_app:tt-42      # CERT-9: a sister-app login
    trust-platform account set --id acc-1 --real-name-verified --identity-ref idref-7
    trust-platform account show --id acc-1                                     # what was last published
    trust-platform account delete --id acc-1

  shops:
    trust-platform shop register --id shop-1 --name "Tea House" --owner acc-9 --country SG --onboarding invited
    trust-platform shop change --id shop-1 --status abnormal

  the sister app's enterprise certifications (CERT-9):
    trust-platform sister-app certify --reference tt-cert-1 --sister-account tt-42 \\
        --enterprise-name "Acme Coffee Co., Ltd." --display-name "Acme Coffee" \\
        --valid-until 2027-06-30T00:00:00+08:00 --username "Acme Coffee"
    trust-platform sister-app set --reference tt-cert-1 --valid-until 2028-06-30T00:00:00+08:00  # renewed
    trust-platform sister-app set --reference tt-cert-1 --avatar-url https://tt/new.png          # profile changed
    trust-platform sister-app set --reference tt-cert-1 --status cancelled                       # or expired
"""
from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from trust_common.contracts.platform import (
    AccountSnapshot,
    AccountStatus,
    LoginMethod,
    Penalty,
    PenaltyKind,
    ShopOnboarding,
    ShopSnapshot,
    ShopStatus,
    SisterAppCertificationChanged,
    SisterAppCertificationStatus,
    SisterAppProfile,
)
from trust_common.platform import PlatformPublisher
from trust_common.settings import ENVIRONMENT_HELP, CommonSettings, load_settings

DEFAULT_STATE = ".local/trust-platform-state.json"
KEEP = argparse.SUPPRESS  # an option not given keeps the last published value

# account option -> snapshot field; the value as parsed (converted by `type=`)
ACCOUNT_FIELDS = {
    "username": "username", "country": "country", "registered_country": "registered_country",
    "dob": "date_of_birth", "status": "status", "locale": "locale", "email": "email", "avatar_url": "avatar_url",
    "signature": "signature", "real_name_verified": "real_name_verified", "identity_ref": "identity_ref",
    "followers": "followers", "public_videos": "public_video_count", "growth_level": "growth_level",
    "unsettled_assets": "has_unsettled_assets", "ecommerce_permission_revoked": "ecommerce_permission_revoked",
    "creator_marketplace_identity": "creator_marketplace_identity",
}


def _country(value: str) -> str:
    return value.upper()


def _penalty(value: str) -> Penalty:
    kind, _, until = value.partition(":")
    try:
        return Penalty(kind=PenaltyKind(kind), until=date.fromisoformat(until) if until else None)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected KIND[:YYYY-MM-DD] with KIND one of "
                                         f"{', '.join(k.value for k in PenaltyKind)}") from error


def _login_method(value: str) -> LoginMethod:
    kind, _, reference = value.partition(":")
    if not kind:
        raise argparse.ArgumentTypeError("expected KIND[:REFERENCE], e.g. sister_app:tt-42")
    return LoginMethod(kind=kind, reference=reference)


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. 2027-06-30T00:00:00+08:00")
    return moment


def _account_arguments(parser: argparse.ArgumentParser, *, full: bool) -> None:
    """`full` (register): a whole new record with defaults; otherwise every option defaults to KEEP."""
    def default(value: Any) -> Any:
        return value if full else KEEP

    parser.add_argument("--id", required=True)
    parser.add_argument("--username", required=full, default=default(None))
    parser.add_argument("--country", required=full, type=_country, default=default(None),
                        help="ISO 3166-1 alpha-2")
    parser.add_argument("--registered-country", type=_country, default=default(None))
    parser.add_argument("--dob", type=date.fromisoformat, default=default(None), help="date of birth, YYYY-MM-DD")
    parser.add_argument("--status", choices=[s.value for s in AccountStatus], default=default("normal"))
    parser.add_argument("--locale", default=default("en"))
    parser.add_argument("--email", default=default(None))
    parser.add_argument("--avatar-url", default=default(""))
    parser.add_argument("--signature", default=default(""))
    parser.add_argument("--identity-ref", default=default(None))
    parser.add_argument("--followers", type=int, default=default(0))
    parser.add_argument("--public-videos", type=int, default=default(0))
    parser.add_argument("--growth-level", default=default(None))
    for flag in ("real-name-verified", "unsettled-assets", "ecommerce-permission-revoked",
                 "creator-marketplace-identity"):
        parser.add_argument(f"--{flag}", action=argparse.BooleanOptionalAction, default=default(False))
    parser.add_argument("--penalty", type=_penalty, action="append", default=default([]),
                        help="KIND[:UNTIL], e.g. banned or live_restricted:2027-01-31 (repeatable; added)")
    parser.add_argument("--clear-penalties", action="store_true", help="lift every penalty first")
    parser.add_argument("--tool", action="append", default=default([]), help="a tool the account holds (added)")
    parser.add_argument("--drop-tool", action="append", default=[], help="a tool the account no longer holds")
    parser.add_argument("--login-method", type=_login_method, action="append", default=default([]),
                        help="KIND[:REFERENCE], e.g. sister_app:tt-42 (added)")
    parser.add_argument("--drop-login-method", type=_login_method, action="append", default=[])


def account_snapshot(args: argparse.Namespace, last: AccountSnapshot | None) -> AccountSnapshot:
    """The new snapshot: the last one published with the options given applied (every other fact kept)."""
    given = vars(args)
    if last is None and not {"username", "country"} <= {k for k in given if given[k] is not None}:
        raise SystemExit(f"no account {args.id} was published from this state file: give --username and "
                         "--country (or use `account register`)")
    values: dict[str, Any] = last.model_dump() if last else {"account_id": args.id}
    for option, field in ACCOUNT_FIELDS.items():
        if option in given:
            values[field] = given[option]
    if "registered_country" not in given and values.get("registered_country") is None:
        values["registered_country"] = values.get("country")
    penalties = [] if given.get("clear_penalties") else list(values.get("penalties", []))
    values["penalties"] = penalties + [p.model_dump() for p in given.get("penalty", [])]
    tools = [t for t in values.get("tools", []) if t not in given.get("drop_tool", [])]
    values["tools"] = tools + [t for t in given.get("tool", []) if t not in tools]
    dropped = [m.model_dump() for m in given.get("drop_login_method", [])]
    methods = [m for m in values.get("login_methods", []) if m not in dropped]
    values["login_methods"] = methods + [m.model_dump() for m in given.get("login_method", [])
                                         if m.model_dump() not in methods]
    return AccountSnapshot.model_validate(values)


def _shop_arguments(parser: argparse.ArgumentParser, *, full: bool) -> None:
    def default(value: Any) -> Any:
        return value if full else KEEP

    parser.add_argument("--id", required=True)
    parser.add_argument("--name", required=full, default=default(None))
    parser.add_argument("--owner", required=full, default=default(None), help="owner's platform account id")
    parser.add_argument("--country", required=full, type=_country, default=default(None))
    parser.add_argument("--onboarding", choices=[o.value for o in ShopOnboarding], required=full,
                        default=default(None))
    parser.add_argument("--status", choices=[s.value for s in ShopStatus], default=default("normal"))


def shop_snapshot(args: argparse.Namespace, last: ShopSnapshot | None) -> ShopSnapshot:
    given = vars(args)
    values: dict[str, Any] = last.model_dump() if last else {"shop_id": args.id}
    for option, field in {"name": "name", "owner": "owner_account_id", "country": "country",
                          "onboarding": "onboarding", "status": "status"}.items():
        if option in given:
            values[field] = given[option]
    if last is None and not {"name", "owner_account_id", "country", "onboarding"} <= set(values):
        raise SystemExit(f"no shop {args.id} was published from this state file: give --name, --owner, "
                         "--country and --onboarding (or use `shop register`)")
    return ShopSnapshot.model_validate(values)


def _sister_arguments(parser: argparse.ArgumentParser, *, full: bool) -> None:
    def default(value: Any) -> Any:
        return value if full else KEEP

    parser.add_argument("--reference", required=True, help="the sister app's certification id")
    parser.add_argument("--sister-account", required=full, default=default(None),
                        help="the sister-app account holding it (make it a login method: account set "
                             "--login-method sister_app:ID)")
    parser.add_argument("--status", choices=[s.value for s in SisterAppCertificationStatus],
                        default=default("active"))
    parser.add_argument("--valid-until", type=_instant, required=full, default=default(None))
    parser.add_argument("--enterprise-name", required=full, default=default(None))
    parser.add_argument("--display-name", required=full, default=default(None))
    parser.add_argument("--username", required=full, default=default(None), help="the sister-app profile's")
    parser.add_argument("--avatar-url", default=default(""))
    parser.add_argument("--signature", default=default(""))


def sister_fact(args: argparse.Namespace, last: SisterAppCertificationChanged | None) -> SisterAppCertificationChanged:
    given = vars(args)
    if last is None and given.get("sister_account") is None:
        raise SystemExit(f"no sister-app certification {args.reference} was published from this state file: "
                         "use `sister-app certify`")
    values: dict[str, Any] = last.model_dump() if last else {"reference": args.reference}
    for option, field in {"sister_account": "sister_account_id", "status": "status", "valid_until": "valid_until",
                          "enterprise_name": "enterprise_name", "display_name": "display_name"}.items():
        if option in given:
            values[field] = given[option]
    profile = dict(values.get("profile", {}))
    for option in ("username", "avatar_url", "signature"):
        if option in given:
            profile[option] = given[option]
    values["profile"] = SisterAppProfile.model_validate(profile)
    return SisterAppCertificationChanged.model_validate(values)


class State:
    """What this tool last published, per kind and id: the base of the next partial change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, dict[str, Any]] = (json.loads(path.read_text()) if path.exists() else {})

    def last(self, kind: str, key: str, model: type[BaseModel]) -> Any:
        found = self.data.get(kind, {}).get(key)
        return model.model_validate(found) if found is not None else None

    def keep(self, kind: str, key: str, value: BaseModel | None) -> None:
        records = self.data.setdefault(kind, {})
        if value is None:
            records.pop(key, None)
        else:
            records[key] = value.model_dump(mode="json")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps(self.data, indent=1, sort_keys=True))
        partial.replace(self.path)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="trust-platform", description=__doc__, epilog=ENVIRONMENT_HELP,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    root.add_argument("--state", type=Path, default=Path(DEFAULT_STATE),
                      help=f"where the last published facts are kept (default {DEFAULT_STATE})")
    kinds = root.add_subparsers(dest="kind", required=True)
    account = kinds.add_parser("account", help="platform accounts").add_subparsers(dest="action", required=True)
    _account_arguments(account.add_parser("register", help="publish a complete new account record"), full=True)
    for action in ("set", "change"):
        _account_arguments(account.add_parser(action, help="change the facts given, keep the others"), full=False)
    account.add_parser("show", help="print the last published snapshot").add_argument("--id", required=True)
    account.add_parser("delete").add_argument("--id", required=True)
    shop = kinds.add_parser("shop", help="platform shops").add_subparsers(dest="action", required=True)
    _shop_arguments(shop.add_parser("register"), full=True)
    _shop_arguments(shop.add_parser("change", help="change the facts given, keep the others"), full=False)
    sister = kinds.add_parser("sister-app", help="the sister app's enterprise certifications (CERT-9)")
    sister_actions = sister.add_subparsers(dest="action", required=True)
    _sister_arguments(sister_actions.add_parser("certify", help="publish a complete certification record"),
                      full=True)
    _sister_arguments(sister_actions.add_parser("set", help="renew, cancel, expire or change its profile"),
                      full=False)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    state = State(args.state)
    if args.kind == "account" and args.action == "show":
        last = state.last("accounts", args.id, AccountSnapshot)
        if last is None:
            raise SystemExit(f"no account {args.id} was published from {args.state}")
        print(last.model_dump_json(indent=1))
        return
    asyncio.run(_publish(args, state))


async def _publish(args: argparse.Namespace, state: State) -> None:
    settings = load_settings(CommonSettings)
    if args.kind == "account" and args.action != "delete":
        last = None if args.action == "register" else state.last("accounts", args.id, AccountSnapshot)
        snapshot = account_snapshot(args, last)
        before = last.model_dump() if last else {}
        changed = sorted(k for k, v in snapshot.model_dump().items() if before.get(k) != v)
    elif args.kind == "shop":
        shop = shop_snapshot(args, None if args.action == "register" else state.last("shops", args.id, ShopSnapshot))
    elif args.kind == "sister-app":
        last_fact = None if args.action == "certify" else state.last("sister_app", args.reference,
                                                                       SisterAppCertificationChanged)
        fact = sister_fact(args, last_fact)
    async with PlatformPublisher(settings) as platform:
        if args.kind == "account" and args.action == "register":
            envelope = await platform.register_account(snapshot)
            state.keep("accounts", args.id, snapshot)
        elif args.kind == "account" and args.action in ("set", "change"):
            envelope = await platform.change_account(snapshot, changed)
            state.keep("accounts", args.id, snapshot)
        elif args.kind == "account":
            envelope = await platform.delete_account(args.id)
            state.keep("accounts", args.id, None)
        elif args.kind == "shop":
            envelope = await (platform.register_shop(shop) if args.action == "register" else platform.change_shop(shop))
            state.keep("shops", args.id, shop)
        else:
            envelope = await platform.publish(fact)
            state.keep("sister_app", args.reference, fact)
    print(f"published {envelope.type} {envelope.event_id} for {envelope.aggregate_id}")


if __name__ == "__main__":
    main()
