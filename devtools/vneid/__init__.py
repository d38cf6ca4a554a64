"""A local OpenID Connect provider standing in for VNeID (development and tests only).

A separate, tiny Django project (its own settings, SQLite, django-oauth-toolkit's OIDC
support, an RS256 key generated at each start) whose sign-in page lists a few demo citizens:
`python -m devtools.vneid --port 8100` (`make vneid`). See devtools/vneid/README.md.
"""
