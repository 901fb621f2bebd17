set(module_sources flowsheet.cpp results.cpp system.cpp)
