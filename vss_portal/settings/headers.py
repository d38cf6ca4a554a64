"""Security headers on every answer: Content-Security-Policy (django-csp) and
Permissions-Policy (django-permissions-policy).

No inline script or style anywhere: pages load their JavaScript and CSS from our own static
files (htmx's indicator styles are in portal.css, `htmx-config` turns its injection off),
and the API docs use the Swagger UI files shipped by drf-spectacular-sidecar.
"""

from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # QR codes on slips are data: URIs; Swagger UI's stylesheet uses data: icons.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# No page uses the camera, microphone, location, payment or other device features: the
# counter's scanner is a document scanner, not getUserMedia.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
