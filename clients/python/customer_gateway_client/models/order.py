from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.address import Address
  from ..models.order_extra import OrderExtra
  from ..models.order_remote_data_type_0 import OrderRemoteDataType0





T = TypeVar("T", bound="Order")



@_attrs_define
class Order:
    """ 
        Attributes:
            id (str):
            customer_id (str):
            order_number (None | str | Unset):
            status (None | str | Unset):
            order_date (None | str | Unset):
            ship_date (None | str | Unset):
            delivery_date (None | str | Unset):
            total_amount (float | None | Unset):
            items_count (int | None | Unset):
            shipping_address (Address | None | Unset):
            extra (OrderExtra | Unset):
            remote_data (None | OrderRemoteDataType0 | Unset):
     """

    id: str
    customer_id: str
    order_number: None | str | Unset = UNSET
    status: None | str | Unset = UNSET
    order_date: None | str | Unset = UNSET
    ship_date: None | str | Unset = UNSET
    delivery_date: None | str | Unset = UNSET
    total_amount: float | None | Unset = UNSET
    items_count: int | None | Unset = UNSET
    shipping_address: Address | None | Unset = UNSET
    extra: OrderExtra | Unset = UNSET
    remote_data: None | OrderRemoteDataType0 | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.address import Address # noqa: PLC0415
        from ..models.order_extra import OrderExtra # noqa: PLC0415
        from ..models.order_remote_data_type_0 import OrderRemoteDataType0 # noqa: PLC0415
        id = self.id

        customer_id = self.customer_id

        order_number: None | str | Unset
        if isinstance(self.order_number, Unset):
            order_number = UNSET
        else:
            order_number = self.order_number

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        order_date: None | str | Unset
        if isinstance(self.order_date, Unset):
            order_date = UNSET
        else:
            order_date = self.order_date

        ship_date: None | str | Unset
        if isinstance(self.ship_date, Unset):
            ship_date = UNSET
        else:
            ship_date = self.ship_date

        delivery_date: None | str | Unset
        if isinstance(self.delivery_date, Unset):
            delivery_date = UNSET
        else:
            delivery_date = self.delivery_date

        total_amount: float | None | Unset
        if isinstance(self.total_amount, Unset):
            total_amount = UNSET
        else:
            total_amount = self.total_amount

        items_count: int | None | Unset
        if isinstance(self.items_count, Unset):
            items_count = UNSET
        else:
            items_count = self.items_count

        shipping_address: dict[str, Any] | None | Unset
        if isinstance(self.shipping_address, Unset):
            shipping_address = UNSET
        elif isinstance(self.shipping_address, Address):
            shipping_address = self.shipping_address.to_dict()
        else:
            shipping_address = self.shipping_address

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()

        remote_data: dict[str, Any] | None | Unset
        if isinstance(self.remote_data, Unset):
            remote_data = UNSET
        elif isinstance(self.remote_data, OrderRemoteDataType0):
            remote_data = self.remote_data.to_dict()
        else:
            remote_data = self.remote_data


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "customer_id": customer_id,
        })
        if order_number is not UNSET:
            field_dict["order_number"] = order_number
        if status is not UNSET:
            field_dict["status"] = status
        if order_date is not UNSET:
            field_dict["order_date"] = order_date
        if ship_date is not UNSET:
            field_dict["ship_date"] = ship_date
        if delivery_date is not UNSET:
            field_dict["delivery_date"] = delivery_date
        if total_amount is not UNSET:
            field_dict["total_amount"] = total_amount
        if items_count is not UNSET:
            field_dict["items_count"] = items_count
        if shipping_address is not UNSET:
            field_dict["shipping_address"] = shipping_address
        if extra is not UNSET:
            field_dict["extra"] = extra
        if remote_data is not UNSET:
            field_dict["remote_data"] = remote_data

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.address import Address # noqa: PLC0415
        from ..models.order_extra import OrderExtra # noqa: PLC0415
        from ..models.order_remote_data_type_0 import OrderRemoteDataType0 # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id")

        customer_id = d.pop("customer_id")

        def _parse_order_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        order_number = _parse_order_number(d.pop("order_number", UNSET))


        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))


        def _parse_order_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        order_date = _parse_order_date(d.pop("order_date", UNSET))


        def _parse_ship_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ship_date = _parse_ship_date(d.pop("ship_date", UNSET))


        def _parse_delivery_date(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        delivery_date = _parse_delivery_date(d.pop("delivery_date", UNSET))


        def _parse_total_amount(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        total_amount = _parse_total_amount(d.pop("total_amount", UNSET))


        def _parse_items_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        items_count = _parse_items_count(d.pop("items_count", UNSET))


        def _parse_shipping_address(data: object) -> Address | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                shipping_address_type_0 = Address.from_dict(data)



                return shipping_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Address | None | Unset, data)

        shipping_address = _parse_shipping_address(d.pop("shipping_address", UNSET))


        _extra = d.pop("extra", UNSET)
        extra: OrderExtra | Unset
        if isinstance(_extra,  Unset):
            extra = UNSET
        else:
            extra = OrderExtra.from_dict(_extra)




        def _parse_remote_data(data: object) -> None | OrderRemoteDataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                remote_data_type_0 = OrderRemoteDataType0.from_dict(data)



                return remote_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrderRemoteDataType0 | Unset, data)

        remote_data = _parse_remote_data(d.pop("remote_data", UNSET))


        order = cls(
            id=id,
            customer_id=customer_id,
            order_number=order_number,
            status=status,
            order_date=order_date,
            ship_date=ship_date,
            delivery_date=delivery_date,
            total_amount=total_amount,
            items_count=items_count,
            shipping_address=shipping_address,
            extra=extra,
            remote_data=remote_data,
        )

        return order

