"""Column headers as planners write them: which column is which field.

A header is compared with spaces, case, width and punctuation folded (`SMS / PUSH 발송일`,
`sms발송일` and `ＳＭＳ 발송일` are one header). First the known names of each field (and the
extra names configured), then words a header of that field contains (`행사 시작일` is a start,
`카톡 발송 예정일` a send date, `발송 문구` is not). A column whose header is not mapped but
which holds data is named, so nothing is silently ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FIELDS = (
    "id",
    "name",
    "start",
    "end",
    "period",
    "department",
    "owner",
    "channel",
    "benefit",
    "send_date",
    "notes",
    "status",
    "guidance",
)

KNOWN: dict[str, tuple[str, ...]] = {
    "id": ("id", "프로모션id", "프로모션코드", "행사코드", "코드", "promotionid", "code"),
    "name": (
        "프로모션명",
        "프로모션",
        "행사명",
        "이벤트명",
        "기획전명",
        "캠페인명",
        "이름",
        "name",
        "promotion",
        "promotionname",
        "title",
    ),
    "start": ("시작일", "시작", "시작일자", "start", "startdate", "오픈일", "행사시작일"),
    "end": ("종료일", "종료", "종료일자", "end", "enddate", "마감일", "행사종료일"),
    "period": ("기간", "행사기간", "프로모션기간", "진행기간", "period", "일정", "행사일정"),
    "department": ("담당부서", "부서", "department", "team", "팀", "주관부서"),
    "owner": ("담당자", "owner", "person", "담당", "pic"),
    "channel": ("채널", "channel", "노출채널", "판매채널"),
    "benefit": ("혜택", "benefit", "혜택내용", "할인"),
    "send_date": (
        "smspush발송일",
        "sms푸시발송일",
        "발송일",
        "sms발송일",
        "sms발송",
        "푸시발송일",
        "문자발송일",
        "lms",
        "lms발송일",
        "senddate",
        "smspush",
    ),
    "notes": ("비고", "메모", "notes", "note", "memo", "특이사항"),
    "status": ("상태", "status", "진행상태", "진행여부"),
    "guidance": (
        "유의사항", "faq", "문의응대", "응대가이드", "응대스크립트", "고객안내", "cs안내",
        "상담가이드", "안내문구", "고객안내문구", "guidance", "cs가이드", "응대방법", "예외처리",
    ),
}  # fmt: skip

# Words a header of the field contains, in the order they are tried; and words that say it
# is something else (`발송 문구` is the message's text, not its date).
_MESSAGING = (
    "sms",
    "lms",
    "mms",
    "push",
    "푸시",
    "문자",
    "알림톡",
    "친구톡",
    "카톡",
    "메시지",
    "메세지",
)
_WHEN = ("발송", "send", "일", "날짜", "date", "일정", "예정")
_NOT_A_SEND_DATE = (
    "문구", "내용", "대상", "여부", "건수", "수량", "비용", "채널", "타겟", "템플릿",
    "copy", "text", "target", "count", "담당", "결과",
)  # fmt: skip
# What agents are told to say (유의사항, FAQ, 문의 응대, 응대 스크립트): every such column is read.
_GUIDANCE = (
    "유의", "faq", "응대", "상담", "고객안내", "안내문구", "guide", "script", "스크립트", "예외",
)  # fmt: skip
_WORDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("id", ("코드", "code"), ("쿠폰", "coupon", "상품", "product", "담당", "할인")),
    ("start", ("시작", "오픈", "open", "start", "개시"), ("시간", "time", "담당")),
    ("end", ("종료", "마감", "end", "close", "까지"), ("시간", "time", "담당")),
    ("period", ("기간", "일정", "period", "날짜", "일자", "date", "행사일", "진행일"), ("담당",)),
    ("department", ("부서", "팀", "team", "dept", "department", "주관"), ()),
    ("owner", ("담당", "owner", "기획자", "책임자", "manager", "pic"), ()),
    ("status", ("상태", "status", "진행여부", "취소여부"), ()),
    ("channel", ("채널", "channel", "매체", "플랫폼", "platform", "노출"), ()),
    ("benefit", ("혜택", "할인", "쿠폰", "benefit", "discount", "적립"), ()),
    ("notes", ("비고", "메모", "참고", "특이", "note", "memo", "remark", "comment", "코멘트"), ()),
    (
        "name",
        ("프로모션", "행사", "이벤트", "기획전", "캠페인", "제목", "title", "name", "campaign"),
        (),
    ),
)


def _is_send_date(key: str) -> bool:
    """`문자 발송일`, `SMS 발송`, `LMS`, `푸시 발송 예정일`; not `발송 문구` or `푸시 여부`."""
    if any(w in key for w in _NOT_A_SEND_DATE):
        return False
    if re.fullmatch(r"(?:sms|lms|mms|push|푸시|문자|알림톡|앱푸시)+", key):
        return True
    messaging = any(w in key for w in _MESSAGING)
    return "발송" in key or (messaging and any(w in key for w in _WHEN))


# Row numbers: read by nobody, and not worth naming as "not read".
ROW_NUMBER_HEADERS = {"no", "번호", "순번", "연번", "num", "number", "순서"}


def header_key(text: object) -> str:
    """'SMS / PUSH 발송일' → 'smspush발송일': width, case, spaces and punctuation folded."""
    folded = unicodedata.normalize("NFKC", str(text or "")).lower()
    return re.sub(r"[\s/·•.,()\[\]{}<>\-_:*#!?'\"|&+~]+", "", folded)


@dataclass(frozen=True, kw_only=True)
class HeaderMap:
    columns: dict[str, int]  # field → position
    more_send_dates: tuple[int, ...] = ()  # an SMS column and a push column: both read
    more_guidance: tuple[int, ...] = ()  # 유의사항 and FAQ columns: all read, joined
    unmapped: tuple[tuple[int, str], ...] = ()  # (position, header) of columns no field took


def map_headers(
    row: Sequence[object], extra: Mapping[str, Sequence[str]] | None = None
) -> HeaderMap:
    """Which column holds which field; exact names first, then the words a header contains."""
    known = {f: set(KNOWN.get(f, ())) for f in FIELDS}
    for name, words in (extra or {}).items():
        known.setdefault(name, set()).update(header_key(w) for w in words)
    keys = [header_key(cell) for cell in row]
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for position, key in enumerate(keys):
        for name in FIELDS:
            if key and name not in columns and key in known[name]:
                columns[name] = position
                taken.add(position)
                break
    more_send_dates: list[int] = []
    more_guidance: list[int] = []
    for position, key in enumerate(keys):
        if not key or position in taken:
            continue
        if key in known["guidance"] or any(w in key for w in _GUIDANCE):
            if "guidance" in columns:
                more_guidance.append(position)
            else:
                columns["guidance"] = position
            taken.add(position)
            continue
        if _is_send_date(key) or key in known["send_date"]:
            if "send_date" in columns:
                more_send_dates.append(position)
            else:
                columns["send_date"] = position
            taken.add(position)
            continue
        for name, words, not_words in _WORDS:
            if name in columns:
                continue
            if any(w in key for w in words) and not any(w in key for w in not_words):
                columns[name] = position
                taken.add(position)
                break
    unmapped = tuple(
        (position, str(row[position]).strip())
        for position, key in enumerate(keys)
        if key and position not in taken and key not in ROW_NUMBER_HEADERS
    )
    return HeaderMap(
        columns=columns,
        more_send_dates=tuple(more_send_dates),
        more_guidance=tuple(more_guidance),
        unmapped=unmapped,
    )


def extra_headers(text: str) -> dict[str, tuple[str, ...]]:
    """`send_date=카톡 발송|알림 일정; start=오픈` → {field: names} (CXBOT_CALENDAR_HEADERS)."""
    out: dict[str, tuple[str, ...]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, words = part.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS:
            raise ValueError(
                f"{part.strip()!r}: write field=name|name; fields are {', '.join(FIELDS)}"
            )
        out[name] = tuple(w.strip() for w in words.split("|") if w.strip())
    return out
