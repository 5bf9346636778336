"""Use cases: thin orchestration of the domain over the ports."""
