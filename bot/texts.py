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
        "· 回复选项前面的数字，就是选它。比如回复 1，写“一”“第一个”也行。\n"
        "· 按钮上的字也可以直接打，比如“报名”“返回”“下一页”。\n"
        "· 打字就是搜索课程，比如“书法”“跳舞”“太极”。\n"
        "· 回复“主菜单”回到主菜单，回复“我的报名”查看已报的课。\n"
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
    # course detail
    "course_detail": (
        "【{title}】\n"
        "讲师：{teacher}\n"
        "地点：{venue}（{address}）\n"
        "时间：\n{sessions}\n"
        "{seats}\n"
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
    "my_empty": "您还没有报名任何课程。",
    "my_no_next": "暂无后续课程",
    "confirm_cancel": "确定取消【{title}】的报名吗？",
    "btn_confirm_cancel": "确定取消",
    "btn_keep": "不取消",
    "cancelled": "已取消【{title}】的报名。",
    "already_cancelled": "这个报名已经取消过了。",
    "signup_missing": "没有找到这条报名记录。",
    "session_moved": "调课通知：【{title}】原定 {old} 的课，改到 {new}。\n地点：{venue}",
    "session_cancelled": "停课通知：【{title}】{when} 的课取消了，其他课照常。",
    "promoted": "好消息！您候补的【{title}】有空位了，已为您报名成功。\n首次上课：{first}\n地点：{venue}（{address}）",
    # search
    "search_prompt": "请输入想找的课程或项目，比如：书法、跳舞、太极：",
    "search_results": "为您找到这些（回复数字查看）：",
    "search_none": "没找到和“{query}”相关的课程。换个说法试试，或从服务菜单里找：",
    "search_category": "{name} · 全部课程",
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
    "btn_course_reminders": "按课程设置提醒",
    "course_reminders_title": "按课程开关上课提醒",
    "course_reminders_line": "·【{title}】提醒：{state}",
    "course_reminders_none": "这门课暂不发提醒",
    "btn_course_reminders_off": "关闭【{title}】的提醒",
    "btn_course_reminders_on": "开启【{title}】的提醒",
    "course_reminders_turned_off": "已关闭【{title}】的上课提醒，其他课程照常提醒。",
    "course_reminders_turned_on": "已开启【{title}】的上课提醒。",
    "course_reminders_empty": "您现在没有还在上的课程。报名以后，可以在这里按课程开关提醒。",
    "course_reminders_all_off": "（您关闭了全部上课提醒，这里的设置要在重新开启后才生效。）",
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
    # votes (投票), prize draws (抽奖) and monthly reports (统计报表)
    "btn_votes": "参与投票",
    "votes_title": "进行中的投票，请选择：",
    "votes_none": "现在没有进行中的投票。",
    "votes_ended_label": "{title}（已结束）",
    "vote_head": "【{title}】\n投票时间：{opens} 至 {closes}\n规则：{rule}",
    "vote_rule_daily": "每人每天可投一票",
    "vote_rule_once": "每人只能投一票",
    "vote_pick": "请选择您要投的一项：",
    "vote_done_today": "您今天已投给【{label}】。{next}",
    "vote_done_once": "您已投给【{label}】，每人只能投一次。",
    "vote_next": "{when} 起可以再投。",
    "vote_next_tomorrow": "明天 00:00",
    "vote_no_next": "投票 {closes} 截止，感谢参与。",
    "vote_upcoming": "投票还没开始，{opens} 开始。",
    "vote_ended": "投票已于 {closes} 截止。",
    "vote_missing": "没有找到这个投票，可能已经撤下了。",
    "vote_recorded": "投票成功！您投给了【{label}】。\n{next}",
    "vote_already_today": "您今天已经投过票了（投给了【{label}】）。\n{next}",
    "vote_already_once": "您已经投过票了（投给了【{label}】），每人只能投一次。",
    "vote_closed": "投票已经截止了，谢谢您的关心。",
    "vote_bad_option": "这个选项已经无效了，请重新选择：",
    "vote_results_now": "当前票数：",
    "vote_results_final": "最终结果：",
    "vote_result_line": "{rank}. {label}　{count} 票",
    "vote_results_hidden": "结果将在 {closes} 截止后公布。",
    "vote_results_live": "实时公布",
    "vote_results_after": "截止后公布",
    "btn_vote_results": "查看结果",
    "vote_chart_title": "{title} 投票结果",
    "vote_closed_push": "投票【{title}】已截止。\n共 {voters} 人参与，{ballots} 票。\n{top}\n图表和 Excel 明细见附件。",
    "vote_bad_title_empty": "标题不能为空。",
    "vote_bad_title_long": "标题太长了，不能超过 {limit} 个字。",
    "vote_bad_few": "至少要有 {min} 个选项。",
    "vote_bad_many": "选项太多了，最多 {max} 个。",
    "vote_bad_blank": "有的选项是空的，请把名称写上。",
    "vote_bad_long": "选项“{label}”太长了，每项不能超过 {limit} 个字。",
    "vote_bad_dup": "选项“{label}”重复了。",
    "vote_bad_time": "开始或截止时间没填对。",
    "vote_bad_order": "截止时间要晚于开始时间。",
    "vote_bad_past": "截止时间已经过了，请填以后的时间。",
    "vote_bad_rule": "规则只能是 daily（每人每天一票）或 once（每人只投一次）。",
    "vote_bad_results": "结果公布方式只能是 live（实时公布）或 after_close（截止后公布）。",
    "nv_title_ask": "发起投票（第 1/6 步）\n请输入投票标题，比如：最受欢迎课程",
    "nv_options_ask": (
        "第 2/6 步：请输入选项，每行一个（{min}–{max} 项）。\n"
        "可以直接写课程编号或教学点编号，会自动换成名称；也可以写成“名称 | 编号”。"
    ),
    "nv_opens_ask": "第 3/6 步：什么时候开始？比如 12-01 08:00，或回复“现在”。",
    "nv_closes_ask": "第 4/6 步：什么时候截止？比如 12-08 20:00。",
    "nv_bad_when": "没看懂这个时间，请写成 12-01 08:00 或 2026-12-01 08:00：",
    "nv_rule_ask": "第 5/6 步：每人可以投几次？",
    "btn_rule_daily": "每人每天一票",
    "btn_rule_once": "每人只投一次",
    "nv_results_ask": "第 6/6 步：结果什么时候公布？",
    "btn_results_live": "实时公布",
    "btn_results_after": "截止后公布",
    "nv_preview": "请确认：\n【{title}】\n选项：\n{options}\n时间：{opens} 至 {closes}\n规则：{rule}\n结果：{results}",
    "btn_nv_confirm": "确认发布",
    "btn_nv_cancel": "取消",
    "nv_created": (
        "投票已发布，编号 {id}。\n"
        "居民可以在主菜单“参与投票”里投；通知里加一个 vote:{id} 选项可以直接投票；"
        "Telegram 链接加上 ?start=vote-{id} 也行。"
    ),
    "nv_cancelled": "已取消，没有发布投票。",
    "nv_expired": "这份投票草稿已经失效了，请重新发 /newvote。",
    "btn_draw": "抽奖",
    "draw_pick": "要给哪个投票抽奖？请选择：",
    "draw_none": "还没有已截止的投票，截止后才能抽奖。",
    "draw_count_ask": "【{title}】共 {candidates} 人参与投票。要抽几位？请回复数字：",
    "draw_preview": "从【{title}】的 {candidates} 位投票人中抽 {count} 位，每人最多中一次。确认抽奖吗？",
    "btn_draw_confirm": "确认抽奖",
    "draw_done": (
        "抽奖完成！【{title}】从 {candidates} 人中抽出 {count} 位：\n{winners}\n"
        "随机种子：{seed}\n已通知中奖人。复核：linli vote draw {id} --winners {count} --seed {seed} --check"
    ),
    "draw_winner_line": "{n}. {name}（居民编号 {id}）",
    "draw_winner_push": "恭喜您！在【{title}】投票的抽奖中，您中奖了。工作人员会联系您领奖。",
    "draw_not_found": "没有找到这个投票。",
    "draw_not_ended": "投票还没截止，截止后才能抽奖。",
    "draw_bad_count": "请回复 1 到 {max} 之间的数字。",
    "draw_bad_seed": "随机种子只能用字母、数字、- 和 _，最长 64 位。",
    "draw_too_few": "只有 {candidates} 人参与投票，不够抽 {count} 位。",
    "report_done": "{month}统计报表：课程 {sessions} 场，{visits} 人次。\n明细见 Excel 附件。",
    "report_chart_visits": "{month}各类别服务人次",
    "report_chart_good": "{month}课程满意度（优良率）",
    "report_bad_month": "月份没看懂，请写成 /report 2026-11。",
    "report_future": "{month}还没开始，没有数据。",
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
    "text_only": "目前只能看懂文字（语音、图片、表情、文件和位置都看不了）。请打字，或回复数字选择：",
    "wechat_template_first": "邻里文体服务给您的消息",
    "wechat_template_remark": "点这里打开网页继续办理，或在公众号里回复我们。",
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
    # service orders: 点单 → 派单 → 接单 → 完成 → 评价
    "btn_order": "点单服务",
    "btn_my_orders": "我的点单",
    "btn_order_desk": "点单派单",
    "order_services_title": "点单服务：想请我们把什么送到您的社区？请选择：",
    "order_no_services": "暂时没有可以点单的服务。",
    "order_service_label": "{name}（{kind}）",
    "order_service_intro": "【{name}】\n{description}{rules}\n\n下面问您几个问题，一次答一个。",
    "order_rule_lead": "\n请至少提前 {days} 天点单。",
    "order_rule_min": "\n至少 {n} 人参加。",
    "order_ask_community": "1/6 在哪个社区或村？比如：幸福社区",
    "order_ask_place": "2/6 具体在什么地方？比如：幸福社区文化广场",
    "order_ask_dates": "3/6 希望哪天？比如：12月20日或21日下午",
    "order_ask_audience": "4/6 预计多少人参加？请直接回复数字，比如 80，这一步回复的数字就是人数。\n（回复“不点了”就不点了）",
    "order_ask_contact": "5/6 联系人怎么称呼？比如：王阿姨",
    "order_ask_phone": "6/6 联系电话（11 位手机号）？不想留请选“跳过”。",
    "order_text_long": "请简短一些，不超过 {limit} 个字：",
    "order_bad_audience": "请回复参加人数的数字，比如 80：",
    "order_audience_low": "【{name}】至少要 {min} 人参加，请重新回复人数：",
    "order_audience_high": "人数太多了，请回复 1 到 {max} 之间的数字：",
    "order_bad_phone": "手机号要 11 位、以 1 开头，比如 13812345678。请重新输入，或选“跳过”：",
    "order_no_phone": "未留",
    "order_summary": (
        "请核对您的点单：\n"
        "服务：{service}\n"
        "社区：{community}\n"
        "地点：{place}\n"
        "希望时间：{dates}\n"
        "人数：{audience} 人\n"
        "联系人：{contact}\n"
        "电话：{phone}"
    ),
    "btn_order_submit": "确认提交",
    "btn_order_restart": "重新填写",
    "btn_order_quit": "不点了",
    "order_placed": "点单成功！单号：{number}\n我们会尽快安排，每一步都会通知您。\n在“更多服务 → 我的点单”里可以查看进度。",
    "order_quit": "好的，这次先不点了。",
    "order_form_lost": "点单的内容已经失效了，请重新点单。",
    "order_service_gone": "这项服务暂时不能点单了，请选其他服务。",
    "my_orders_title": "我的点单（回复数字查看详情）：",
    "my_orders_empty": "您还没有点过单。",
    "order_line": "{number} {service} · {status}",
    "desk_line": "{number} {service} · {community} · {status}",
    "order_detail": (
        "单号：{number}\n"
        "服务：{service}\n"
        "状态：{status}\n"
        "社区：{community}\n"
        "地点：{place}\n"
        "希望时间：{dates}\n"
        "人数：{audience} 人\n"
        "联系人：{contact}（{phone}）"
    ),
    "order_detail_team": "服务队伍：{team}",
    "order_detail_date": "服务日期：{date}",
    "order_detail_headcount": "实际服务：{headcount} 人",
    "order_detail_reason": "婉拒原因：{reason}",
    "order_history_title": "办理记录：",
    "order_history_line": "{when} {step}{note}",
    "order_date": "{month}月{day}日（周{weekday}）",
    "order_date_year": "{year}年{month}月{day}日（周{weekday}）",
    "order_note_headcount": "{headcount} 人",
    "order_note_date": "{year}年{month}月{day}日",
    "order_status_ordered": "已点单",
    "order_status_dispatched": "已派单",
    "order_status_declined": "已婉拒",
    "order_status_accepted": "已接单",
    "order_status_done": "已完成",
    "order_status_rated": "已评价",
    "order_step_returned": "队伍婉拒，退回重派",
    "order_missing": "没有找到这张点单。",
    "btn_rate_order": "评价这次服务",
    "btn_order_list": "返回列表",
    # service orders: the poll after a delivered service
    "order_poll": (
        "【{service}】（单号 {number}）已经完成，共服务 {headcount} 人。您觉得怎么样？\n"
        "优＝很满意，良＝满意，中＝一般，差＝不满意。请选一个："
    ),
    "order_rating_already": "这次服务您已经评价过了（{grade}），谢谢！",
    "order_rating_not_done": "这次服务还没完成，完成后再来评价吧。",
    "order_rating_not_asked": "只有点这次服务的居民才能评价。",
    "order_comment_already": "这次服务的意见已经收到了，谢谢！",
    # service orders: what residents, teams and organizers are told
    "order_push_dispatched": "您点的【{service}】（单号 {number}）已派给【{team}】，等他们确认时间后会再通知您。",
    "order_push_declined": "抱歉，您点的【{service}】（单号 {number}）这次没能安排。\n原因：{reason}",
    "order_push_accepted": "好消息！您点的【{service}】（单号 {number}）已由【{team}】接单。\n服务日期：{date}",
    "order_push_rearranging": "您点的【{service}】（单号 {number}）正在重新安排服务队伍，请耐心等待。",
    "order_push_to_team": (
        "新派单：【{service}】单号 {number}\n"
        "社区：{community}\n"
        "地点：{place}\n"
        "希望时间：{dates}\n"
        "人数：{audience} 人\n"
        "联系人：{contact}（{phone}）\n"
        "请选择接单或婉拒："
    ),
    "order_push_team_accepted": "【{team}】已接单：单号 {number}（{service}），服务日期 {date}。",
    "order_push_returned": "【{team}】婉拒了单号 {number}（{service}），已退回给您重新派单。\n原因：{reason}",
    # service orders: the organizer's and the team's side
    "desk_title": "待办的点单（回复数字查看）：",
    "desk_empty": "现在没有待办的点单。",
    "team_desk_title": "派给您队伍的点单（回复数字查看）：",
    "btn_dispatch": "派单",
    "btn_decline": "婉拒",
    "btn_accept": "接单",
    "btn_complete": "登记完成",
    "btn_view_order": "查看详情",
    "btn_not_now_order": "先不处理",
    "dispatch_pick_team": "单号 {number} 派给哪支队伍？",
    "dispatch_no_team": "暂时没有能服务{community}的队伍。",
    "dispatch_bad_team": "这支队伍不能服务这个社区，请换一支。",
    "order_dispatched": "已把单号 {number} 派给【{team}】，并通知了队伍负责人。",
    "order_dispatched_no_leader": "已把单号 {number} 派给【{team}】。这支队伍还没有负责人，请电话通知他们。",
    "order_ask_decline": "请写一下婉拒单号 {number} 的原因（会告诉点单的居民）：",
    "order_declined": "已婉拒单号 {number}，并告诉了点单的居民。",
    "order_ask_return": "请写一下婉拒的原因（单号 {number} 会退回组织者重新派单）：",
    "order_returned": "已婉拒，单号 {number} 已退回组织者重新派单。",
    "order_ask_reason_again": "请写一下原因：",
    "order_ask_date": "单号 {number} 哪天去服务？请回复日期，比如 12-20 或 2026-12-20。\n居民希望：{dates}",
    "order_bad_date": "没看懂这个日期。请按 12-20 或 2026-12-20 这样回复：",
    "order_past_date": "这个日期已经过去了，请回复今天以后的日期：",
    "order_far_date": "日期太远了，请回复一年以内的日期：",
    "order_accepted": "已接单！单号 {number} 服务日期定在 {date}，已通知点单的居民。",
    "order_ask_headcount": "单号 {number}：实际服务了多少人？请直接回复数字，比如 120。\n（回复“取消”先不登记）",
    "order_bad_headcount": "请回复实际服务人数的数字，比如 120：",
    "order_completed": "已登记完成：单号 {number}，服务 {headcount} 人。已请点单的居民评价。",
    "order_ask_hours": ("单号 {number}：队员们这次服务了几小时？每位队员按这个时长记积分。\n"
                        "请回复数字，比如 2；半小时写 0.5，一个半小时写 1.5。\n（回复“取消”先不登记）"),
    "btn_hours": "{n} 小时",
    "order_bad_hours": "请回复服务的小时数，比如 2 或 1.5（最多 {max} 小时）：",
    "order_hours_stale": "单号 {number} 的完成登记已经过期了，请重新点“登记完成”。",
    "order_credited": "已为【{team}】的 {n} 位队员各记服务 {hours} 小时、积分 {points} 分。",
    "order_credited_nobody": "【{team}】还没有登记队员，这次没有记积分。",
    "order_illegal": "单号 {number} 现在是“{status}”，不能{action}。",
    "order_action_dispatch": "派单",
    "order_action_decline": "婉拒",
    "order_action_accept": "接单",
    "order_action_return": "婉拒",
    "order_action_complete": "登记完成",
    "order_not_team": "这张点单没有派给您的队伍，不能操作。",
    "order_step_dropped": "好的，先不处理。",
    # volunteers and the points bank (为民银行)
    "btn_points": "我的积分",
    "pts_title": "我的积分\n现有积分：{balance} 分\n累计服务：{hours} 小时",
    "pts_recent": "最近记录：",
    "pts_empty": "还没有积分记录。参加志愿服务就能攒积分，积分可以兑换礼品。",
    "pts_line": "{month}月{day}日 {points} 分 {what}",
    "pts_src_order": "志愿服务：{reason}",
    "pts_src_order_plain": "完成志愿服务",
    "pts_src_session": "讲课：{reason}",
    "pts_src_session_plain": "志愿讲课",
    "pts_src_redeem": "兑换：{reason}",
    "pts_src_redeem_plain": "兑换礼品",
    "pts_src_manual": "工作人员调整",
    "points_credited": "积分到账：{what}，记服务 {hours} 小时，积分 +{points} 分。\n现有积分：{balance} 分。",
    "points_for_order": "您参加的【{service}】（单号 {number}）已完成",
    "points_for_session": "您 {when} 讲的【{title}】已上完",
    "btn_rewards": "兑换礼品",
    "rewards_title": "可兑换的礼品（您现有 {balance} 分），回复数字选择：",
    "rewards_none": "暂时没有可兑换的礼品。",
    "reward_label": "{name}（{points} 分，剩 {stock} 件）",
    "reward_label_gone": "{name}（{points} 分，已兑完）",
    "reward_missing": "没有找到这个礼品，可能已下架。",
    "reward_gone": "【{name}】已经兑完了，请选别的礼品。",
    "reward_not_enough": "积分不够：【{name}】需要 {points} 分，您现有 {balance} 分。",
    "reward_confirm": "用 {points} 分兑换【{name}】吗？兑换后还剩 {left} 分。",
    "btn_confirm_redeem": "确认兑换",
    "reward_stale": "这个兑换按钮已经用过或失效了。请到“兑换礼品”里重新选择。",
    "reward_done": "兑换成功！【{name}】扣 {points} 分，还剩 {balance} 分。\n礼品准备好后，工作人员会通知您领取。",
    "btn_volunteer": "志愿者服务",
    "btn_volunteer_register": "志愿者登记",
    "btn_cancel_form": "取消",
    "vol_intro": "欢迎加入志愿者！\n志愿者可以接单服务居民、教课，服务时长换积分，积分能兑换礼品。\n登记要填：姓名、所在社区、特长、能服务的时间。",
    "vol_was_rejected": "您上次的登记没有通过，原因：{reason}",
    "vol_ask_name": "第 1 步（共 4 步）：请输入您的姓名：",
    "vol_ask_community": "第 2 步（共 4 步）：您住在哪个社区？回复数字选择，或直接打字：",
    "vol_ask_skills": "第 3 步（共 4 步）：您有什么特长？比如：书法、唱歌、摄影、陪伴老人。请直接打字：",
    "vol_ask_available": "第 4 步（共 4 步）：您什么时间能参加服务？回复数字选择，或直接打字：",
    "vol_skills_any": "没有特长，听从安排",
    "vol_times": "工作日白天|工作日晚上|周末|时间都可以",
    "vol_bad_name": "姓名请写 2 到 20 个字，不要带数字和符号。",
    "vol_bad_community": "社区名称请写 2 到 30 个字。",
    "vol_bad_skills": "特长请写 2 到 100 个字。",
    "vol_bad_available": "服务时间请写 2 到 60 个字，比如：周末上午。",
    "vol_summary": "请核对您的登记：\n姓名：{name}\n社区：{community}\n特长：{skills}\n服务时间：{available}",
    "btn_vol_submit": "确认提交",
    "btn_vol_redo": "重新填写",
    "vol_form_expired": "登记信息已失效，请重新填写。",
    "vol_submitted": "登记已提交！工作人员审核后会通知您。",
    "vol_pending": "{name}，您的志愿者登记正在审核中，通过后会通知您。",
    "btn_vol_withdraw": "撤回登记",
    "vol_active": "{name}，您是{community}的志愿者，正在服务中。",
    "vol_paused": "{name}，您的志愿服务已暂停，暂停期间不会给您派单。",
    "btn_vol_pause": "暂停服务",
    "btn_vol_resume": "恢复服务",
    "btn_vol_leave": "退出志愿者",
    "vol_paused_now": "已暂停志愿服务，暂停期间不会给您派单。想恢复时回复“志愿者”。",
    "vol_resumed_now": "欢迎回来！已恢复志愿服务。",
    "vol_leave_confirm": "确定退出志愿者吗？您的积分会保留，以后还可以重新登记。",
    "btn_vol_leave_yes": "确定退出",
    "btn_vol_stay": "不退出",
    "vol_left_now": "已退出志愿者。您的 {balance} 分积分仍然保留，可以继续兑换礼品。",
    "vol_approved_push": "好消息！{name}，您的志愿者登记已通过。\n服务积累的积分可以在“我的积分”里查看和兑换。",
    "vol_rejected_push": "您的志愿者登记没有通过，原因：{reason}\n如有疑问，请联系社区或文化馆。",
    "credit_push": "您的积分有变动：{points} 分（{reason}）。现有 {balance} 分。",
    "rdm_push": "您兑换的【{reward}】已发放，感谢您的志愿服务！",
    # volunteers: organizers' screens
    "resident_n": "居民{id}",
    "vol_status_pending": "待审核",
    "vol_status_active": "服务中",
    "vol_status_paused": "已暂停",
    "vol_status_left": "已退出",
    "vol_status_rejected": "未通过",
    "vols_title": "待审核的志愿者登记（{count} 人），回复数字查看：",
    "vols_none": "目前没有待审核的志愿者登记。",
    "vols_label": "{name}（{community}）",
    "vols_missing": "没有找到这位志愿者。",
    "vols_detail": "志愿者登记\n姓名：{name}\n社区：{community}\n特长：{skills}\n服务时间：{available}\n状态：{status}",
    "btn_approve": "通过",
    "btn_reject": "不通过",
    "vols_already": "这条登记已经处理过了。",
    "vols_approved": "已通过【{name}】的登记，已通知本人。",
    "vols_ask_reason": "请写不通过【{name}】的原因（会发给本人）：",
    "vols_bad_reason": "原因请写 2 到 100 个字：",
    "vols_rejected": "已退回【{name}】的登记，原因已通知本人。",
    "btn_credit": "记积分",
    "btn_credit_more": "继续记积分",
    "btn_confirm": "确认",
    "credit_who": "给哪位志愿者记积分？回复数字选择，也可以打字输入姓名查找：",
    "credit_nobody": "还没有审核通过的志愿者。",
    "credit_no_match": "没找到名字里有“{text}”的志愿者，请换个写法：",
    "credit_n_points": "{n} 分",
    "credit_ask_points": "给【{name}】记多少分？（现有 {balance} 分）\n直接回复分数，比如“30”或“15分”；扣分写“-5分”。也可以点下面的常用分数。",
    "credit_bad_points": "分数请写 1 到 {most} 之间的整数，比如“30”或“15分”；扣分写“-5分”。",
    "credit_ask_reason": "【{name}】{points} 分。请写原因，比如“协助重阳节活动 3 小时”：",
    "credit_bad_reason": "原因请写 2 到 60 个字：",
    "credit_confirm": "确认给【{name}】记 {points} 分吗？\n原因：{reason}",
    "credit_expired": "这次记分已经失效了，请重新开始。",
    "credit_not_enough": "扣分后会低于 0 分，没有记录。【{name}】现有 {balance} 分。",
    "credit_done": "已为【{name}】记 {points} 分，现有 {balance} 分，已通知本人。",
    "rdm_title": "待发放的兑换（{count} 件），回复数字查看：",
    "rdm_none": "目前没有待发放的兑换。",
    "rdm_label": "{name}：{reward}",
    "rdm_missing": "没有找到这条兑换记录。",
    "rdm_detail": "兑换记录\n志愿者：{name}\n礼品：{reward}（{points} 分）\n申请日期：{month}月{day}日\n状态：{status}",
    "rdm_status_requested": "待发放",
    "rdm_status_handed_out": "已发放",
    "btn_handed_out": "已发放",
    "rdm_already": "这件礼品已经标记发放过了。",
    "rdm_done": "已标记发放：{name} 的【{reward}】，已通知本人。",
    # demand feedback (需求反馈)
    "btn_feedback": "意见反馈",
    "fb_title": "意见反馈：您想说哪方面？回复数字选择：",
    "fb_cat_course": "课程需求",
    "fb_cat_venue": "场馆",
    "fb_cat_service": "服务",
    "fb_cat_complaint": "投诉",
    "fb_cat_other": "其他",
    "fb_ask_course": "想学什么课？什么时间、在哪里方便？请直接打字告诉我们（{limit} 字以内），比如“希望周末开书法班”：",
    "fb_ask_venue": "关于场馆，您想说什么？请直接打字（{limit} 字以内）：",
    "fb_ask_service": "关于我们的服务，您想说什么？请直接打字（{limit} 字以内）：",
    "fb_ask_complaint": "请说说遇到了什么问题，我们会认真处理（{limit} 字以内）：",
    "fb_ask_other": "请直接打字告诉我们您的想法（{limit} 字以内）：",
    "btn_fb_other_kind": "换个类别",
    "fb_too_long": "内容有 {length} 个字，请精简到 {limit} 字以内再发：",
    "fb_thanks": "收到您的反馈，谢谢！工作人员处理后会回复您。",
    "fb_reply_push": "您 {month}月{day}日 的反馈“{text}”有回复了：\n{reply}",
    "fbs_title": "待处理的意见反馈（{count} 条），回复数字查看：",
    "fbs_none": "目前没有待处理的意见反馈。",
    "fbs_label": "[{category}] {text}",
    "fbs_missing": "没有找到这条反馈。",
    "fbs_detail": "【{category}】{month}月{day}日 {name}\n{text}",
    "fbs_replied": "已回复：{reply}",
    "btn_fb_reply": "回复并标记已处理",
    "fbs_ask_reply": "请输入给居民的回复（{limit} 字以内）：",
    "fbs_bad_reply": "回复请写 1 到 {limit} 个字：",
    "fbs_already": "这条反馈已经处理过了。",
    "fbs_done": "已回复，并标记为已处理。",
    # venue booking (场馆预约) and check-in (签到)
    "btn_booking": "场馆预约",
    "btn_my_bookings": "我的预约",
    "booking_venues_title": "场馆预约，请选择场馆：",
    "booking_open_today": "今天 {hours}",
    "booking_closed_today": "今天休息",
    "booking_no_venues": "目前还没有可以预约的场馆。",
    "booking_rooms_title": "【{venue}】\n地址：{address}　电话：{phone}\n{hours}\n请选择房间或场地：",
    "booking_room_label": "{name}（最多 {capacity} 人）",
    "booking_room_gone": "这个场地现在不能预约了，请重新选择。",
    "booking_days_title": "【{venue} · {room}】最多 {capacity} 人，每段 {minutes} 分钟。\n地址：{address}　{hours}\n请选择日期：",
    "booking_day": "{month}月{day}日（周{weekday}）",
    "booking_day_today": "（今天）",
    "booking_day_closed": " 休息{reason}",
    "booking_day_full": " 已约满",
    "booking_day_is_closed": "{day}不开放{why}，请选别的日子。",
    "booking_closed_why": "（{reason}）",
    "booking_day_no_slots": "{day}已经没有空闲时段了，请选别的日子。",
    "booking_slots_title": "【{room}】{day}的空闲时段，请选择：",
    "booking_slot_taken": "这个时段刚刚被别人约走了，请换一个：",
    "booking_slot_past": "这个时段已经过了，请换一个：",
    "booking_slot_unavailable": "这个时段现在不能预约了，请换一个：",
    "booking_ask_purpose": "请问用来做什么？回复数字选一个，或直接打字（{limit} 字以内），比如“合唱排练”：",
    "booking_purpose_group": "兴趣小组活动",
    "booking_purpose_rehearsal": "文艺排练",
    "booking_purpose_meeting": "开会议事",
    "booking_purpose_sport": "健身锻炼",
    "booking_purpose_reading": "读书学习",
    "booking_purpose_too_long": "用途写了 {length} 个字，请精简到 {limit} 字以内。",
    "booking_ask_headcount": "一共几位？请回复人数（1 到 {capacity}），这一步回复的数字就是人数。\n不约了请回复“返回”或“主菜单”。",
    "booking_headcount_not_number": "没看懂人数，请回复一个数字，比如 5。",
    "booking_headcount_too_many": "{room}最多容纳 {capacity} 人，{count} 人坐不下。",
    "booking_confirm": (
        "请确认预约：\n"
        "场馆：{venue}\n"
        "场地：{room}\n"
        "时间：{when}\n"
        "地址：{address}\n"
        "用途：{purpose}\n"
        "人数：{headcount} 人"
    ),
    "btn_booking_confirm": "确认预约",
    "btn_booking_other_time": "换个时段",
    "booking_done": (
        "预约成功！\n"
        "签到码：{code}\n"
        "时间：{when}\n"
        "地点：{venue} · {room}（{address}）\n"
        "到场后请把签到码告诉工作人员。{remind}"
        "不能来请在开始 {hours} 小时前到“我的预约”里取消。"
    ),
    "booking_remind_note": "开始前 {offset}会提醒您；",
    "booking_expired": "这次预约的信息已经过期了，请重新选择。",
    "booking_week_full": "每人每周最多预约 {limit} 次，这一周您已经约满了。用不上的预约可以在“我的预约”里取消。",
    "booking_paused_no_shows": (
        "您在 {days} 天内有 {count} 次预约没有到场签到，场馆预约暂停到 {until}，到期后自动恢复。\n"
        "来不了的时候请提前取消，把场地留给其他邻居。"
    ),
    "booking_paused_other": "您的场馆预约暂停到 {until}。原因：{reason}",
    "booking_until": "{month}月{day}日 {time}",
    "booking_place": "{when} {venue} · {room}",
    "booking_reminder_head": "场馆预约提醒",
    "booking_reminder_today": "场馆预约提醒：您今天有预约",
    "booking_reminder_tomorrow": "场馆预约提醒：您明天有预约",
    "booking_reminder": (
        "{head}\n"
        "{venue} · {room}\n"
        "时间：{when}\n"
        "地址：{address}\n"
        "签到码：{code}（到场后告诉工作人员）"
    ),
    "my_bookings_title": "我的预约（开始 {hours} 小时前可以取消）：",
    "my_bookings_empty": "您还没有预约场馆。",
    "my_booking_line": "{n}. {place}\n   签到码：{code}",
    "my_booking_checked_in": "{n}. {place}\n   已签到",
    "btn_cancel_booking": "取消 {month}月{day}日 {time} 的预约",
    "booking_confirm_cancel": "确定取消这个预约吗？\n{place}",
    "booking_cancelled": "已取消预约：{place}。场地已经让给其他邻居了。",
    "booking_cancel_too_late": "开始前 {hours} 小时内不能在网上取消了。如有变化，请直接给场馆打电话：{phone}",
    "booking_already_cancelled": "这个预约已经取消过了。",
    "booking_not_cancellable": "这个预约已经签到或已经结束，不能取消了。",
    "booking_missing": "没有找到这个预约。",
    "checkin_how": "请回复“签到”加上居民的签到码，比如：签到 K7M2Q9",
    "checkin_unknown": "没有找到签到码 {code} 的预约，请核对后再试。",
    "checkin_done": "签到成功：{place}\n人数：{headcount} 人，用途：{purpose}",
    "checkin_already": "这个预约已经签到过了：{place}",
    "checkin_cancelled": "这个预约已经取消了：{place}",
    "checkin_too_early": "还没到签到时间（开始前 {minutes} 分钟起可以签到）：{place}",
    "checkin_ended": "这个预约的时间已经过了，不能再签到：{place}",
    # grid notices: binding group chats, 发通知, 通知记录, 订阅通知
    "group_hello": (
        "大家好，我是邻里文体服务助手。\n"
        "请网格员私聊我发送 /bindcode 领取绑定码，再在本群发送“/bind 绑定码”。"
        "绑定后，社区通知会发到本群。"
    ),
    "group_private_only": "这个功能请私聊我使用。",
    "bind_how": "请在“/bind”后面加上绑定码，比如：/bind K7M2Q9。绑定码请私聊我发送 /bindcode 领取。",
    "bind_in_group_only": "请在要绑定的群里发送“/bind 绑定码”。领取新的绑定码请发送 /bindcode。",
    "bind_pick_community": "要绑定哪个社区的群？请选择：",
    "bind_no_community": "还没有可选的社区。请联系文化馆为您开通社区范围。",
    "btn_type_community": "输入其他社区名称",
    "bind_type_community": "请输入社区名称（不超过 {max} 个字）：",
    "bind_pick_grid": "{community}：这个群属于哪个网格？",
    "btn_whole_community": "整个社区（不分网格）",
    "btn_type_grid": "输入网格名称",
    "bind_type_grid": "请输入网格名称，比如“第三网格”（不超过 {max} 个字）：",
    "bind_bad_name": "名称不能为空，也不能超过 {max} 个字，请重新输入：",
    "bind_code": (
        "绑定码：{code}（{where}）\n"
        "{minutes} 分钟内有效，只能用一次。\n"
        "请先把我拉进群，再由您本人在群里发送：/bind {code}"
    ),
    "bind_done": "本群已绑定到：{where}。以后的社区通知会发到本群。",
    "bind_unknown": "没有这个绑定码，请核对后再试。",
    "bind_used": "这个绑定码已经用过了，请私聊我发送 /bindcode 领取新的。",
    "bind_expired": "这个绑定码已过期，请私聊我发送 /bindcode 领取新的。",
    "bind_not_yours": "这个绑定码不是您领取的，请由领取绑定码的网格员本人发送。",
    "btn_notice_new": "发通知",
    "btn_notice_drop": "放弃",
    "btn_notices": "通知记录",
    "btn_notice_report": "查看送达情况",
    "notice_ask_text": "请输入通知内容（不超过 {max} 字）：",
    "notice_bad_text": "通知内容不能为空，也不能超过 {max} 字，请重新输入：",
    "notice_draft_gone": "这条通知的草稿已经过期了，请重新开始。",
    "notice_pick_target": "发给哪些群？请选择：",
    "notice_option_community": "{community}（全部 {n} 个群）",
    "notice_option_grid": "{community}·{grid}（{n} 个群）",
    "notice_option_all": "我负责的所有社区（{n} 个群）",
    "notice_no_targets": "您负责的社区还没有绑定的群。请先私聊我发送 /bindcode 绑定群。",
    "notice_target_grid": "{community}·{grid}",
    "notice_target_all": "全部社区",
    "notice_where_all": "社区",
    "notice_head": "【{where}通知】",
    "notice_head_urgent": "【紧急通知｜{where}】",
    "notice_pick_when": "什么时候发？",
    "btn_notice_now": "现在发送",
    "btn_notice_later": "定时发送",
    "notice_ask_time": "请输入发送时间，比如：明天 18:00、12月5日 9:30、今天下午3点。",
    "notice_bad_time": "没看懂这个时间。请这样写：明天 18:00、12月5日 9:30。",
    "notice_time_past": "{when} 已经过了，请输入以后的时间：",
    "notice_time_far": "最多只能提前 {days} 天定时，请重新输入：",
    "notice_pick_urgency": "是紧急通知吗？\n普通通知在夜间（{start}–{end}）不打扰，顺延到早上发；紧急通知马上发。",
    "btn_notice_normal": "普通通知",
    "btn_notice_urgent": "紧急通知（夜里也发）",
    "notice_now": "立即",
    "notice_at": "{month}月{day}日（周{weekday}）{time}",
    "notice_quiet_note": "（夜间不打扰，将在 {when} 发出）",
    "notice_kind_normal": "普通通知",
    "notice_kind_urgent": "紧急通知",
    "notice_preview": (
        "请确认，居民看到的就是下面这段：\n"
        "——————\n"
        "{message}\n"
        "——————\n"
        "发送范围：{target}\n"
        "群聊：{groups} 个\n"
        "私聊订阅的居民：{subscribers} 位\n"
        "发送时间：{when}\n"
        "类型：{kind}\n"
        "现在还没有发出，选“确认发送”才会发。"
    ),
    "notice_nobody": "这个范围现在没有可以发送的群或订阅居民。",
    "btn_notice_send": "确认发送",
    "btn_notice_edit": "重新编辑",
    "notice_queued": "已安排发送：{groups} 个群，{subscribers} 位订阅居民，发送时间：{when}。\n稍后可以在“通知记录”里看送达情况。",
    "notice_dropped": "已放弃，这条通知没有发出。",
    "notices_title": "最近的通知：",
    "notices_empty": "您还没有发过通知。",
    "notices_line": "{n}. {when} {where}：{text}\n   {state}",
    "notice_counts": "已送达 {sent}，失败 {failed}，等待 {waiting}",
    "notice_state_cancelled": "已取消",
    "btn_notice_open": "第 {n} 条：{where}",
    "notice_missing": "没有找到这条通知。",
    "notice_report_head": "【{where}】{when}（{state}）\n{text}",
    "notice_status_scheduled": "待发送",
    "notice_status_sent": "已发送",
    "notice_status_cancelled": "已取消",
    "notice_no_groups": "（没有发到群）",
    "notice_private_line": "私聊订阅居民 {total} 位：已送达 {sent}，失败 {failed}",
    "group_untitled": "未命名群",
    "delivery_sent": "✅ {name}：已送达（{when}）",
    "delivery_failed": "❌ {name}：未送达，{reason}",
    "delivery_waiting": "⏳ {name}：等待发送（{when}）",
    "delivery_retrying": "⏳ {name}：重试中，上次{reason}",
    "delivery_cancelled": "⛔ {name}：已取消，未发送",
    "reason_removed": "机器人已被移出群聊",
    "reason_gone": "群聊不存在或已解散",
    "reason_blocked": "对方已屏蔽机器人",
    "reason_inactive": "群已停用（机器人已被移出）",
    "reason_gave_up": "多次重试仍失败",
    "reason_other": "发送失败",
    "btn_notice_cancel": "取消这条通知",
    "notice_cancel_ask": "确定取消这条通知吗？\n【{where}】{text}\n已经发出的收不回来，还没发出的不再发送。",
    "btn_notice_cancel_yes": "确定取消",
    "btn_notice_cancel_no": "不取消",
    "notice_cancelled": "已取消，还有 {n} 处不会再发送。",
    "notice_cancel_late": "这条通知已经全部发出（或已取消过），不能再取消了。",
    "btn_notice_sub": "订阅社区通知",
    "sub_title": "订阅社区通知后，网格员发的通知也会私聊发给您。\n您已订阅：{mine}\n请选择：",
    "sub_nothing": "无",
    "sub_none": "暂时还没有可以订阅的社区。",
    "btn_sub_on": "订阅：{community}",
    "btn_sub_off": "取消订阅：{community}",
    "sub_on": "已订阅{community}的通知。",
    "sub_off": "已取消订阅{community}的通知。",
    # web page: signing in inside WeChat, older eyes
    "web_title": "邻里文体服务",
    "web_login_failed": "微信登录没有成功，您的报名没有受影响。请稍后从公众号菜单重新打开本页。",
    "web_login_again": "重新打开",
    "web_too_long": "太长了，最多 {limit} 个字。",
    "wechat_menu_page": "网页版",
    # customer groups (客户群): 群发 tasks the grid worker confirms in WeCom
    "cgroup_sent": "✅ {name}（客户群）：已发送（{when}）",
    "cgroup_unconfirmed": "⏳ {name}（客户群）：待确认，需群主在企业微信确认群发",
    "cgroup_failed": "❌ {name}（客户群）：失败，{reason}",
    "cgroup_cancelled": "⛔ {name}（客户群）：已取消，未发送",
    "cgroup_unconfirmed_count": "待群主确认 {n}",
    "cgroup_confirm": "有一条通知要发到您的 {n} 个客户群（{names}）。\n请打开企业微信 → 工作台 → 客户联系 → 群发助手，确认发送。\n通知内容：{text}",
    "reason_not_sent": "企业微信未能发到这个群",
    # attendance (点名、上课签到、缺课提醒), the registration notice to organizers, order lead time
    "att_rolls_title": "点名：请选择哪一节课",
    "att_rolls_none": "最近没有您可以点名的课。",
    "att_roll_label": "{when} {title}{mark}",
    "att_roll_taken": "（已点名）",
    "att_session_missing": "没有找到这节课，可能已经取消了。",
    "att_sheet": ("【{title}】{when}\n共 {total} 人，已到 {present} 人{page}\n{lines}\n\n"
                  "请回复到课的序号，比如“1 3 4”或“1,3,4”；全部到齐回复“全到”。\n"
                  "居民自己签到：回复“上课签到 {code}”，或打开 {link}"),
    "att_line": "{n}. {name}{mark}",
    "att_mark_present": " ✓",
    "att_mark_checked_in": " ✓（自己签到）",
    "att_mark_leave": "（请假）",
    "att_sheet_empty": "【{title}】{when}\n这节课没有人报名，不用点名。",
    "att_bad_numbers": "没看懂“{text}”。请回复名单上的序号（1 到 {total}），比如“1 3 4”；全部到齐回复“全到”。",
    "att_confirm": "【{title}】{when}\n到课 {present} 人：{names}\n未到 {absent} 人：{missing}\n确认保存吗？",
    "att_nobody": "无",
    "att_saved": "已保存【{title}】{when}的点名：到课 {present} 人。",
    "att_lapsed": "这次点名已经过期，请重新点名。",
    "btn_roll_all": "全到",
    "btn_roll_save": "确认保存",
    "btn_roll_again": "重新点名",
    "att_here_how": "请回复“上课签到”加签到码，比如“上课签到 K7M2Q9”。签到码可以问老师。",
    "att_here_done": "签到成功！【{title}】{when}",
    "att_here_already": "您已经签到过了：【{title}】{when}",
    "att_here_early": "还没到签到时间：【{title}】{when}。开课前 {minutes} 分钟开始签到。",
    "att_here_late": "签到已经结束：【{title}】{when}。如果您来上课了，请找老师补点名。",
    "att_here_not_enrolled": "您没有报名【{title}】，不能签到。",
    "att_here_unknown": "签到码“{code}”不对，请核对后再试。",
    "att_nudge": ("您好！【{title}】最近 {n} 次课都没见到您，一切都好吗？\n"
                  "有事来不了可以提前请假；不想上了也可以取消报名，把名额让给候补的邻居。"),
    "vol_new_push": "有新的志愿者登记等您审核：\n姓名：{name}\n社区：{community}\n特长：{skills}\n服务时间：{available}",
    "btn_vol_review": "查看详情",
    "order_no_date": "请写上具体日期，比如“12月20日”或“12月20日或21日下午”。",
    "order_too_soon": "【{name}】至少要提前 {days} 天点单，最早可以约 {earliest}。请重新写希望的日期：",
    # the resident's data rights: privacy notice, 我的数据, deleting an account, phones shown to staff
    "privacy_notice": (
        "隐私说明：我们只保存为您办事需要的信息——称呼、报名、预约、点单（联系人和电话加密保存）、"
        "评价和意见，用来安排课程、场馆和上门服务，不做别的用途。聊天记录保存 {days} 天后自动删除。"
        "回复“我的数据”可以查看、导出或删除您的信息。"
    ),
    "btn_my_data": "我的数据",
    "my_data_title": (
        "我的数据（我们保存的关于您的信息）：\n"
        "称呼：{name}\n电话：{phones}\n社区：{communities}\n绑定的账号：{accounts}\n"
        "报名：{sign_ups} 门　预约：{bookings} 次　点单：{orders} 个\n"
        "评价：{ratings} 条　意见反馈：{feedback} 条　积分：{points}\n身份：{roles}\n"
        "聊天记录保存 {days} 天后自动删除。请回复数字选择："
    ),
    "my_data_none": "无",
    "my_data_sep": "、",
    "my_data_resident": "居民",
    "channel_telegram": "Telegram",
    "channel_wecom": "企业微信",
    "channel_wechat": "微信公众号",
    "channel_web": "网页",
    "channel_console": "终端",
    "channel_other": "其他",
    "btn_my_data_export": "导出为文件",
    "btn_my_data_erase": "删除我的账号",
    "my_data_exported": "这是您的全部数据（JSON 文件），电话只显示前三位和后四位。文件 1 天后从服务器上删除。",
    "erase_ask": (
        "确定删除您的账号吗？删除后：\n"
        "· 还没上完的课取消报名，名额让给候补的人；\n"
        "· 还没到的场馆预约取消，没办完的点单撤回；\n"
        "· 称呼、电话、绑定的账号和聊天记录都删除，积分作废，不能恢复。\n"
        "已上过的课只作为匿名人次留在统计里。"
    ),
    "btn_erase_yes": "确认删除",
    "btn_erase_no": "不删除",
    "erased": "您的账号已删除：取消报名 {places} 门，取消预约 {bookings} 次，撤回点单 {orders} 个。谢谢您一直以来的参与！以后再发消息，会作为新用户重新开始。",
    "erase_already": "这个账号已经删除了。",
    "order_status_withdrawn": "已撤回",
    "btn_reveal_phone": "查看完整电话",
    "order_phone_full": "点单 {number}\n联系人：{contact}\n电话：{phone}\n（只用于联系这次服务；查看记录已留存）",
    "order_phone_closed": "这个点单已经结束或没有留电话，不能再查看完整电话。",
    # words residents type: button words, numbers, the menu that stays, messages that cannot be read
    "no_such_page": "这一屏没有“{word}”。请回复数字选择：",
    "cancelled_back": "好的，已取消。请回复数字选择：",
    "back_to_menu": "已回到主菜单，请回复数字选择：",
    "category_label": "{name} · {n}门课",
    "seats_some": "还剩 {n} 个名额（共 {capacity} 个）",
    "seats_none": "已满，可候补",
    "my_list_title": "我的报名（共 {count} 门），选一门查看详情、请假或取消：",
    "my_waiting_label": "{title} · 候补第{position}位",
    "my_place": "【{title}】\n{status}\n下次上课：{next}\n地点：{venue}\n讲师：{teacher}",
    "my_place_confirmed": "您已报名。",
    "my_place_waiting": "您在候补名单第 {position} 位，有人取消时按顺序递补。",
    "my_place_on_leave": "下次课您已请假。",
    "btn_leave_next": "请假（{when}）",
    "btn_cancel_wait": "取消候补",
    "btn_my_back": "返回我的报名",
    "menu_keyboard": "常用按钮在输入框下方：主菜单 · 我的报名 · 帮助。",
    "cmd_start": "主菜单",
    "cmd_my": "我的报名",
    "cmd_browse": "服务菜单",
    "cmd_help": "帮助",
}

TEXTS = {"zh": ZH}


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for a key, filled with values."""
    template = TEXTS.get(lang, ZH).get(key) or ZH[key]
    return template.format(**values) if values else template
