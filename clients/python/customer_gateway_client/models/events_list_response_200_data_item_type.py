from enum import StrEnum

class EventsListResponse200DataItemType(StrEnum):
    CONNECTION_HEALTH_CHANGED = "connection.health_changed"
    CONTACT_CREATED = "contact.created"
    CONTACT_DELETED = "contact.deleted"
    CONTACT_UPDATED = "contact.updated"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_DELETED = "customer.deleted"
    CUSTOMER_UPDATED = "customer.updated"
    ITEM_CREATED = "item.created"
    ITEM_DELETED = "item.deleted"
    ITEM_UPDATED = "item.updated"

    def __str__(self) -> str:
        return str(self.value)
