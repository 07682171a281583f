from . import (
    test_hardware_proxy,
    test_pos_tour,
    test_print_queue,
    test_proxy_printing,
    test_proxy_protocol,
    test_proxy_scanner,
    test_proxy_tls,
)
