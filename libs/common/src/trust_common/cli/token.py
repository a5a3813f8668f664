"""`trust-token`: mint a development bearer token for a principal.

    trust-token --sub merchant-1 --role merchant --account acc-1 --shop shop-1
"""
from __future__ import annotations

import argparse
from datetime import timedelta

from trust_common.auth import Role, mint_token
from trust_common.settings import ENVIRONMENT_HELP, CommonSettings, load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trust-token", description=__doc__, epilog=ENVIRONMENT_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sub", required=True, help="subject (who the token is for)")
    parser.add_argument("--role", action="append", choices=[r.value for r in Role], required=True)
    parser.add_argument("--account", help="platform account id the principal acts as")
    parser.add_argument("--enterprise", action="append", default=[], help="enterprise id owned (repeatable)")
    parser.add_argument("--shop", action="append", default=[], help="shop id owned (repeatable)")
    parser.add_argument("--employee-account", help="employee account id (for employees)")
    parser.add_argument("--hours", type=float, default=12.0,
                        help="lifetime (services refuse more than TRUST_JWT_MAX_LIFETIME_SECONDS, 24 h by default)")
    args = parser.parse_args(argv)
    settings = load_settings(CommonSettings)
    if settings.environment == "production":
        parser.error("refusing to mint tokens with production settings")
    print(mint_token(settings, args.sub, args.role, account_id=args.account, enterprise_ids=args.enterprise,
                     shop_ids=args.shop, employee_account_id=args.employee_account,
                     ttl=timedelta(hours=args.hours)))


if __name__ == "__main__":
    main()
