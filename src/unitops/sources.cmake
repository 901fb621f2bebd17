set(module_sources leach_tank.cpp unit_operation.cpp)
