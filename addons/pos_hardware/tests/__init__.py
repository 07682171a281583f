from . import test_hardware_proxy
