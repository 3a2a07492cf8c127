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
    "btn_menu": "主菜单",
    "btn_back": "返回",
    "btn_prev": "上一页",
    "btn_next": "下一页",
    "help": (
        "怎么用：\n"
        "· 回复选项前面的数字，就是选它。比如回复 1。\n"
        "· 直接打字就是搜索课程，比如“书法”“跳舞”，拼音“shufa”或“sf”也行。\n"
        "· 回复“菜单”回到主菜单，回复“我的报名”查看已报的课。\n"
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
    # time formats
    "weekday": "一二三四五六日",
    "when": "{month}月{day}日（周{weekday}）{start}–{end}",
}

TEXTS = {"zh": ZH}


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for a key, filled with values."""
    template = TEXTS.get(lang, ZH).get(key) or ZH[key]
    return template.format(**values) if values else template
