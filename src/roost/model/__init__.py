"""Domain records shared by every layer, each able to render Mattermost's JSON shape."""
