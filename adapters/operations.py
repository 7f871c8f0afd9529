"""What an adapter can be asked to do, and how it takes a filter."""

from __future__ import annotations

from enum import StrEnum


class FilterSupport(StrEnum):
    NATIVE = "native"
    EMULATED = "emulated"
    UNSUPPORTED = "unsupported"


class Operation(StrEnum):
    LIST_CUSTOMERS = "list_customers"
    GET_CUSTOMER = "get_customer"
    GET_CUSTOMER_BY_CODE = "get_customer_by_code"
    CREATE_CUSTOMER = "create_customer"
    UPDATE_CUSTOMER = "update_customer"
    DELETE_CUSTOMER = "delete_customer"
    LIST_CONTACTS = "list_contacts"
    GET_CONTACT = "get_contact"
    CREATE_CONTACT = "create_contact"
    UPDATE_CONTACT = "update_contact"
    DELETE_CONTACT = "delete_contact"
    LIST_ORDERS = "list_orders"
    GET_ANALYTICS = "get_analytics"
    CREDIT_CHECK = "credit_check"
    LIST_ITEMS = "list_items"
    SEARCH_ITEMS = "search_items"
    GET_ITEM = "get_item"
    CREATE_ITEM = "create_item"
    UPDATE_ITEM = "update_item"
    DELETE_ITEM = "delete_item"
    DUPLICATE_ITEM = "duplicate_item"
    VERIFY_ITEM = "verify_item"
    LIST_PENDING_CHANGES = "list_pending_changes"
    LIST_DOCUMENTS = "list_documents"
