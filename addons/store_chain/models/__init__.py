from . import (
    chain_region,
    chain_replenishment,
    chain_replenishment_line,
    chain_store,
    chain_store_demo,
    pos_config,
    pos_order,
    pos_session,
    res_users,
    stock_warehouse,
    store_chain_demo,
)
