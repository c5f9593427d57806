// Catch2 main for the unit-test binary (the engine alone).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
