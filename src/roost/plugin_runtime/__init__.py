"""The server-plugin runtime: loading, the hook dispatch, the shared plugin host.

Layering: app services call plugins through their seams (``PostHooks``,
``LifecycleHooks``, ``CommandProvider``), which this package implements; the plugin API
calls app services. This package never touches the store. ``roost.plugin_runtime.host`` is
also the entry point of the plugin-host process, so nothing here imports eagerly.
State, loading, calls, the host and tenants: ``docs/internals/plugins.md``.
"""
