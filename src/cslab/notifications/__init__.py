"""Notifications: what happened to the things a person cares about, on the site and by e-mail."""
