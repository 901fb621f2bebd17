set(module_sources build_context.cpp builders/leach_tank.cpp flowsheet_loader.cpp writers.cpp)
