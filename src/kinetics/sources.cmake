set(module_sources arrhenius.cpp leach_reaction.cpp shrinking_core.cpp)
