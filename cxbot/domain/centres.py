"""The contact centres cxbot briefs (jobs/centres.yaml): where each hears, who confirms,
when it opens, and which launches and promotions it answers for."""

from __future__ import annotations

import re
from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cxbot.domain.checklist import Launch
from cxbot.domain.promotions import Promotion, normalize

EVERYTHING = "*"
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]+$")
_ARCHIVE = re.compile(r"/archives/([CG][A-Z0-9]+)(?:[/?#]|$)")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Manager(BaseModel):
    """A centre manager: confirms the brief (Slack) or receives it (e-mail)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    email: str

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if not _EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value.strip().lower()


class Audience(BaseModel):
    """What a centre answers for. `*` is everything; an empty list is nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    launches: tuple[str, ...] = Field(
        default=(EVERYTHING,), description="launch keys, template keys or words of the name"
    )
    promotions: tuple[str, ...] = Field(
        default=(EVERYTHING,), description="words of a promotion's channel (앱, 11번가)"
    )

    def hears_of_launch(self, launch: Launch) -> bool:
        return any(
            word == EVERYTHING
            or word in (launch.key, launch.template_key)
            or normalize(word) in normalize(launch.name)
            for word in self.launches
        )

    def hears_of_promotion(self, promotion: Promotion) -> bool:
        return any(
            word == EVERYTHING or normalize(word) in normalize(promotion.channel)
            for word in self.promotions
        )


class Centre(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="stable id: lowercase letters, digits, dashes")
    name: str = Field(min_length=1)
    slack_channel: str | None = Field(
        default=None, description="channel id (C…) or #name; often a Slack Connect channel"
    )
    delivery: Literal["slack", "email"] | None = Field(
        default=None, description="default: slack with a channel, else e-mail"
    )
    managers: tuple[Manager, ...] = Field(min_length=1)
    opens: time = Field(default=time(9), description="when the centre opens, local time")
    confirm_before_minutes: int = Field(
        default=60, ge=0, le=24 * 60, description="unconfirmed this long before opening: escalated"
    )
    business_days: int = Field(default=3, ge=1, le=10, description="how far a brief looks ahead")
    audience: Audience = Audience()

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("use lowercase letters, digits and dashes (e.g. bpo-seoul)")
        return value

    @field_validator("slack_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        """The channel's id — also from its link (…/archives/C0123456789) as people copy it;
        a #name is refused: what was sent is found again by id, never by name."""
        if value is None or not value.strip():
            return None
        text = value.strip()
        linked = _ARCHIVE.search(text)
        if linked:
            return linked[1]
        if not _CHANNEL_ID.match(text):
            raise ValueError(
                f"{text!r}: write the channel's id (C…, in the channel's details, or copy its "
                "link), not its name"
            )
        return text

    @model_validator(mode="after")
    def _reachable(self) -> Centre:
        if self.channel_kind == "slack" and not self.slack_channel:
            raise ValueError("delivery is slack but no slack_channel is given")
        return self

    @property
    def channel_kind(self) -> Literal["slack", "email"]:
        return self.delivery or ("slack" if self.slack_channel else "email")

    def manager(self, email: str | None) -> Manager | None:
        wanted = (email or "").strip().lower()
        return next((m for m in self.managers if m.email == wanted), None)


class CentresFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    centres: tuple[Centre, ...] = ()

    @model_validator(mode="after")
    def _distinct(self) -> CentresFile:
        seen: set[str] = set()
        for centre in self.centres:
            if centre.key in seen:
                raise ValueError(f"centre key {centre.key!r} is used twice")
            seen.add(centre.key)
        return self
