"""A loopback emulator of the Slack Web API methods cxbot uses."""

from cxbot.emulators.slack.server import SlackEmulator

__all__ = ["SlackEmulator"]
