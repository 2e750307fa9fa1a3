// Carries the precompiled catch.hpp that the test executables reuse.
