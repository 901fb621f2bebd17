set(module_sources elements.cpp formula.cpp species.cpp database.cpp)
