"""People: users and profiles, sign-up and sign-in, API tokens, personal data export."""
