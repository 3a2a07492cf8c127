"""点单服务 for residents and grid workers: pick a service, answer six short questions, confirm."""
from __future__ import annotations


from bot.dialogs.pushes.order_escalation import tell_point_staff
from bot.dialogs.context import Context
from bot.dialogs.formatting import to_local
from bot.dialogs.orders.dates import days_named
from bot.dialogs.menus import menu_button
from bot.dialogs.orders.callbacks import (AskRating, MyOrder, MyOrders, PickService, QuitForm, RateOrder, Services,
                                          SkipComment, SkipPhone, Submit, HomeCommunity)
from bot.dialogs.orders.render import (
    expect_number,
    order_detail,
    order_grade_choices,
    format_day,
    order_line,
    phone_shown,
    poll_text,
    typed_number,
)
from bot.dialogs.paging import paged
from bot.dialogs.states import ORDER_COMMENT
from bot.dialogs.router import Load, Router, fallback
from bot.dialogs.steps import take_pending_comment
from bot.messages import Choice, Reply
from store.models.orders import DONE, ServiceItem, ServiceOrder
from store.whatson import community_of
from store.orders import (
    TooSoon,
    active_services,
    add_order_comment,
    earliest_order_day,
    normalise_phone,
    order_rating,
    place_order,
    rate_order,
    resident_orders,
    service_by_code,
)

FORM_EXPECT = "order_form"
COMMENT_EXPECT = "order_comment"
STEPS = ("community", "place", "dates", "audience", "contact", "phone")
TEXT_LIMIT = {"community": 30, "place": 60, "dates": 60, "contact": 20}
MAX_AUDIENCE = 100000
QUIT_WORDS = ("取消", "不点了", "退出", "算了")

router = Router("orders.resident")
router.menu(5, "btn_order", Services)
router.menu(30, "btn_my_orders", MyOrders)
router.keywords({"点单", "点单服务", "/order", "我要点单"}, Services)
router.keywords({"我的点单", "/myorders"}, MyOrders)


def _quit_button(ctx: Context) -> Choice:
    return Choice(ctx.t("btn_order_quit"), QuitForm().pack())


@router.payload(Services)
def list_services(ctx: Context, data: Services) -> Reply:
    """The services one can order, numbered."""
    services = active_services(ctx.session)
    if not services:
        return Reply(ctx.t("order_no_services"), (menu_button(ctx),))
    items = [Choice(ctx.t("order_service_label", name=s.name, kind=s.kind)[:40], PickService(s.code).pack())
             for s in services]
    choices, note = paged(ctx, items, data.page, lambda p: Services(p).pack(), menu_button(ctx))
    return Reply(ctx.t("order_services_title") + note, tuple(choices))


def _ask(ctx: Context, form: dict, intro: str = "") -> Reply:
    """Ask the form's current question and wait for the answer."""
    step = form["step"]
    ctx.expect = FORM_EXPECT
    ctx.data["order_form"] = form
    text = f"{intro}\n\n{ctx.t('order_ask_' + step)}" if intro else ctx.t("order_ask_" + step)
    if step == "audience":
        return expect_number(ctx, Reply(text, (_quit_button(ctx),)))
    if step == "phone":
        return Reply(text, (Choice(ctx.t("btn_skip"), SkipPhone().pack()), _quit_button(ctx)))
    mine = community_of(ctx.session, ctx.resident_id) if step == "community" else ""
    if mine:  # 我家门口 first: the resident's own community is one tap away
        return Reply(text, (Choice(ctx.t("units_order_home", community=mine), HomeCommunity().pack()),
                            _quit_button(ctx)))
    return Reply(text, (_quit_button(ctx),))


def _form(ctx: Context) -> tuple[dict, ServiceItem] | None:
    form = ctx.data.get("order_form")
    if not isinstance(form, dict) or form.get("step") not in STEPS + ("confirm",):
        return None
    service = service_by_code(ctx.session, str(form.get("code", "")))
    return (form, service) if service is not None and service.active else None


def _lost(ctx: Context) -> Reply:
    ctx.data.pop("order_form", None)
    return Reply(ctx.t("order_form_lost"), (Choice(ctx.t("btn_order"), Services().pack()), menu_button(ctx)))


@router.payload(PickService)
def start_form(ctx: Context, data: PickService) -> Reply:
    """A service's description, then the first question."""
    service = service_by_code(ctx.session, data.code)
    if service is None or not service.active:
        return Reply(ctx.t("order_service_gone"), (Choice(ctx.t("btn_order"), Services().pack()), menu_button(ctx)))
    rules = ctx.t("order_rule_lead", days=service.lead_days) if service.lead_days else ""
    if service.min_audience:
        rules += ctx.t("order_rule_min", n=service.min_audience)
    intro = ctx.t("order_service_intro", name=service.name, description=service.description, rules=rules)
    return _ask(ctx, {"code": service.code, "step": STEPS[0], "answers": {}}, intro)


