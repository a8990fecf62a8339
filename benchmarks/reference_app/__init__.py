"""The bare-Django reference of the submissions benchmark: what Django itself allows.

One view, no middleware, no installed apps: each POST stores its body as one JSON row with
`INSERT … ON CONFLICT DO NOTHING` into its own table (`reference_submission`) of the same
scratch PostgreSQL database cslab uses, and answers 201. `benchmarks.submissions` serves it with
gunicorn (4 processes × 4 threads, as `cslab serve`) and drives it with the same clients.
"""
