"""The historical migrations of the models that were once in one `collection` app (issue 10 split
it into `forms`, `observations` and `media`), and the templates and static files those apps share.

The app stays installed so that its migrations keep running on new and old databases alike."""
