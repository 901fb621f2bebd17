set(module_sources)
