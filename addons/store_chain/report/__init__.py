from . import chain_sales_report
