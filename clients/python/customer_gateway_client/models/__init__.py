""" Contains all the data models used in inputs/outputs """

from .address import Address
from .address_input import AddressInput
from .admin_audit_list_response_200 import AdminAuditListResponse200
from .admin_config_get_response_200 import AdminConfigGetResponse200
from .admin_config_reload_response_200 import AdminConfigReloadResponse200
from .admin_config_replace_json_body import AdminConfigReplaceJsonBody
from .admin_config_replace_response_200 import AdminConfigReplaceResponse200
from .admin_config_rollback_response_200 import AdminConfigRollbackResponse200
from .admin_config_validate_json_body import AdminConfigValidateJsonBody
from .admin_config_validate_response_200 import AdminConfigValidateResponse200
from .admin_config_versions_list_response_200 import AdminConfigVersionsListResponse200
from .admin_config_versions_retrieve_response_200 import AdminConfigVersionsRetrieveResponse200
from .admin_connections_list_response_200 import AdminConnectionsListResponse200
from .admin_webhooks_deliveries_list_response_200 import AdminWebhooksDeliveriesListResponse200
from .admin_webhooks_deliveries_list_status import AdminWebhooksDeliveriesListStatus
from .admin_webhooks_deliveries_retry_response_200 import AdminWebhooksDeliveriesRetryResponse200
from .admin_webhooks_list_response_200 import AdminWebhooksListResponse200
from .connection_name import ConnectionName
from .connections_list_response_200 import ConnectionsListResponse200
from .connections_list_response_200_data_item import ConnectionsListResponse200DataItem
from .connections_list_response_200_meta import ConnectionsListResponse200Meta
from .contact import Contact
from .contact_create import ContactCreate
from .contact_create_extra_type_0 import ContactCreateExtraType0
from .contact_extra import ContactExtra
from .contact_patch import ContactPatch
from .contact_patch_extra_type_0 import ContactPatchExtraType0
from .credit_check import CreditCheck
from .credit_check_extra import CreditCheckExtra
from .customer import Customer
from .customer_analytics import CustomerAnalytics
from .customer_analytics_extra import CustomerAnalyticsExtra
from .customer_analytics_period import CustomerAnalyticsPeriod
from .customer_create import CustomerCreate
from .customer_create_extra_type_0 import CustomerCreateExtraType0
from .customer_extra import CustomerExtra
from .customer_patch import CustomerPatch
from .customer_patch_extra_type_0 import CustomerPatchExtraType0
from .customer_remote_data_type_0 import CustomerRemoteDataType0
from .customers_analytics_period import CustomersAnalyticsPeriod
from .customers_list_sort import CustomersListSort
from .docs_assets_get_response_404 import DocsAssetsGetResponse404
from .document import Document
from .document_extra import DocumentExtra
from .error_body import ErrorBody
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .events_list_response_200 import EventsListResponse200
from .events_list_response_200_data_item import EventsListResponse200DataItem
from .events_list_response_200_data_item_data_type_0 import EventsListResponse200DataItemDataType0
from .events_list_response_200_data_item_source import EventsListResponse200DataItemSource
from .events_list_response_200_data_item_type import EventsListResponse200DataItemType
from .events_list_response_200_meta import EventsListResponse200Meta
from .financial_summary import FinancialSummary
from .item import Item
from .item_create import ItemCreate
from .item_create_extra_type_0 import ItemCreateExtraType0
from .item_create_status_type_0 import ItemCreateStatusType0
from .item_extra import ItemExtra
from .item_patch import ItemPatch
from .item_patch_extra_type_0 import ItemPatchExtraType0
from .item_patch_status_type_0 import ItemPatchStatusType0
from .item_remote_data_type_0 import ItemRemoteDataType0
from .item_status_type_0 import ItemStatusType0
from .items_list_sort import ItemsListSort
from .items_list_status import ItemsListStatus
from .items_pending_changes_list_status import ItemsPendingChangesListStatus
from .month_figures import MonthFigures
from .no_body import NoBody
from .order import Order
from .order_extra import OrderExtra
from .order_remote_data_type_0 import OrderRemoteDataType0
from .overview import Overview
from .page_contact import PageContact
from .page_customer import PageCustomer
from .page_document import PageDocument
from .page_item import PageItem
from .page_meta import PageMeta
from .page_order import PageOrder
from .page_pending_change import PagePendingChange
from .passthrough_delete_response_200 import PassthroughDeleteResponse200
from .passthrough_delete_response_default import PassthroughDeleteResponseDefault
from .passthrough_get_response_200 import PassthroughGetResponse200
from .passthrough_get_response_default import PassthroughGetResponseDefault
from .passthrough_patch_json_body import PassthroughPatchJsonBody
from .passthrough_patch_response_200 import PassthroughPatchResponse200
from .passthrough_patch_response_default import PassthroughPatchResponseDefault
from .passthrough_post_json_body import PassthroughPostJsonBody
from .passthrough_post_response_200 import PassthroughPostResponse200
from .passthrough_post_response_default import PassthroughPostResponseDefault
from .passthrough_put_json_body import PassthroughPutJsonBody
from .passthrough_put_response_200 import PassthroughPutResponse200
from .passthrough_put_response_default import PassthroughPutResponseDefault
from .pending_change import PendingChange
from .pending_change_extra import PendingChangeExtra
from .product_figures import ProductFigures
from .readiness_get_response_503 import ReadinessGetResponse503
from .rollback import Rollback

