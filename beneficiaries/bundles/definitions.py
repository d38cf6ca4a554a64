"""What each bundle is made of: its parts, their agency, documents and VSS procedure."""

from __future__ import annotations

from dataclasses import dataclass

from ..constants import FUNERAL_ALLOWANCE, HI_CARD_CHILD, SURVIVOR_ALLOWANCE
from .constants import Agency, BundleDocumentKind, BundleKind, BundleProcedure


@dataclass(frozen=True)
class PartSpec:
    procedure: str
    agency: str
    # The procedure's name on legal documents (Vietnamese, the forms' language), and in
    # English for the API's clients.
    name_vi: str
    name_en: str = ""
    # The civil status registration: its record is what the other parts wait for.
    civil_registration: bool = False
    # Documents the part always needs, and those needed when a declaration flag is set.
    documents: tuple[str, ...] = ()
    conditional_documents: tuple[tuple[str, str], ...] = ()
    # VSS parts: the catalogue procedure, the component the generated e-form fills and
    # which bundle documents go to which dossier component.
    catalogue_slug: str = ""
    eform_component: str = ""
    dossier_documents: tuple[tuple[str, str], ...] = ()

    @property
    def is_vss(self) -> bool:
        return self.agency == Agency.VSS


BIRTH_PARTS = (
    PartSpec(
        procedure=BundleProcedure.BIRTH_REGISTRATION,
        agency=Agency.JUSTICE,
        name_vi="Đăng ký khai sinh",
        name_en="Birth registration",
        civil_registration=True,
        documents=(BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE,),
    ),
    PartSpec(
        procedure=BundleProcedure.PERMANENT_RESIDENCE,
        agency=Agency.POLICE,
        name_vi="Đăng ký thường trú",
        name_en="Permanent residence registration",
        conditional_documents=((BundleDocumentKind.RESIDENCE_CONSENT, "home_not_owned"),),
    ),
    PartSpec(
        procedure=BundleProcedure.HI_CARD_CHILD,
        agency=Agency.VSS,
        name_vi="Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        name_en="Health insurance card for a child under 6",
        documents=(BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE,),
        catalogue_slug=HI_CARD_CHILD,
        eform_component="interconnected_eform",
        dossier_documents=(
            ("birth_medical_certificate", BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE),
            ("marriage_certificate", BundleDocumentKind.MARRIAGE_CERTIFICATE),
            ("residence_consent", BundleDocumentKind.RESIDENCE_CONSENT),
        ),
    ),
)

DEATH_PARTS = (
    PartSpec(
        procedure=BundleProcedure.DEATH_REGISTRATION,
        agency=Agency.JUSTICE,
        name_vi="Đăng ký khai tử",
        name_en="Death registration",
        civil_registration=True,
        documents=(BundleDocumentKind.DEATH_NOTICE,),
    ),
    PartSpec(
        procedure=BundleProcedure.RESIDENCE_REMOVAL,
        agency=Agency.POLICE,
        name_vi="Xóa đăng ký thường trú",
        name_en="Removal of permanent residence registration",
    ),
    # The interconnected e-form carries the relatives' declaration; the death extract
    # comes from the civil status record (the catalogue marks it as held by the registry).
    PartSpec(
        procedure=BundleProcedure.FUNERAL_ALLOWANCE,
        agency=Agency.VSS,
        name_vi="Giải quyết trợ cấp mai táng",
        name_en="Funeral allowance",
        catalogue_slug=FUNERAL_ALLOWANCE,
        eform_component="relatives_declaration",
    ),
    PartSpec(
        procedure=BundleProcedure.SURVIVOR_ALLOWANCE,
        agency=Agency.VSS,
        name_vi="Giải quyết hưởng trợ cấp tuất hằng tháng",
        name_en="Monthly survivor allowance",
        catalogue_slug=SURVIVOR_ALLOWANCE,
        eform_component="relatives_declaration",
    ),
)

BUNDLE_PARTS: dict[str, tuple[PartSpec, ...]] = {
    BundleKind.BIRTH: BIRTH_PARTS,
    BundleKind.DEATH: DEATH_PARTS,
}
_BY_PROCEDURE = {spec.procedure: spec for specs in BUNDLE_PARTS.values() for spec in specs}

BUNDLE_TITLES_VI = {
    BundleKind.BIRTH: "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
    "cho trẻ em dưới 6 tuổi",
    BundleKind.DEATH: "Liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng",
}
BUNDLE_TITLES_EN = {
    BundleKind.BIRTH: "Interconnected birth registration, permanent residence registration "
    "and health insurance card for a child under 6",
    BundleKind.DEATH: "Interconnected death registration, removal of permanent residence "
    "registration and funeral allowance",
}


def part_spec(procedure: str) -> PartSpec:
    return _BY_PROCEDURE[procedure]


def civil_registration_spec(kind: str) -> PartSpec:
    return next(spec for spec in BUNDLE_PARTS[kind] if spec.civil_registration)


def optional_procedures(kind: str) -> list[str]:
    """The procedures the citizen picks (the civil registration is always part of it)."""
    return [spec.procedure for spec in BUNDLE_PARTS[kind] if not spec.civil_registration]


def required_documents(spec: PartSpec, declaration: dict) -> list[str]:
    codes = list(spec.documents)
    codes += [code for code, flag in spec.conditional_documents if declaration.get(flag)]
    return codes
