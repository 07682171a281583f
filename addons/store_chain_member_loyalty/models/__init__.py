from . import (
    chain_settlement,
    chain_settlement_line,
    chain_store,
    member_ledger,
    res_partner,
    res_partner_ledger,
    res_partner_scope,
    store_chain_demo,
)
