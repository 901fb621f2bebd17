set(module_sources component_list.cpp stream.cpp)
