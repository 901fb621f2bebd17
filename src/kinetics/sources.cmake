set(module_sources arrhenius.cpp distribution.cpp leach_rate.cpp leach_reaction.cpp particle_size.cpp population_balance.cpp shrinking_core.cpp)
