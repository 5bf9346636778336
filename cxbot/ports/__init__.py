"""The small interfaces the use cases need from the outside world, one module per feature.

Each module holds the data classes its ports pass beside the Protocols that pass them;
`errors` holds the errors a port raises and a user can act on; `messages` what every
composer builds and every notifier posts.
Adapters in `cxbot.adapters` implement them; `cxbot.bootstrap` wires them together.
"""
