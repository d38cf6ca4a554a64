from oauth2_provider.oauth2_validators import OAuth2Validator

from .citizens import BY_CCCD


class VneidValidator(OAuth2Validator):
    """The ID token carries the citizen's verified identity (VNeID's claims as the portal
    reads them: accounts/vneid.py)."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "cccd": "profile"}

    def get_additional_claims(self, request):
        citizen = BY_CCCD[request.user.username]
        return {
            "cccd": citizen["cccd"],
            "name": citizen["name"],
            "birthdate": citizen["birthdate"],
            "gender": citizen["gender"],
        }
