set(module_sources error.cpp data_path.cpp quantity.cpp)
