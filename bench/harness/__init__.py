"""The benchmark harness behind `./dev bench`: interleaved arms, ceilings measured in the same run."""
