from enum import StrEnum

class ItemsListSort(StrEnum):
    CODE = "code"
    CREATED_AT = "created_at"
    DESCRIPTION = "description"
    HS_CODE = "hs_code"
    STATUS = "status"
    UPDATED_AT = "updated_at"
    VALUE_1 = "-code"
    VALUE_11 = "-updated_at"
    VALUE_3 = "-description"
    VALUE_5 = "-hs_code"
    VALUE_7 = "-status"
    VALUE_9 = "-created_at"

    def __str__(self) -> str:
        return str(self.value)
