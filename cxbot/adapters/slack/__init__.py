"""Slack: reminders as Block Kit messages through slack-sdk's WebClient."""
