"""Settings package, split by concern.

`development` is the default (embedded SQLite, eager Celery); `production` hardens it;
`test` is what pytest uses. Every value comes from the environment (see `.env.example`).
"""
