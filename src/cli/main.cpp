// The `hydromet` command line.
#include <iostream>

#include "hydromet/core/version.hpp"

int main() {
  std::cout << "hydromet " << hydromet::version_string << '\n';
  return 0;
}
