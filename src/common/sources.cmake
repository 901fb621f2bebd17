set(module_sources yaml_support.cpp)
