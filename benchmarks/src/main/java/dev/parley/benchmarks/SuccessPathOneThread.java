package dev.parley.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link SuccessPathBenchmark} on one thread. */
@Threads(1)
public class SuccessPathOneThread extends SuccessPathBenchmark {
}
