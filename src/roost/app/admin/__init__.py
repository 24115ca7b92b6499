"""Administration (issue 24): the configuration API, the node's logs and the cluster's
state, site statistics and data retention. The top domain of ``roost.app``: it may use
every other one. The configuration's mechanism is in ``docs/internals/config.md``."""
