"""Every text residents see, in one place. Chinese (simplified) first; other sets can follow."""
from __future__ import annotations

ZH: dict[str, str] = {
    # main menu and help
    "greeting": "您好，欢迎来到邻里文体服务！\n在这里可以查看服务菜单、报名课程。请回复数字选择：",
    "menu_title": "主菜单，请回复数字选择：",
    "btn_browse": "服务菜单",
    "btn_search": "搜索",
    "btn_my": "我的报名",
    "btn_help": "帮助",
    "btn_settings": "设置",
    "btn_more": "更多服务",
    "more_title": "更多服务，请回复数字选择：",
    "btn_menu": "主菜单",
    "btn_back": "返回",
    "btn_prev": "上一页",
    "btn_next": "下一页",
    "help": (
        "怎么用：\n"
        "· 回复选项前面的数字，就是选它。比如回复 1。\n"
        "· 直接打字就是搜索课程，比如“书法”“跳舞”，拼音“shufa”或“sf”也行。\n"
        "· 回复“菜单”回到主菜单，回复“我的报名”查看已报的课。\n"
        "· 回复“设置”可以开关上课提醒。\n"
        "· 回复“帮助”再看这段说明。"
    ),
    "unknown": "没太明白您的意思，请回复数字选择，或直接打字搜索课程：",
    "unknown_command": "没有这个指令。请回复数字选择：",
    "bad_number": "没有第 {n} 项，请回复 1 到 {max} 之间的数字：",
    "no_choices": "现在没有可选的编号。请回复数字选择：",
    "too_long": "内容太长了，请简短一些（不超过 {limit} 个字）。",
    "busy": "系统繁忙，请稍后再试。",
    "expired": "这个选项已经失效了，请重新选择：",
    # browsing
    "sections_title": "服务菜单，请选择类别：",
    "categories_title": "{section}类，请选择项目：",
    "courses_title": "{category}，共 {count} 门课程，请选择：",
    "no_courses": "{category}暂时没有开放的课程。",
    "page_info": "（第 {page}/{pages} 页）",
    "course_label": "{title}",
    # course detail
    "course_detail": (
        "【{title}】\n"
        "讲师：{teacher}\n"
        "地点：{venue}（{address}）\n"
        "时间：\n{sessions}\n"
        "剩余名额：{seats_left}/{capacity}\n"
        "{description}"
    ),
    "course_more_sessions": "……共 {count} 次课",
    "course_full_note": "名额已满，现在报名将进入候补。",
    "course_your_place": "您已报名这门课。",
    "course_your_wait": "您在候补名单第 {position} 位。",
    "btn_sign_up": "报名",
    "btn_wait": "报名候补",
    "btn_cancel_signup": "取消报名",
    "course_missing": "没有找到这门课程，可能已下架。",
    # sign-up
    "confirm_signup": "确认报名【{title}】吗？\n共 {count} 次课，首次：{first}，{venue}。",
    "confirm_wait": "【{title}】名额已满。确认加入候补吗？有人取消时按顺序递补。",
    "btn_confirm_signup": "确认报名",
    "btn_confirm_wait": "确认候补",
    "btn_not_now": "再想想",
    "signed_up": "报名成功！\n【{title}】首次上课：{first}\n地点：{venue}（{address}）",
    "waitlisted": "名额已满，您已进入候补，排在第 {position} 位。有人取消时会第一时间通知您。",
    "already_signed_up": "您已经报名【{title}】了，不用重复报名。",
    "already_waiting": "您已在【{title}】的候补名单中，排在第 {position} 位。",
    "course_ended": "【{title}】已经结束，不能报名了。",
    # my sign-ups
    "my_title": "我的报名：",
    "my_empty": "您还没有报名任何课程。",
    "my_confirmed_line": "{n}. 【{title}】已报名，下次上课：{next}",
    "my_waiting_line": "{n}. 【{title}】候补第 {position} 位",
    "my_no_next": "暂无后续课程",
    "btn_cancel_one": "取消报名：{title}",
    "confirm_cancel": "确定取消【{title}】的报名吗？",
    "btn_confirm_cancel": "确定取消",
    "btn_keep": "不取消",
    "cancelled": "已取消【{title}】的报名。",
    "already_cancelled": "这个报名已经取消过了。",
    "signup_missing": "没有找到这条报名记录。",
    "promoted": "好消息！您候补的【{title}】有空位了，已为您报名成功。\n首次上课：{first}\n地点：{venue}（{address}）",
    # search
    "search_prompt": "请输入想找的课程或项目，比如：书法、跳舞、太极，也可以打拼音 shufa 或 sf：",
    "search_results": "为您找到这些（回复数字查看）：",
    "search_none": "没找到和“{query}”相关的课程。换个说法试试，或从服务菜单里找：",
    "search_category": "{name}（项目）",
    # reminders and 请假
    "reminder_head": "上课提醒",
    "reminder_head_today": "上课提醒：您今天有课",
    "reminder_head_tomorrow": "上课提醒：您明天有课",
    "reminder": (
        "{head}\n"
        "【{title}】\n"
        "时间：{when}\n"
        "地点：{venue}（{address}）\n"
        "讲师：{teacher}\n"
        "这次来不了请选“请假”；以后都不来了请选“取消报名”。"
    ),
    "btn_leave": "请假",
    "leave_recorded": "已为您请假：【{title}】{when}。\n这次课不再提醒您，以后的课照常。",
    "leave_already": "【{title}】{when} 这次课您已经请过假了。",
    "leave_started": "这次课已经开始了，不能请假了。",
    "leave_not_enrolled": "您没有这门课的名额，不用请假。",
    "session_missing": "没有找到这次课，可能已经调整了。",
    # satisfaction poll
    "poll": (
        "【{title}】{when} 的课上完了，您觉得怎么样？\n"
        "优＝很满意，良＝满意，中＝一般，差＝不满意。请选一个："
    ),
    "rating_recorded": "谢谢您的评价（{grade}）！\n还有什么想说的，直接打字告诉我们；没有就选“跳过”。",
    "rating_already": "这次课您已经评价过了（{grade}），谢谢！",
    "rating_closed": "这次课的评价已经结束了，谢谢您的关心。",
    "rating_not_ended": "这次课还没上完，上完课再来评价吧。",
    "rating_not_enrolled": "只有参加了这次课的学员才能评价。",
    "rating_bad": "这个评价选项无效了，请重新选择。",
    "btn_skip": "跳过",
    "comment_saved": "收到您的意见，谢谢！",
    "comment_skipped": "好的，谢谢您的评价！",
    "comment_already": "这次课的意见已经收到了，谢谢！",
    # settings
    "settings_title": "设置\n上课提醒：{state}\n（开启时，每次课前 {offsets}各提醒您一次）",
    "reminders_state_on": "已开启",
    "reminders_state_off": "已关闭",
    "btn_reminders_off": "关闭上课提醒",
    "btn_reminders_on": "开启上课提醒",
    "reminders_turned_off": "已关闭上课提醒。课后的评价还会发给您。\n想再开启，回复“设置”。",
    "reminders_turned_on": "已开启上课提醒，每次课前 {offsets}各提醒您一次。",
    "offset_days": "{n} 天",
    "offset_hours": "{n} 小时",
    "offset_minutes": "{n} 分钟",
    "offset_sep": "、",
    # staff access and invites
    "staff_only": "抱歉，这个功能只对工作人员开放。如需开通，请联系社区或文化馆。",
    "invite_how": "请回复“邀请码”加上工作人员给您的编码，比如：邀请码 ABCD2345",
    "invite_granted": "已为您开通“{role}”身份（范围：{community}）。",
    "invite_unknown": "没有找到这个邀请码，请核对后再试。",
    "invite_used": "这个邀请码已经用过了，请向工作人员要一个新的。",
    "invite_expired": "这个邀请码已过期，请向工作人员要一个新的。",
    "everywhere": "全区",
    "role_volunteer": "志愿者",
    "role_grid_staff": "网格员",
    "role_organizer": "组织者",
    "role_admin": "管理员",
    # time formats
    "weekday": "一二三四五六日",
    "when": "{month}月{day}日（周{weekday}）{start}–{end}",
    # linking accounts of two chat apps
    "btn_link": "绑定账号",
    "link_code": (
        "您的绑定码：{code}\n"
        "{minutes} 分钟内有效，只能用一次。\n"
        "请在另一个聊天软件里给我发：绑定 {code}\n"
        "如果您手上是另一边的绑定码，直接回复那 6 位数字就行。"
    ),
    "link_done": "绑定成功！两边的报名已合并成一份，在哪边查看“我的报名”都一样。",
    "link_bad": "绑定码不对，或已用过、已过期。请再输一次，或在另一边重新发“绑定”拿新码。",
    "link_own": "这是您自己的绑定码。请到另一个聊天软件里发：绑定 {code}",
    "link_locked": "输错次数太多了，请过 {minutes} 分钟再试。",
    # WeCom (企业微信)
    "wecom_text_only": "目前只能看懂文字消息。请打字，或回复选项前面的数字。",
    "wecom_choice_line": "回复 {n} {label}",
    "wecom_card_hint": "点下面的按钮，或回复数字",
    "wecom_card_done": "已选择",
    # web chat page
    "web_bad_request": "消息格式不对，请刷新页面后再试。",
    "web_bad_choice": "这个按钮认不出来了，请刷新页面后重新选择。",
    "web_empty": "请先输入内容再发送。",
    "web_too_large": "内容太长了，请简短一些。",
    "web_too_fast": "您发得太快了，请休息几秒再试。",
    "web_no_session": "页面已过期，请刷新页面后再试。",
}

TEXTS = {"zh": ZH}


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for a key, filled with values."""
    template = TEXTS.get(lang, ZH).get(key) or ZH[key]
    return template.format(**values) if values else template
