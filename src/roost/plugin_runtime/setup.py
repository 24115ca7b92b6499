"""Plugins in a server: the runtime, registered on the app services' seams."""

from __future__ import annotations

from roost.app.services import Services
from roost.plugin_runtime.hooks import PluginHooks
from roost.plugin_runtime.runtime import PluginRuntime


def build_plugin_runtime(services: Services) -> PluginRuntime:
    """The runtime with its hooks in place; ``runtime.start()`` (in the server's
    lifespan) loads the enabled plugins in the background. ``runtime.commands`` is the
    CommandProvider for plugin slash commands, asked by the command service after its
    built-ins and the teams' custom commands."""
    runtime = PluginRuntime(services)
    hooks = PluginHooks(runtime, services.posts)
    services.posts.hooks.add(hooks)
    services.lifecycle.add(hooks)
    services.integrations.commands.providers.append(runtime.commands)
    return runtime
