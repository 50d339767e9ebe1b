package dev.streamstate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A small run of the join footprint benchmark on our runner: every pair out, and no key left in the
 * interval join's state once the watermark has passed the last interval (the windowed join's state
 * is a window's, freed as every window's is: run {@code JoinStateFootprint} for it).
 */
class JoinStateFootprintTest {

  @Test
  void theIntervalJoinLeavesNoStateBehindOnOurRunner() {
    assertFreesItsState(JoinStateFootprint.measure(JoinStateFootprint.Join.INTERVAL, 2_000, 4));
  }

  private static void assertFreesItsState(JoinStateFootprint.Footprint footprint) {
    assertEquals(footprint.expectedPairs(), footprint.pairs(), footprint.toString());
    assertTrue(footprint.peakStateKeys() > 0, "the probe never saw the join's state: " + footprint);
    assertEquals(0, footprint.finalStateKeys(), footprint.toString());
  }
}
