from . import pos_config, pos_hardware_device, pos_hardware_proxy
