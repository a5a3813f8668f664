"""What can be granted (EMP-3 tools, EMP-4 modules) and how many seats a growth level gives (EMP-2)."""
from __future__ import annotations

from enum import StrEnum


class Tool(StrEnum):
    """EMP-3: tools of the main account that may be granted to employee accounts."""

    SHORT_VIDEO_ONLINE_BOOKING = "short_video.online_booking"
    SHORT_VIDEO_GROUP_BUY_PRODUCTS = "short_video.group_buy_products"
    SHORT_VIDEO_INDUSTRY_TOOLS = "short_video.industry_tools"
    LIVE_ONLINE_BOOKING = "live.online_booking"
    LIVE_GENERAL_LIVE_CARD = "live.general_live_card"
    LIVE_MINI_PROGRAM_LIVE_CARD = "live.mini_program_live_card"
    HOMEPAGE_BUSINESS_CARD = "homepage.business_card"
    HOMEPAGE_STORE_ACTIVITIES = "homepage.store_activities"
    HOMEPAGE_LIMITED_TIME_GROUP_BUY = "homepage.limited_time_group_buy"


# EMP-16: the merchant-page modules are the homepage tools.
MERCHANT_PAGE_TOOLS = frozenset({Tool.HOMEPAGE_BUSINESS_CARD, Tool.HOMEPAGE_STORE_ACTIVITIES,
                                 Tool.HOMEPAGE_LIMITED_TIME_GROUP_BUY})


# EMP-22: the main account's marketing exemptions every employee account shares.
MARKETING_EXEMPTIONS = ("short_video_promotion", "live_room_components")


class Module(StrEnum):
    """EMP-4: back-office modules the main account may delegate."""

    SHORT_VIDEO_MANAGEMENT = "short_video_management"
    LIVE_MANAGEMENT = "live_management"
    HOMEPAGE_MANAGEMENT = "homepage_management"
    DIRECT_MESSAGE_MANAGEMENT = "direct_message_management"
    USER_MANAGEMENT = "user_management"
    BUSINESS_TOOL_CENTRE = "business_tool_centre"
    DATA_CENTRE = "data_centre"


# EMP-2: seats (both kinds together) by enterprise growth level.
QUOTA_BY_GROWTH_LEVEL: dict[str, int] = {
    "black_diamond_lv2": 1000,
    "black_diamond_lv1": 100,
    "gold": 50, "platinum_lv1": 50, "platinum_lv2": 50,
    "diamond_lv1": 50, "diamond_lv2": 50, "diamond_lv3": 50,
    "bronze": 5, "silver": 5,
}


def quota_for(growth_level: str | None) -> int:
    """EMP-2: the seats of a growth level; an unknown or missing level gives none."""
    if growth_level is None:
        return 0
    return QUOTA_BY_GROWTH_LEVEL.get(growth_level.strip().lower().replace(" ", "_"), 0)
