package dev.parley.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link SuccessPathBenchmark} on two threads sharing the same registries (both cores of the test machine). */
@Threads(2)
public class SuccessPathTwoThreads extends SuccessPathBenchmark {
}
