package dev.streamstate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's check of a run's assertions, on the counts a runner reports. */
class TestRunnerTest {
  private static final String FIRST = "PAssert$0/VerifyAssertions/ParDo(DefaultConclude)";
  private static final String SECOND = "PAssert$1/VerifyAssertions/ParDo(DefaultConclude)";

  @Test
  void everyAssertionHeldOnce() {
    assertEquals(
        "", TestRunner.assertionProblems(2, Map.of(FIRST, 1L, SECOND, 1L), Map.of(), List.of()));
  }

  @Test
  void oneAssertionHeldTwiceCannotHideOneThatNeverRan() {
    String problems = TestRunner.assertionProblems(2, Map.of(FIRST, 2L), Map.of(), List.of());
    assertEquals(
        FIRST + " held 2 times, not once; 1 of the 2 assertions in the pipeline ran and held",
        problems);
  }

  @Test
  void aFailedAssertionIsReportedWithItsOwnMessage() {
    String problems =
        TestRunner.assertionProblems(
            2,
            Map.of(FIRST, 1L),
            Map.of(SECOND, 1L),
            List.of("java.lang.AssertionError: Count.output: Expected: <3> but: was <2>"));
    assertTrue(problems.startsWith(SECOND + " failed once; 1 of the 2 assertions"), problems);
    assertTrue(problems.endsWith("Expected: <3> but: was <2>"), problems);
  }
}
