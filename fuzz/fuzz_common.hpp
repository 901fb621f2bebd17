// Shared harness for the libFuzzer targets: runs one parser on the input, lets hydromet::Error pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "hydromet/core/error.hpp"

namespace hydromet::fuzz {

/// The input as text (it may hold any bytes, NUL included).
inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// Runs `parse`; a hydromet::Error is an expected outcome, any other exception is a finding (abort, so
/// that libFuzzer saves the input as a crash).
template <typename Parse>
int run(Parse&& parse) {
  try {
    parse();
  } catch (const hydromet::Error&) {
    // Expected: the parser rejected the input with a hydromet error.
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz: unexpected %s: %s\n", typeid(error).name(), error.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz: unexpected exception of unknown type\n");
    std::abort();
  }
  return 0;
}

}  // namespace hydromet::fuzz
