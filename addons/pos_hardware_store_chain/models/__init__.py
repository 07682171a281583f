from . import chain_store, pos_config, pos_hardware_device, pos_hardware_proxy
