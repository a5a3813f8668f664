"""Text of every notification kind in zh-CN, en and vi, with a locale fallback."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from notifier.domain.kinds import Kind

DEFAULT_LOCALE = "en"
LOCALES = ("zh-CN", "en", "vi")

# What a 48-hour window is about, per locale (NOTE-1).
WINDOW_LABELS: dict[str, dict[str, str]] = {
    "employee_invitation": {"zh-CN": "员工号授权邀请", "en": "employee account authorisation invitation",
                            "vi": "lời mời ủy quyền tài khoản nhân viên"},
    "shop_invitation": {"zh-CN": "店铺绑定邀请", "en": "shop binding invitation",
                        "vi": "lời mời liên kết cửa hàng"},
}

OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "approved": {"zh-CN": "已通过", "en": "approved", "vi": "đã được duyệt"},
    "rejected": {"zh-CN": "未通过，请按原因修改后重新提交", "en": "rejected; correct it and resubmit",
                 "vi": "bị từ chối; vui lòng sửa và gửi lại"},
    "failed": {"zh-CN": "认证失败", "en": "failed", "vi": "thất bại"},
}

# Why a badge was suspended (CERT-2), per locale.
SUSPENSION_REASONS: dict[str, dict[str, str]] = {
    "rereview_overdue": {"zh-CN": "未在2个工作日内通过", "en": "did not pass within 2 working days",
                         "vi": "chưa được thông qua trong 2 ngày làm việc"},
    "rereview_rejected": {"zh-CN": "未通过，请按原因修改后重新提交", "en": "was rejected; correct it and resubmit",
                          "vi": "bị từ chối; vui lòng sửa và gửi lại"},
    "_other": {"zh-CN": "未通过", "en": "has not passed", "vi": "chưa được thông qua"},
}

# What an authorisation change touched (EMP-19), per locale.
CHANGED_LABELS: dict[str, dict[str, str]] = {
    "position": {"zh-CN": "岗位", "en": "position", "vi": "vị trí"},
    "department": {"zh-CN": "部门", "en": "department", "vi": "phòng ban"},
    "modules": {"zh-CN": "授权模块", "en": "modules", "vi": "mô-đun"},
    "tools": {"zh-CN": "营销工具", "en": "tools", "vi": "công cụ"},
    "valid_until": {"zh-CN": "授权有效期", "en": "validity period", "vi": "thời hạn ủy quyền"},
}

# The outcome of a support case (SHOP-12), per locale, and why.
CASE_OUTCOMES: dict[str, dict[str, str]] = {
    "resolved": {"zh-CN": "已解决", "en": "resolved", "vi": "đã được giải quyết"},
    "declined": {"zh-CN": "未通过", "en": "declined", "vi": "bị từ chối"},
}
CASE_NOTES: dict[str, dict[str, str]] = {
    "cause_corrected": {"zh-CN": "相关账号信息已更正", "en": "the account's record was corrected",
                        "vi": "thông tin tài khoản đã được sửa"},
    "permission_restored": {"zh-CN": "电商权限已恢复", "en": "the e-commerce permission was restored",
                            "vi": "quyền thương mại điện tử đã được khôi phục"},
    "evidence_insufficient": {"zh-CN": "证据不足", "en": "the evidence was not sufficient",
                              "vi": "bằng chứng không đủ"},
    "violation_confirmed": {"zh-CN": "违规已确认", "en": "the violation was confirmed",
                            "vi": "vi phạm đã được xác nhận"},
    "cause_not_resolvable": {"zh-CN": "该原因无法由客服处理", "en": "support cannot resolve this cause",
                             "vi": "bộ phận hỗ trợ không thể xử lý nguyên nhân này"},
}

TEMPLATES: dict[Kind, dict[str, tuple[str, str]]] = {
    Kind.WINDOW_PROMPT: {
        "zh-CN": ("请在48小时内确认：{label}", "您收到一个{label}，请在 {closes_at} 前确认，逾期邀请将失效。"),
        "en": ("Please confirm within 48 hours: {label}",
               "You have a {label}. Confirm it before {closes_at}; after that it lapses."),
        "vi": ("Vui lòng xác nhận trong 48 giờ: {label}",
               "Bạn có một {label}. Hãy xác nhận trước {closes_at}; sau đó lời mời sẽ hết hạn."),
    },
    Kind.WINDOW_REMINDER: {
        "zh-CN": ("提醒：{label}将在{hours_left}小时后失效", "请在 {closes_at} 前确认{label}。"),
        "en": ("Reminder: your {label} lapses in {hours_left} h", "Confirm your {label} before {closes_at}."),
        "vi": ("Nhắc nhở: {label} sẽ hết hạn sau {hours_left} giờ", "Hãy xác nhận {label} trước {closes_at}."),
    },
    Kind.WINDOW_LAPSED: {
        "zh-CN": ("{label}已失效", "对方未在48小时内确认，{label}已失效，如需要请重新发送。"),
        "en": ("Your {label} lapsed", "It was not confirmed within 48 hours. Send it again if still needed."),
        "vi": ("{label} đã hết hạn", "Lời mời không được xác nhận trong 48 giờ. Hãy gửi lại nếu cần."),
    },
    Kind.CERT_SUBMITTED: {
        "zh-CN": ("认证申请已提交", "您的认证申请已收到，审核将在2个工作日内完成。"),
        "en": ("Certification application received",
               "We received your application; review takes up to 2 working days."),
        "vi": ("Đã nhận hồ sơ xác minh", "Chúng tôi đã nhận hồ sơ; việc xét duyệt mất tối đa 2 ngày làm việc."),
    },
    Kind.CERT_OUTCOME: {
        "zh-CN": ("认证审核结果：{outcome}", "审核结果：{outcome}。{reasons}"),
        "en": ("Certification review: {outcome}", "Your application was {outcome}. {reasons}"),
        "vi": ("Kết quả xét duyệt xác minh: {outcome}", "Hồ sơ của bạn {outcome}. {reasons}"),
    },
    Kind.CERT_CORRECTION_DEADLINE: {
        "zh-CN": ("请在10天内补充资料", "请在 {deadline} 前提交准确资料，否则申请将失败。"),
        "en": ("Correct your application within 10 days",
               "Provide accurate information before {deadline}, or the application fails."),
        "vi": ("Vui lòng bổ sung trong 10 ngày",
               "Hãy cung cấp thông tin chính xác trước {deadline}, nếu không hồ sơ sẽ thất bại."),
    },
    Kind.CERT_REOPEN_WINDOW: {
        "zh-CN": ("可在30天内重新提交", "申请已失败，您可在 {deadline} 前重新提交同一申请。"),
        "en": ("You can resubmit within 30 days", "The application failed; you may reopen it until {deadline}."),
        "vi": ("Bạn có thể gửi lại trong 30 ngày", "Hồ sơ thất bại; bạn có thể mở lại trước {deadline}."),
    },
    Kind.CERT_EXPIRY_REMINDER: {
        "zh-CN": ("认证即将到期", "您的企业认证将于 {expires_at} 到期，请及时年审。"),
        "en": ("Your certification expires soon",
               "Your enterprise certification expires on {expires_at}; renew it in time."),
        "vi": ("Xác minh sắp hết hạn", "Xác minh doanh nghiệp của bạn hết hạn vào {expires_at}; hãy gia hạn kịp thời."),
    },
    Kind.CERT_RENEWED: {
        "zh-CN": ("认证年审已通过", "您的企业认证年审已通过，认证有效期至 {valid_until}。"),
        "en": ("Certification renewed",
               "Your enterprise certification renewal was approved; it is valid until {valid_until}."),
        "vi": ("Đã gia hạn xác minh",
               "Yêu cầu gia hạn xác minh doanh nghiệp đã được duyệt; hiệu lực đến {valid_until}."),
    },
    Kind.CERT_BADGE_SUSPENDED: {
        "zh-CN": ("认证标识已暂停", "账号名称或头像变更后的复审{reason}，认证标识已暂停，复审通过后恢复。"),
        "en": ("Certification badge suspended",
               "The review after your username or avatar change {reason}; the badge is suspended until the review "
               "passes."),
        "vi": ("Huy hiệu xác minh bị tạm ngưng",
               "Việc xét duyệt lại sau khi đổi tên hoặc ảnh đại diện {reason}; huy hiệu bị tạm ngưng cho đến khi "
               "được duyệt."),
    },
    Kind.CERT_EXPIRED: {
        "zh-CN": ("认证已过期", "您的企业认证已于 {expired_at} 过期，认证标识已移除。如需认证请重新申请。"),
        "en": ("Certification expired",
               "Your enterprise certification expired on {expired_at} and the "
               "badge was removed. Apply again to be certified."),
        "vi": ("Xác minh đã hết hạn",
               "Xác minh doanh nghiệp của bạn đã hết hạn vào {expired_at} và "
               "huy hiệu đã bị gỡ. Hãy đăng ký lại nếu cần."),
    },
    Kind.CERT_CANCELLED: {
        "zh-CN": ("认证已取消", "您的认证已取消，认证标识已移除。"),
        "en": ("Certification cancelled", "Your certification was cancelled and its badge removed."),
        "vi": ("Xác minh đã bị hủy", "Xác minh của bạn đã bị hủy và huy hiệu đã bị gỡ."),
    },
    Kind.DEPARTURE_UNBIND: {
        "zh-CN": ("请解绑实名信息", "账号存在未结算资产，请手动解除实名绑定以完成离职交接。"),
        "en": ("Please unbind your real name",
               "The account holds unsettled assets: unbind your real name so the departure can complete."),
        "vi": ("Vui lòng hủy liên kết tên thật",
               "Tài khoản còn tài sản chưa thanh toán: hãy hủy liên kết tên thật để hoàn tất nghỉ việc."),
    },
    Kind.AUTHORISATION_CHANGED: {
        "zh-CN": ("授权信息已更新", "企业主账号已修改您的授权（{changed}），即时生效。"),
        "en": ("Your authorisation was changed",
               "The enterprise changed your authorisation ({changed}); the change is in force now."),
        "vi": ("Ủy quyền của bạn đã thay đổi",
               "Doanh nghiệp đã thay đổi ủy quyền của bạn ({changed}); thay đổi có hiệu lực ngay."),
    },
    Kind.AUTHORISATION_ENDING: {
        "zh-CN": ("授权将在{days_left}天后到期", "员工号授权将于 {valid_until} 到期，到期后授权解除。"),
        "en": ("Authorisation ends in {days_left} day(s)",
               "The employee account's authorisation ends on {valid_until}; its grants end with it."),
        "vi": ("Ủy quyền hết hạn sau {days_left} ngày",
               "Ủy quyền của tài khoản nhân viên hết hạn vào {valid_until}; các quyền sẽ chấm dứt."),
    },
    Kind.AUTHORISATION_ENDED: {
        "zh-CN": ("授权已到期", "员工号授权已于 {valid_until} 到期，授权已解除，名额已释放。"),
        "en": ("Authorisation ended",
               "The employee account's authorisation ended on {valid_until}: its grants are revoked and "
               "its seat is free."),
        "vi": ("Ủy quyền đã hết hạn",
               "Ủy quyền của tài khoản nhân viên đã hết hạn vào {valid_until}: các quyền bị thu hồi và suất đã "
               "được giải phóng."),
    },
    Kind.SUPPORT_CASE_OUTCOME: {
        "zh-CN": ("客服工单{outcome}", "您提交的工单{outcome}：{note}。"),
        "en": ("Support case {outcome}", "Your support case was {outcome}: {note}."),
        "vi": ("Yêu cầu hỗ trợ {outcome}", "Yêu cầu hỗ trợ của bạn {outcome}: {note}."),
    },
}


@dataclass(frozen=True)
class Rendered:
    locale: str
    title: str
    body: str


def resolve_locale(requested: str | None) -> str:
    """The best supported locale: exact, then same language (zh-TW → zh-CN), then English."""
    if not requested:
        return DEFAULT_LOCALE
    wanted = requested.replace("_", "-").lower()
    for locale in LOCALES:
        if locale.lower() == wanted:
            return locale
    language = wanted.split("-")[0]
    for locale in LOCALES:
        if locale.lower().split("-")[0] == language:
            return locale
    return DEFAULT_LOCALE


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: Kind, requested_locale: str | None, params: dict[str, Any]) -> Rendered:
    """Title and body of a notification in the recipient's locale (or its fallback)."""
    locale = resolve_locale(requested_locale)
    values = _Blank(params)
    if "source" in params:
        values["label"] = WINDOW_LABELS.get(params["source"], {}).get(locale, params["source"])
    if "outcome" in params:
        values["outcome"] = OUTCOME_LABELS.get(params["outcome"], {}).get(locale, params["outcome"])
    if kind == Kind.CERT_BADGE_SUSPENDED:
        reason = str(params.get("reason", ""))
        values["reason"] = SUSPENSION_REASONS.get(reason, SUSPENSION_REASONS["_other"])[locale]
    if kind == Kind.AUTHORISATION_CHANGED:
        separator = "、" if locale == "zh-CN" else ", "
        values["changed"] = separator.join(CHANGED_LABELS.get(c, {}).get(locale, c) for c in params.get("changed", []))
    if kind == Kind.SUPPORT_CASE_OUTCOME:
        values["outcome"] = CASE_OUTCOMES.get(params.get("case_outcome", ""), {}).get(locale, "")
        values["note"] = CASE_NOTES.get(params.get("note_code", ""), {}).get(locale, params.get("note_code", ""))
    reasons = params.get("reasons")
    values["reasons"] = "; ".join(reasons) if isinstance(reasons, list) else (reasons or "")
    title, body = TEMPLATES[kind][locale]
    return Rendered(locale, title.format_map(values).strip(), body.format_map(values).strip())
