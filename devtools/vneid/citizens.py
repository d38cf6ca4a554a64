"""The demo citizens the provider vouches for. Their CCCD, name, birth date and gender match
the portal's demo data (seed_demo, seed_registry) where the portal knows them."""

DEMO_CITIZENS = [
    # Has a portal account (password) and a registry record: VNeID links the account.
    {"cccd": "001090012345", "name": "Nguyễn Văn An", "birthdate": "1990-05-12", "gender": "male"},
    # In the registry, no portal account: VNeID creates the account.
    {"cccd": "001191023456", "name": "Trần Thị Hoa", "birthdate": "1991-08-20", "gender": "female"},
    # Unknown to the portal and the registry: the account and the registry record are created.
    {"cccd": "079195007788", "name": "Đỗ Thị Lan", "birthdate": "1995-11-23", "gender": "female"},
]

BY_CCCD = {citizen["cccd"]: citizen for citizen in DEMO_CITIZENS}
