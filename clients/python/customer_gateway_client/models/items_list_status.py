from enum import StrEnum

class ItemsListStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