__all__ = (
    "Address",
    "AddressInput",
    "AdminAuditListResponse200",
    "AdminConfigGetResponse200",
    "AdminConfigReloadResponse200",
    "AdminConfigReplaceJsonBody",
    "AdminConfigReplaceResponse200",
    "AdminConfigRollbackResponse200",
    "AdminConfigValidateJsonBody",
    "AdminConfigValidateResponse200",
    "AdminConfigVersionsListResponse200",
    "AdminConfigVersionsRetrieveResponse200",
    "AdminConnectionsListResponse200",
    "AdminWebhooksDeliveriesListResponse200",
    "AdminWebhooksDeliveriesListStatus",
    "AdminWebhooksDeliveriesRetryResponse200",
    "AdminWebhooksListResponse200",
    "ConnectionName",
    "ConnectionsListResponse200",
    "ConnectionsListResponse200DataItem",
    "ConnectionsListResponse200Meta",
    "Contact",
    "ContactCreate",
    "ContactCreateExtraType0",
    "ContactExtra",
    "ContactPatch",
    "ContactPatchExtraType0",
    "CreditCheck",
    "CreditCheckExtra",
    "Customer",
    "CustomerAnalytics",
    "CustomerAnalyticsExtra",
    "CustomerAnalyticsPeriod",
    "CustomerCreate",
    "CustomerCreateExtraType0",
    "CustomerExtra",
    "CustomerPatch",
    "CustomerPatchExtraType0",
    "CustomerRemoteDataType0",
    "CustomersAnalyticsPeriod",
    "CustomersListSort",
    "DocsAssetsGetResponse404",
    "Document",
    "DocumentExtra",
    "ErrorBody",
    "ErrorDetail",
    "ErrorEnvelope",
    "EventsListResponse200",
    "EventsListResponse200DataItem",
    "EventsListResponse200DataItemDataType0",
    "EventsListResponse200DataItemSource",
    "EventsListResponse200DataItemType",
    "EventsListResponse200Meta",
    "FinancialSummary",
    "Item",
    "ItemCreate",
    "ItemCreateExtraType0",
    "ItemCreateStatusType0",
    "ItemExtra",
    "ItemPatch",
    "ItemPatchExtraType0",
    "ItemPatchStatusType0",
    "ItemRemoteDataType0",
    "ItemsListSort",
    "ItemsListStatus",
    "ItemsPendingChangesListStatus",
    "ItemStatusType0",
    "MonthFigures",
    "NoBody",
    "Order",
    "OrderExtra",
    "OrderRemoteDataType0",
    "Overview",
    "PageContact",
    "PageCustomer",
    "PageDocument",
    "PageItem",
    "PageMeta",
    "PageOrder",
    "PagePendingChange",
    "PassthroughDeleteResponse200",
    "PassthroughDeleteResponseDefault",
    "PassthroughGetResponse200",
    "PassthroughGetResponseDefault",
    "PassthroughPatchJsonBody",
    "PassthroughPatchResponse200",
    "PassthroughPatchResponseDefault",
    "PassthroughPostJsonBody",
    "PassthroughPostResponse200",
    "PassthroughPostResponseDefault",
    "PassthroughPutJsonBody",
    "PassthroughPutResponse200",
    "PassthroughPutResponseDefault",
    "PendingChange",
    "PendingChangeExtra",
    "ProductFigures",
    "ReadinessGetResponse503",
    "Rollback",
)
