from enum import StrEnum

class CustomersListSort(StrEnum):
    CODE = "code"
    COUNTRY = "country"
    CREATED_AT = "created_at"
    NAME = "name"
    UPDATED_AT = "updated_at"
    VALUE_1 = "-name"
    VALUE_3 = "-code"
    VALUE_5 = "-country"
    VALUE_7 = "-created_at"
    VALUE_9 = "-updated_at"

    def __str__(self) -> str:
        return str(self.value)
