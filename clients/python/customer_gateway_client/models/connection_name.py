from enum import StrEnum

class ConnectionName(StrEnum):
    BORDERBOLT = "borderbolt"
    CRM = "crm"
    SHOP = "shop"

    def __str__(self) -> str:
        return str(self.value)