def _advance(ctx: Context, form: dict, service: ServiceItem, value: object) -> Reply:
    form["answers"][form["step"]] = value
    index = STEPS.index(form["step"]) + 1
    if index < len(STEPS):
        form["step"] = STEPS[index]
        return _ask(ctx, form)
    return _summary(ctx, form, service)


def _summary(ctx: Context, form: dict, service: ServiceItem) -> Reply:
    form["step"] = "confirm"
    ctx.data["order_form"] = form
    a = form["answers"]
    text = ctx.t("order_summary", service=service.name, community=a["community"], place=a["place"],
                 dates=a["dates"], audience=a["audience"], contact=a["contact"],
                 phone=phone_shown(ctx, a.get("phone", "")))
    return Reply(text, (Choice(ctx.t("btn_order_submit"), Submit().pack()),
                        Choice(ctx.t("btn_order_restart"), PickService(service.code).pack()), _quit_button(ctx)))


def _audience(ctx: Context, form: dict, service: ServiceItem, number: int | None) -> Reply:
    again = None
    if number is None or number < 1:
        again = ctx.t("order_bad_audience")
    elif number > MAX_AUDIENCE:
        again = ctx.t("order_audience_high", max=MAX_AUDIENCE)
    elif service.min_audience and number < service.min_audience:
        again = ctx.t("order_audience_low", name=service.name, min=service.min_audience)
    if again:
        ctx.expect = FORM_EXPECT
        return expect_number(ctx, Reply(again, (_quit_button(ctx),)))
    return _advance(ctx, form, service, number)


@router.state(FORM_EXPECT)
def answer(ctx: Context, text: str) -> Reply:
    """One answer to the current question; a bad one is asked again and nothing is kept."""
    found = _form(ctx)
    if found is None:
        ctx.expect = ""
        return _lost(ctx)
    form, service = found
    step = form["step"]
    if text in QUIT_WORDS:
        return quit_form(ctx)
    if step == "audience":
        return _audience(ctx, form, service, typed_number(text))
    if step == "confirm":
        return _summary(ctx, form, service)
    if step == "phone":
        phone = normalise_phone(text)
        if phone is None:
            return _ask(ctx, form, ctx.t("order_bad_phone"))
        return _advance(ctx, form, service, ctx.phones().seal(phone))  # never kept in clear
    limit = TEXT_LIMIT[step]
    if len(text) > limit:
        return _ask(ctx, form, ctx.t("order_text_long", limit=limit))
    if step == "dates":
        problem = _dates_problem(ctx, service, text)
        if problem:
            return _ask(ctx, form, problem)
    return _advance(ctx, form, service, text)


def _first_day(ctx: Context, text: str):
    """The earliest day the wished dates name, or None when they name none."""
    days = days_named(text, to_local(ctx.now, ctx.tz).date())
    return min(days) if days else None


def _dates_problem(ctx: Context, service: ServiceItem, text: str) -> str:
    """Why the wished dates cannot be taken ("" when they can): no day named, or inside the lead time."""
    first = _first_day(ctx, text)
    if first is None:
        return ctx.t("order_no_date")
    earliest = earliest_order_day(service.lead_days, ctx.now, ctx.settings.general.timezone)
    if first < earliest:
        return ctx.t("order_too_soon", name=service.name, days=service.lead_days, earliest=format_day(ctx, earliest))
    return ""


@router.payload(HomeCommunity)
def home_community(ctx: Context, data: HomeCommunity) -> Reply:
    """The resident's own community as the answer to 在哪个社区."""
    found = _form(ctx)
    mine = community_of(ctx.session, ctx.resident_id)
    if found is None or found[0]["step"] != "community" or not mine:
        return _lost(ctx)
    return _advance(ctx, found[0], found[1], mine)


@router.payload(SkipPhone)
def skip_phone(ctx: Context, data: SkipPhone) -> Reply:
    """No phone number this time."""
    found = _form(ctx)
    if found is None or found[0]["step"] != "phone":
        return _lost(ctx)
    return _advance(ctx, found[0], found[1], "")


@router.payload(QuitForm)
def quit_form(ctx: Context, data: QuitForm | None = None) -> Reply:
    """Drop the form."""
    ctx.expect = ""
    ctx.data.pop("order_form", None)
    return Reply(ctx.t("order_quit"), (Choice(ctx.t("btn_order"), Services().pack()), menu_button(ctx)))


