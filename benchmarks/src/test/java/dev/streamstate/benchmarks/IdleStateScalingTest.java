package dev.streamstate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny run of the idle-state benchmark: every contender measured, the results written. */
class IdleStateScalingTest {

  @TempDir Path results;

  @Test
  void measuresOursAgainstBothNativeJobsAndWritesTheTable() throws Exception {
    List<IdleStateScaling.Row> rows = IdleStateScaling.measure(2_000, 3, 100);

    assertEquals(
        List.of("beam (RunningTotals on the Spark runner)", "native map_with_state", "native update_state_by_key"),
        rows.stream().map(IdleStateScaling.Row::contender).toList());
    for (IdleStateScaling.Row row : rows) {
      assertTrue(row.medianMillis() > 0 && row.p95Millis() >= row.medianMillis(), row.toString());
    }
    IdleStateScaling.write(rows, results);
    assertEquals(4, Files.readAllLines(results.resolve("idle-state.csv")).size());
    assertEquals(5, Files.readAllLines(results.resolve("idle-state.md")).size());
  }
}
