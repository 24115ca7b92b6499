"""Plugins' state as an app service: enabling, disabling, settings and uploaded bundles
(a change commits, then ``plugins_changed`` goes on the bus and every node's runtime
re-reads), and the plugins' key-value store. Running plugins is
``roost.plugin_runtime``'s job.
"""
