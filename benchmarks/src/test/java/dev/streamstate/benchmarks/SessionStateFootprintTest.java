package dev.streamstate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A small run of the footprint benchmark: every session out, and no key left in state after. */
class SessionStateFootprintTest {

  @Test
  void closedSessionsLeaveNoStateBehindOnTheSparkRunner() {
    SessionStateFootprint.Footprint footprint = SessionStateFootprint.measure(20_000, 2_000);

    assertEquals(2_000, footprint.sessions(), footprint.toString());
    assertEquals(20_000, footprint.sessionEvents(), footprint.toString());
    assertTrue(
        footprint.peakStateKeys() > 0, "the probe never saw the open sessions: " + footprint);
    assertEquals(0, footprint.finalStateKeys(), footprint.toString());
  }
}
