"""What agents need to answer customers about a launch, an item or a promotion."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

GUIDANCE_LIMIT = 2000


class Guidance(BaseModel):
    """A template's or an item's `brief:` — every part optional, Korean as agents read it.

    ```yaml
    brief:
      notice: 11번가 전용 쿠폰은 11번가 앱에서만 쓸 수 있습니다     # 고객 안내 문구
      inquiries: [쿠폰 적용 문의, 배송 일정 문의]                   # 예상 문의 유형
      script: "11번가 주문은 11번가 고객센터 연결 없이 저희가 응대합니다"  # 응대 스크립트
      exceptions: 11번가 포인트 환불은 11번가로 이관                 # 예외 처리
    ```
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice: str = Field(default="", max_length=GUIDANCE_LIMIT, description="고객 안내 문구")
    inquiries: tuple[str, ...] = Field(default=(), description="예상 문의 유형")
    script: str = Field(default="", max_length=GUIDANCE_LIMIT, description="응대 스크립트")
    exceptions: str = Field(default="", max_length=GUIDANCE_LIMIT, description="예외 처리")

    @property
    def empty(self) -> bool:
        return not (self.notice or self.inquiries or self.script or self.exceptions)

    def as_text(self) -> str:
        """One stable text of every part: what a correction compares."""
        parts = [
            ("notice", self.notice),
            ("inquiries", " | ".join(self.inquiries)),
            ("script", self.script),
            ("exceptions", self.exceptions),
        ]
        return "\n".join(f"{name}: {value.strip()}" for name, value in parts if value.strip())