@router.payload(Submit)
def submit(ctx: Context, data: Submit) -> Reply:
    """Place the order and give its number."""
    found = _form(ctx)
    if found is None or found[0]["step"] != "confirm":
        return _lost(ctx)
    form, service = found
    a = form["answers"]
    problem = _dates_problem(ctx, service, a["dates"])
    if problem:  # confirmed a day or more later: the wished day came inside the lead time
        form["step"] = "dates"
        return _ask(ctx, form, problem)
    try:
        order = place_order(ctx.session, service_id=service.id, community=a["community"], place=a["place"],
                            preferred_dates=a["dates"], audience=int(a["audience"]), contact_name=a["contact"],
                            contact_phone=a.get("phone", ""), resident_id=ctx.resident_id, now=ctx.now,
                            tz=ctx.settings.general.timezone, first_day=_first_day(ctx, a["dates"]))
    except TooSoon:
        form["step"] = "dates"
        return _ask(ctx, form, _dates_problem(ctx, service, a["dates"]) or ctx.t("order_no_date"))
    ctx.data.pop("order_form", None)
    tell_point_staff(ctx.session, ctx.settings, order, ctx.now)
    return Reply(ctx.t("order_placed", number=order.number),
                 (Choice(ctx.t("btn_my_orders"), MyOrders().pack()), menu_button(ctx)))


@router.payload(MyOrders)
def my_orders(ctx: Context, data: MyOrders) -> Reply:
    """我的点单: every order with where it stands."""
    orders = resident_orders(ctx.session, ctx.resident_id)
    if not orders:
        return Reply(ctx.t("my_orders_empty"), (Choice(ctx.t("btn_order"), Services().pack()), menu_button(ctx)))
    items = [Choice(order_line(ctx, o)[:60], MyOrder(o.id).pack()) for o in orders]
    choices, note = paged(ctx, items, data.page, lambda p: MyOrders(p).pack(), menu_button(ctx))
    return Reply(ctx.t("my_orders_title") + note, tuple(choices))


def _own_order(ctx: Context, data: MyOrder | AskRating) -> ServiceOrder | None:
    order = ctx.session.get(ServiceOrder, data.order)
    return order if order is not None and order.ordered_by == ctx.resident_id else None


# Someone else's order reads as missing, exactly like one that does not exist.
OWN_ORDER = Load(_own_order, missing=lambda ctx: Reply(
    ctx.t("order_missing"), (Choice(ctx.t("btn_my_orders"), MyOrders().pack()), menu_button(ctx))))


@router.payload(MyOrder, load=OWN_ORDER)
def my_order(ctx: Context, data: MyOrder, order: ServiceOrder) -> Reply:
    """One of my orders with its history, and 评价 once it is done."""
    choices = []
    if order.status == DONE and order_rating(ctx.session, order.id, ctx.resident_id) is None:
        choices.append(Choice(ctx.t("btn_rate_order"), AskRating(order.id).pack()))
    choices += [Choice(ctx.t("btn_back"), MyOrders().pack()), menu_button(ctx)]
    return Reply(order_detail(ctx, order), tuple(choices))


@router.payload(AskRating, load=OWN_ORDER)
def ask_rating(ctx: Context, data: AskRating, order: ServiceOrder) -> Reply:
    """The 优/良/中/差 poll of a finished order, opened from 我的点单."""
    return Reply(poll_text(ctx, order), order_grade_choices(order.id) + (menu_button(ctx),))


@router.payload(RateOrder)
def rate(ctx: Context, data: RateOrder) -> Reply:
    """Record a grade for an order and offer to leave a comment."""
    after = (menu_button(ctx),)
    order_id, grade = data.order, data.grade or ""
    result = rate_order(ctx.session, order_id, ctx.resident_id, grade, ctx.now)
    if result.status == "recorded":
        ctx.expect = COMMENT_EXPECT
        ORDER_COMMENT.enter(ctx, {"order": order_id})
        return Reply(ctx.t("rating_recorded", grade=grade), (Choice(ctx.t("btn_skip"), SkipComment().pack()),) + after)
    if result.status == "bad_grade":
        return Reply(ctx.t("rating_bad"), order_grade_choices(order_id) + after)
    key = {"already": "order_rating_already", "not_done": "order_rating_not_done",
           "not_asked": "order_rating_not_asked"}.get(result.status, "order_missing")
    return Reply(ctx.t(key, grade=result.grade), after)


@router.payload(SkipComment)
def skip_comment(ctx: Context, data: SkipComment) -> Reply:
    """No comment this time."""
    ORDER_COMMENT.leave(ctx)
    return Reply(ctx.t("comment_skipped"), (Choice(ctx.t("btn_my_orders"), MyOrders().pack()), menu_button(ctx)))


@router.state(COMMENT_EXPECT)
def comment(ctx: Context, text: str) -> list[Reply]:
    """Keep what the resident typed as the comment of the rating just given."""
    pending = take_pending_comment(ctx, ORDER_COMMENT)
    if pending is None:
        return fallback(ctx, text)
    status = add_order_comment(ctx.session, int(pending["order"]), ctx.resident_id, text)
    key = {"saved": "comment_saved", "already": "order_comment_already"}.get(status, "comment_skipped")
    return [Reply(ctx.t(key), (Choice(ctx.t("btn_my_orders"), MyOrders().pack()), menu_button(ctx)))]
