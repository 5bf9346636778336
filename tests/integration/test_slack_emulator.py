"""The Slack emulator answers as Slack does: errors, tiers, per-channel limits, Block Kit."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from cxbot.adapters.slack.checks import check_slack
from cxbot.adapters.slack.notifier import REQUIRED_SCOPES
from cxbot.emulators.http import Fault
from cxbot.emulators.slack import SlackEmulator
from cxbot.emulators.slack.server import BOT_SCOPES
from cxbot.ports.common import Finding
from cxbot.settings import PROJECT_ROOT


@pytest.fixture
def slack() -> Any:
    emulator = SlackEmulator(tokens={"xoxb-t"}).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def client(slack: SlackEmulator) -> WebClient:
    return WebClient(token="xoxb-t", base_url=slack.api_url)


def _error(call: Any) -> tuple[int, str]:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value.response.status_code, caught.value.response["error"]


def test_errors_have_slacks_shape(slack: SlackEmulator, client: WebClient) -> None:
    outside = slack.add_channel("secret", bot_member=False)
    assert _error(lambda: WebClient(token="xoxb-bad", base_url=slack.api_url).auth_test()) == (
        200,
        "invalid_auth",
    )
    assert _error(lambda: client.chat_postMessage(channel="C404", text="x")) == (
        200,
        "channel_not_found",
    )
    assert _error(lambda: client.chat_postMessage(channel=outside, text="x")) == (
        200,
        "not_in_channel",
    )
    assert _error(lambda: client.users_lookupByEmail(email="nobody@example.com")) == (
        200,
        "users_not_found",
    )
    assert _error(lambda: client.users_info(user="U404")) == (200, "user_not_found")


def test_block_kit_and_text_limits(slack: SlackEmulator, client: WebClient) -> None:
    channel = slack.add_channel("cx")
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    assert _error(
        lambda: client.chat_postMessage(channel=channel, text="t", blocks=[section] * 51)
    ) == (200, "invalid_blocks")
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "가" * 3001}}
    assert _error(
        lambda: client.chat_postMessage(channel=channel, text="t", blocks=[long_section])
    )[1] == ("invalid_blocks")
    assert (
        _error(lambda: client.chat_postMessage(channel=channel, text="가" * 40001))[1]
        == "msg_too_long"
    )
    assert _error(lambda: client.chat_postMessage(channel=channel, text=""))[1] == "no_text"
    ok = client.chat_postMessage(channel=channel, text="t", blocks=[section] * 50)
    assert ok["ok"] and len(slack.posted(channel)) == 1


def test_one_message_per_second_per_channel(slack: SlackEmulator, client: WebClient) -> None:
    channel, other = slack.add_channel("cx"), slack.add_channel("sales")
    statuses = []
    for _ in range(5):
        try:
            client.chat_postMessage(channel=channel, text="x")
            statuses.append(200)
        except SlackApiError as error:
            statuses.append(error.response.status_code)
            assert error.response["error"] == "ratelimited"
            assert int(error.response.headers["Retry-After"]) >= 1
    assert statuses[:3] == [200, 200, 200] and 429 in statuses  # a short burst, then the limit
    assert client.chat_postMessage(channel=other, text="x")["ok"]  # other channels are free


def test_method_tiers(slack: SlackEmulator, client: WebClient) -> None:
    slack.add_user("김", "kim@example.com")
    answers = []
    for _ in range(55):  # users.lookupByEmail is Tier 3: 50 a minute
        try:
            client.users_lookupByEmail(email="kim@example.com")
            answers.append("ok")
        except SlackApiError as error:
            answers.append(error.response["error"])
    assert answers[:50] == ["ok"] * 50 and "ratelimited" in answers[50:]


def test_history_paginates_and_shows_metadata_only_when_asked(
    slack: SlackEmulator, client: WebClient
) -> None:
    slack.rate_limit = False
    channel = slack.add_channel("cx")
    for n in range(5):
        client.chat_postMessage(
            channel=channel,
            text=f"m{n}",
            metadata={"event_type": "cxbot_reminder", "event_payload": {"n": n}},
        )
    first = client.conversations_history(channel=channel, limit=2, include_all_metadata=True)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"] and first["has_more"]
    assert first["messages"][0]["metadata"]["event_payload"] == {"n": 4}
    rest = client.conversations_history(
        channel=channel, limit=10, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1", "m0"]
    assert "metadata" not in rest["messages"][0]


def test_the_manifest_asks_for_exactly_the_scopes_cxbot_uses() -> None:
    manifest = yaml.safe_load(
        (PROJECT_ROOT / "slack-app-manifest.yaml").read_text(encoding="utf-8")
    )
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(REQUIRED_SCOPES)
    assert sorted(BOT_SCOPES.split(",")) == sorted(REQUIRED_SCOPES)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{scope}`" in readme for scope in REQUIRED_SCOPES)


def _checked(findings: list[Finding]) -> tuple[list[str], bool]:
    return [str(f) for f in findings], all(f.ok for f in findings)


def test_doctor_names_missing_scopes_and_channels(slack: SlackEmulator) -> None:
    member, outside = slack.add_channel("cx"), slack.add_channel("sales", bot_member=False)
    reader = WebClient(token="xoxb-t", base_url=slack.api_url)
    lines, ok = _checked(check_slack(reader, {"cx": member, "dept:sales": outside}))
    assert not ok
    assert any(f"channel dept:sales ({outside}): the bot is not a member" in line for line in lines)
    assert any("✓ Slack scopes: all 14 granted" in line for line in lines)
    slack.scopes = "chat:write,users:read"
    lines, ok = _checked(check_slack(reader, {"cx": member}))
    assert not ok and any("im:write (to open a DM" in line for line in lines)
    assert any("files:write (to post the weekly report's chart" in line for line in lines)
    bad = WebClient(token="xoxb-wrong", base_url=slack.api_url)
    lines, ok = _checked(check_slack(bad, {}))
    assert not ok and "invalid_auth" in lines[0] and "xoxb-wrong" not in lines[0]


def test_update_and_permalink(slack: SlackEmulator, client: WebClient) -> None:
    channel = slack.add_channel("cx")
    ts = client.chat_postMessage(channel=channel, text="before")["ts"]
    client.chat_update(channel=channel, ts=ts, text="after")
    assert slack.posted(channel)[0]["text"] == "after"
    link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    assert link.endswith(ts.replace(".", "")) and channel in link
    assert _error(lambda: client.chat_update(channel=channel, ts="1.2", text="x"))[1] == (
        "message_not_found"
    )


@pytest.fixture
def unlimited() -> Any:
    emulator = SlackEmulator(tokens={"xoxb-t"}, rate_limit=False).start()
    yield emulator
    emulator.stop()


def test_post_message_answers_as_slack_does(unlimited: SlackEmulator) -> None:
    """By channel name or a user's id as by channel id; the message as Slack returns it
    (app, team, bot profile, a rich_text block for a text-only message); thread replies
    with `thread_ts` and `parent_user_id`, left out of the channel's history unless also
    sent to the channel."""
    slack = unlimited
    client = WebClient(token="xoxb-t", base_url=slack.api_url)
    bots = slack.add_channel("bots")
    person = slack.add_user("김지현", "jihyun.kim@example.com")
    assert client.chat_postMessage(channel="#bots", text="hi")["channel"] == bots
    assert client.chat_postMessage(channel="bots", text="hi")["channel"] == bots
    dm = client.chat_postMessage(channel=person, text="hi")["channel"]
    assert dm.startswith("D") and person in slack.channels[dm].members
    assert _error(lambda: client.chat_postMessage(channel="#nope", text="x"))[1] == (
        "channel_not_found"
    )
    answer = client.chat_postMessage(channel=bots, text="오늘 브리핑")
    message = answer["message"]
    assert message["app_id"] and message["team"] == "T0000001" and message["user"]
    assert message["bot_profile"]["app_id"] == message["app_id"]
    (block,) = message["blocks"]
    assert block["type"] == "rich_text"
    assert block["elements"][0]["elements"] == [{"type": "text", "text": "오늘 브리핑"}]
    parent = answer["ts"]
    reply = client.chat_postMessage(channel=bots, text="정정", thread_ts=parent)["message"]
    assert reply["thread_ts"] == parent and reply["parent_user_id"] == message["user"]
    shown = client.chat_postMessage(
        channel=bots, text="모두에게", thread_ts=parent, reply_broadcast=True
    )["ts"]
    history = [m["ts"] for m in client.conversations_history(channel=bots)["messages"]]
    assert parent in history and shown in history and reply["ts"] not in history
    (first,) = [
        m for m in client.conversations_history(channel=bots)["messages"] if m["ts"] == parent
    ]
    assert first["reply_count"] == 2 and first["thread_ts"] == parent
    thread = client.conversations_replies(channel=bots, ts=parent)["messages"]
    assert [m["ts"] for m in thread][1:] == [reply["ts"], shown]
    assert _error(lambda: client.chat_postMessage(channel=bots, text="x", thread_ts="1.2"))[1] == (
        "thread_not_found"
    )
    assert client.auth_test()["is_enterprise_install"] is False
    updated = client.chat_update(channel=bots, ts=parent, text="바뀐 브리핑")
    assert updated["message"]["text"] == "바뀐 브리핑" and updated["message"]["edited"]["user"]


def test_socket_mode_urls_are_for_app_level_tokens_only(slack: SlackEmulator) -> None:
    app = WebClient(token="xapp-emulator", base_url=slack.api_url)
    url = app.apps_connections_open(app_token="xapp-emulator")["url"]
    assert url.startswith("ws://127.0.0.1:") and "ticket=" in url
    bot = WebClient(token="xoxb-t", base_url=slack.api_url)
    assert _error(lambda: bot.apps_connections_open(app_token="xoxb-t"))[1] == (
        "not_allowed_token_type"
    )
    assert _error(lambda: app.auth_test())[1] == "not_allowed_token_type"
    assert _error(lambda: app.apps_connections_open(app_token="xapp-wrong"))[1] == "invalid_auth"


def test_user_groups_answer_as_slack_does_and_planners_read_them(
    slack: SlackEmulator, client: WebClient
) -> None:
    from cxbot.adapters.slack.user_groups import SlackUserGroups

    kim = slack.add_user("김지현", "jihyun.kim@example.com")
    group = slack.add_user_group("cx-planners", [kim])
    gone = slack.add_user_group("old-planners", [kim], disabled=True)
    listed = client.usergroups_list()["usergroups"]
    assert [g["handle"] for g in listed] == ["cx-planners"] and "users" not in listed[0]
    assert len(client.usergroups_list(include_disabled=True)["usergroups"]) == 2
    assert client.usergroups_list(include_users=True)["usergroups"][0]["users"] == [kim]
    assert client.usergroups_users_list(usergroup=group)["users"] == [kim]
    assert _error(lambda: client.usergroups_users_list(usergroup=gone)) == (200, "no_such_subteam")
    assert _error(lambda: client.usergroups_users_list(usergroup="S404")) == (
        200,
        "no_such_subteam",
    )
    now = [0.0]
    groups = SlackUserGroups(client, ttl=60, clock=lambda: now[0])
    assert groups.members("@CX-Planners") == frozenset({kim}) == groups.members(group)
    assert groups.members("@nobody") is None and groups.members(gone) is None
    lines, ok = _checked(groups.check(("@cx-planners", "@nobody")))
    assert not ok and "@cx-planners: 1 people" in lines[0] and "no such group" in lines[1]
    # Read again only after the ttl; while Slack cannot be read, the members last read count.
    slack.user_groups[group]["users"] = []
    assert groups.members(group) == frozenset({kim})
    now[0] = 61.0
    assert groups.members(group) == frozenset()
    slack.user_groups[group]["users"] = [kim]
    slack.scopes = BOT_SCOPES.replace(",usergroups:read", "")
    now[0] = 200.0
    assert groups.members(group) == frozenset()  # the last read, kept; nothing new
    slack.scopes = BOT_SCOPES
    now[0] = 210.0
    assert groups.members(group) == frozenset()  # not asked again on every press meanwhile
    now[0] = 231.0
    assert groups.members(group) == frozenset({kim})  # asked again after 30 s
    slack.scopes = BOT_SCOPES.replace(",usergroups:read", "")
    lines, ok = _checked(groups.check((group,)))
    assert not ok and "missing_scope" in lines[0] and "usergroups:read" in lines[0]
    # Slack throttling (Retry-After 30) or slow: answered at once from what was read last,
    # never waited out inside Slack's three seconds.
    slack.scopes = BOT_SCOPES
    for fault in (
        Fault("rate_limit", "POST", r"usergroups\.users\.list", retry_after=30),
        Fault("slow", "POST", r"usergroups\.users\.list", delay=5.0),
    ):
        slack.inject(fault)
        now[0] += 400.0
        started = time.monotonic()
        assert groups.members(group) == frozenset({kim})  # what was read last
        assert time.monotonic() - started < 2.5
        slack.clear_faults()


def test_views_stack_as_on_slack(slack: SlackEmulator, client: WebClient) -> None:
    """A modal and at most two views pushed onto it; submitting the top one goes back to the
    one under it, `clear` closes the stack, `update` replaces the view in place."""
    kim = slack.add_user("김지현", "jihyun.kim@example.com")

    def modal(n: int) -> dict[str, Any]:
        return {
            "type": "modal", "callback_id": f"v{n}", "title": {"type": "plain_text", "text": "t"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": str(n)}}],
        }  # fmt: skip

    root = client.views_open(trigger_id=slack.app.issue_trigger(kim), view=modal(1))["view"]
    assert root["root_view_id"] == root["id"] and root["previous_view_id"] is None
    pushed = client.views_push(trigger_id=slack.app.issue_trigger(kim), view=modal(2))["view"]
    assert (pushed["root_view_id"], pushed["previous_view_id"]) == (root["id"], root["id"])
    assert _error(lambda: client.views_push(trigger_id="1.2.used", view=modal(9)))[1] == (
        "expired_trigger_id"
    )
    slack.answer_view(pushed["id"], json.dumps({"response_action": "push", "view": modal(3)}))
    third_id, third = slack.app.open_view(kim)
    assert third["callback_id"] == "v3"
    assert _error(
        lambda: client.views_push(trigger_id=slack.app.issue_trigger(kim), view=modal(4))
    ) == (200, "push_limit_reached")
    slack.answer_view(third_id, "")  # submitted: back to the view under it
    assert slack.app.open_view(kim)[1]["callback_id"] == "v2"
    slack.answer_view(pushed["id"], json.dumps({"response_action": "update", "view": modal(5)}))
    assert slack.app.open_view(kim) == (pushed["id"], modal(5))
    slack.answer_view(pushed["id"], json.dumps({"response_action": "clear"}))
    with pytest.raises(LookupError):
        slack.app.open_view(kim)
    other = slack.add_user("외부인", "outsider@example.com")
    assert _error(
        lambda: client.views_push(trigger_id=slack.app.issue_trigger(other), view=modal(6))
    ) == (200, "not_found")  # nothing open to push onto
