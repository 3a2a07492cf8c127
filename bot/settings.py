"""Settings from settings.toml, overridden by LINLI_<SECTION>__<KEY> environment variables."""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class _Section(BaseModel):
    model_config = ConfigDict(extra="ignore")


class General(_Section):
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    demo_on_empty: bool = True
    malloc_arenas: int = 2


class Database(_Section):
    url: str = "sqlite:///linli.db"
    echo: bool = False
    pool_size: int = 10


class Dialogs(_Section):
    page_size: int = 8
    search_limit: int = 8
    max_text_length: int = 500


class Telegram(_Section):
    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    mode: str = "polling"
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr = SecretStr("")
    webhook_url: str = ""
    rate_overall_per_second: float = 30.0
    rate_per_chat_per_second: float = 1.0
    rate_per_group_per_minute: float = 20.0
    connection_pool_size: int = 16
    pool_timeout_seconds: float = 5.0


class WeCom(_Section):
    corp_id: str = ""
    agent_id: str = ""
    secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    api_base_url: str = "https://qyapi.weixin.qq.com"
    callback_path: str = "/wecom/callback"
    callback_max_age_seconds: int = 300
    per_member_per_minute: int = 30
    kf_messages_per_window: int = 5
    kf_window_hours: float = 48.0
    group_task_check_seconds: float = 300.0


class WeChat(_Section):
    app_id: str = ""
    app_secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    api_base_url: str = "https://api.weixin.qq.com"
    oauth_base_url: str = "https://open.weixin.qq.com"
    callback_path: str = "/wechat/callback"
    callback_max_age_seconds: int = 300
    reply_budget_seconds: float = 3.0
    window_hours: float = 48.0
    template_reminder: str = ""
    template_result: str = ""
    template_poll: str = ""
    template_notice: str = ""


class Web(_Section):
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"
    cookie_secure: bool = False
    trust_forwarded: bool = False
    rate_per_session: int = 20
    rate_per_address: int = 60
    rate_window_seconds: float = 10.0


class Scheduler(_Section):
    tick_seconds: float = 5.0
    batch_size: int = 100
    reminder_offsets_minutes: list[int] = [1440, 60]
    poll_delay_minutes: int = 30
    poll_open_days: int = 3
    quiet_start: str = "21:30"
    quiet_end: str = "08:00"
    max_attempts: int = 6
    backoff_base_seconds: float = 10.0
    lease_seconds: int = 120


class Inbox(_Section):
    lease_seconds: float = 30.0
    retry_seconds: float = 0.5
    sweep_seconds: float = 5.0
    max_attempts: int = 5
    # A handled row is what tells a second delivery of its update that it was handled, and a
    # platform may deliver an update again for up to 24 hours (Telegram keeps one that long).
    keep_hours: float = Field(24.0, ge=24.0)


class Points(_Section):
    points_per_hour: int = 1
    points_per_taught_session: int = 2
    max_manual_points: int = 100


class Booking(_Section):
    weekly_limit: int = 3
    cancel_hours: float = 2
    no_show_limit: int = 2
    no_show_window_days: int = 30
    pause_days: int = 30
    reminder_minutes: int = 60
    days_ahead: int = 7
    checkin_early_minutes: int = 30


class Files(_Section):
    dir: str = "data/files"


class Attendance(_Section):
    checkin_before_minutes: int = 30
    checkin_after_minutes: int = 30
    roll_days_back: int = 7
    absence_streak: int = 2


class Privacy(_Section):
    history_days: int = 180
    phone_key: SecretStr = SecretStr("")
    key_file: str = ""


class Shifts(_Section):
    checkin_before_minutes: int = 30
    checkout_after_minutes: int = 120


class Seats(_Section):
    offer_hours: float = 12.0


class Lottery(_Section):
    first_timers_first: bool = False
    own_community_first: bool = False


class Units(_Section):
    level_names: tuple[str, str, str] = ("总馆", "分馆", "服务点")
    escalate_after_hours: float = 24.0
    escalate_check_seconds: float = 300.0


class Venues(_Section):
    min_weekly_hours: dict[str, float] = {"library": 60, "culture_centre": 56, "station": 42,
                                          "community_centre": 42}
    weekends: bool = True
    holidays: bool = True


class Settings(_Section):
    general: General = General()
    database: Database = Database()
    dialogs: Dialogs = Dialogs()
    telegram: Telegram = Telegram()
    wecom: WeCom = WeCom()
    wechat: WeChat = WeChat()
    web: Web = Web()
    scheduler: Scheduler = Scheduler()
    inbox: Inbox = Inbox()
    booking: Booking = Booking()
    points: Points = Points()
    files: Files = Files()
    attendance: Attendance = Attendance()
    privacy: Privacy = Privacy()
    shifts: Shifts = Shifts()
    seats: Seats = Seats()
    lottery: Lottery = Lottery()
    units: Units = Units()
    venues: Venues = Venues()


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Collect LINLI_<SECTION>__<KEY> variables as a nested dict."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in environ.items():
        if not name.startswith("LINLI_") or "__" not in name:
            continue
        section, _, key = name[len("LINLI_"):].partition("__")
        if value.startswith("[") and value.endswith("]"):
            value = tomllib.loads(f"v = {value}")["v"]
        out.setdefault(section.lower(), {})[key.lower()] = value
    return out


def config_path(environ: dict[str, str] | None = None) -> Path | None:
    """The settings file in use: LINLI_CONFIG, else ./settings.toml when present."""
    environ = os.environ if environ is None else environ
    if environ.get("LINLI_CONFIG"):
        return Path(environ["LINLI_CONFIG"])
    local = Path("settings.toml")
    return local if local.exists() else None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings file and apply environment overrides."""
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, dict[str, Any]] = {}
    path = config_path(environ)
    if path is not None:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    for section, keys in _env_overrides(environ).items():
        data.setdefault(section, {}).update(keys)
    return Settings.model_validate(data)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    return load_settings()
