"""Entry points: the command line (and, later, the scheduler and Slack)."""
