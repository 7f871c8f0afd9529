from enum import StrEnum

class EventsListResponse200DataItemSource(StrEnum):
    GATEWAY = "gateway"
    POLL = "poll"

    def __str__(self) -> str:
        return str(self.value)
