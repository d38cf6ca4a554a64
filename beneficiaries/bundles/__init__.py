"""Interconnected procedures (liên thông, Decree 63/2024/ND-CP) filed as one bundle.

A bundle is one declaration for a group of procedures of several agencies. It becomes one
VSS dossier per VSS procedure (filed through `dossiers.services`) plus a hand-off record
per part of another agency (civil status at the justice service, residence at the
police), all followed on one tracker. The other agencies are reached through
`beneficiaries.adapters`.
"""
