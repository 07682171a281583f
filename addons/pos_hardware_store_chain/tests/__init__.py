from . import test_store_hardware
