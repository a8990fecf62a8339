"""Crowdsourced research questions: propose, discuss, support, follow, adopt, answer."""
