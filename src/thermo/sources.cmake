set(module_sources activity.cpp chemical_system.cpp composition.cpp log_k.cpp speciation.cpp unit_speciation.cpp water.cpp)
