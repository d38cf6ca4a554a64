"""Start the local VNeID stand-in: `python -m devtools.vneid [--port 8100] [--redirect-uri …]`.

Creates a fresh SQLite database, the demo citizens and the portal's client (confidential,
authorization code with PKCE, RS256 ID tokens), then serves on 127.0.0.1:<port>. The
discovery document is http://127.0.0.1:<port>/o/.well-known/openid-configuration/.
"""

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("VNEID_PORT", "8100")))
    parser.add_argument(
        "--redirect-uri",
        action="append",
        help="the portal's callback (repeatable); default http://127.0.0.1:8000/accounts/vneid/callback/",
    )
    parser.add_argument("--client-id", default=os.environ.get("VNEID_CLIENT_ID") or "vss-portal")
    parser.add_argument(
        "--client-secret",
        default=os.environ.get("VNEID_CLIENT_SECRET") or "vss-portal-local-secret",
    )
    args = parser.parse_args()
    redirect_uris = args.redirect_uri or [
        "http://127.0.0.1:8000/accounts/vneid/callback/",
        "http://localhost:8000/accounts/vneid/callback/",
    ]

    os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.vneid.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from .citizens import DEMO_CITIZENS

    call_command("migrate", verbosity=0)
    for citizen in DEMO_CITIZENS:
        user, _ = get_user_model().objects.get_or_create(username=citizen["cccd"])
        user.set_unusable_password()
        user.save()
    Application.objects.filter(client_id=args.client_id).delete()
    Application.objects.create(
        client_id=args.client_id,
        client_secret=args.client_secret,
        name="Cổng dịch vụ công BHXH (local)",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    print(  # noqa: T201
        f"VNeID stand-in: http://127.0.0.1:{args.port}/o/.well-known/openid-configuration/",
        flush=True,
    )
    call_command("runserver", f"127.0.0.1:{args.port}", "--noreload", "--skip-checks")


if __name__ == "__main__":
    main()
