set(module_sources flowsheet.cpp integration.cpp results.cpp system.cpp)
