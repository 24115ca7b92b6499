"""Autolink: ticket ids in messages become links to a tracker."""
