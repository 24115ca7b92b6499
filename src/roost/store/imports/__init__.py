"""SQL for importing Mattermost and Slack data (``roost.app.imports``): looking rows up
by their natural keys, writing them in sets, moving counters once per batch, and the
import jobs and uploads."""
