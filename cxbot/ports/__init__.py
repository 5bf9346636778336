"""The small interfaces the use cases need from the outside world, one module per feature.

Each module holds the data classes its ports pass beside the Protocols that pass them.
Adapters in `cxbot.adapters` implement them; `cxbot.bootstrap` wires them together.
"""
