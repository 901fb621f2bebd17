set(module_sources
    sparsity.cpp
    system.cpp
    jacobian.cpp
    sundials_wrappers.cpp
    solver_support.cpp
    dynamic_solver.cpp
    steady_solver.cpp)
