package dev.streamstate.benchmarks;

import java.io.Serializable;

/**
 * What a running count per key computed, in two numbers every contender can report: {@code
 * counted}, the sum of the final counts (every record counted once), and {@code emittedSum}, the
 * sum of every count emitted along the way (1 + 2 + … + c for a key counted c times). {@link
 * Workload#expectedRunningTally} says what they must be.
 */
public record RunningTally(long counted, long emittedSum) implements Serializable {}
