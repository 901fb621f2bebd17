set(module_sources flowsheet_loader.cpp writers.cpp)
