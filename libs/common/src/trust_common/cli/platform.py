"""`trust-platform`: publish platform account and shop facts, as the platform would.

    trust-platform account register --id acc-1 --username alice --country SG --dob 1990-04-01
    trust-platform account change --id acc-1 --username alice --country SG --status banned
    trust-platform account delete --id acc-1
    trust-platform shop register --id shop-1 --name "Tea House" --owner acc-9 --country SG --onboarding invited
"""
from __future__ import annotations

import argparse
import asyncio
from datetime import date

from trust_common.contracts.platform import (
    AccountSnapshot,
    AccountStatus,
    ShopOnboarding,
    ShopSnapshot,
    ShopStatus,
)
from trust_common.platform import PlatformPublisher
from trust_common.settings import CommonSettings


def _account_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2")
    parser.add_argument("--registered-country")
    parser.add_argument("--dob", type=date.fromisoformat, help="date of birth, YYYY-MM-DD")
    parser.add_argument("--status", choices=[s.value for s in AccountStatus], default="normal")
    parser.add_argument("--locale", default="en")
    parser.add_argument("--email")
    parser.add_argument("--avatar-url", default="")
    parser.add_argument("--signature", default="")
    parser.add_argument("--real-name-verified", action="store_true")
    parser.add_argument("--identity-ref")
    parser.add_argument("--followers", type=int, default=0)
    parser.add_argument("--public-videos", type=int, default=0)
    parser.add_argument("--growth-level")
    parser.add_argument("--unsettled-assets", action="store_true")


def _snapshot(args: argparse.Namespace) -> AccountSnapshot:
    return AccountSnapshot(
        account_id=args.id, username=args.username, country=args.country.upper(),
        registered_country=(args.registered_country or args.country).upper(), date_of_birth=args.dob,
        status=args.status, locale=args.locale, email=args.email, avatar_url=args.avatar_url,
        signature=args.signature, real_name_verified=args.real_name_verified, identity_ref=args.identity_ref,
        followers=args.followers, public_video_count=args.public_videos, growth_level=args.growth_level,
        has_unsettled_assets=args.unsettled_assets)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trust-platform", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = parser.add_subparsers(dest="kind", required=True)
    account = kinds.add_parser("account").add_subparsers(dest="action", required=True)
    _account_arguments(account.add_parser("register"))
    _account_arguments(account.add_parser("change"))
    account.add_parser("delete").add_argument("--id", required=True)
    shop = kinds.add_parser("shop").add_subparsers(dest="action", required=True)
    for action in ("register", "change"):
        p = shop.add_parser(action)
        p.add_argument("--id", required=True)
        p.add_argument("--name", required=True)
        p.add_argument("--owner", required=True, help="owner's platform account id")
        p.add_argument("--country", required=True)
        p.add_argument("--onboarding", choices=[o.value for o in ShopOnboarding], required=True)
        p.add_argument("--status", choices=[s.value for s in ShopStatus], default="normal")
    args = parser.parse_args(argv)
    asyncio.run(_publish(args))


async def _publish(args: argparse.Namespace) -> None:
    async with PlatformPublisher(CommonSettings()) as platform:
        if args.kind == "account" and args.action == "register":
            envelope = await platform.register_account(_snapshot(args))
        elif args.kind == "account" and args.action == "change":
            envelope = await platform.change_account(_snapshot(args))
        elif args.kind == "account":
            envelope = await platform.delete_account(args.id)
        else:
            shop = ShopSnapshot(shop_id=args.id, name=args.name, owner_account_id=args.owner,
                                country=args.country.upper(), onboarding=args.onboarding, status=args.status)
            envelope = await (platform.register_shop(shop) if args.action == "register" else platform.change_shop(shop))
    print(f"published {envelope.type} {envelope.event_id} for {envelope.aggregate_id}")


if __name__ == "__main__":
    main()
