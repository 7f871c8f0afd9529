"""BorderBolt: customs platform (customers, contacts)."""
