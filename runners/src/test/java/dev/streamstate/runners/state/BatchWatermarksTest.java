package dev.streamstate.runners.state;

import static dev.streamstate.runners.TestAids.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class BatchWatermarksTest {
  /** The runner's watermark, as a test moves it; static, so a deserialized reader sees it too. */
  private static final AtomicLong RUNNER = new AtomicLong();

  private static BatchWatermarks watermarks() {
    return new BatchWatermarks(batchMillis -> new long[] {RUNNER.get() - 1_000, RUNNER.get()});
  }

  @Test
  void aBatchMadeAgainAfterARestartGetsTheWatermarkOfItsFirstRun() throws Exception {
    BatchWatermarks watermarks = watermarks();
    RUNNER.set(50_000);
    assertEquals(new KeyedBatch.Clock(10_000, 49_000, 50_000), watermarks.clockFor(10_000, 0));

    BatchWatermarks restored = copy(watermarks);
    RUNNER.set(Long.MIN_VALUE / 2);
    assertEquals(new KeyedBatch.Clock(10_000, 49_000, 50_000), restored.clockFor(10_000, 0));
  }

  @Test
  void aBatchNeverGetsAWatermarkEarlierThanTheBatchBefore() {
    BatchWatermarks watermarks = watermarks();
    RUNNER.set(50_000);
    watermarks.clockFor(10_000, 0);
    RUNNER.set(20_000);
    assertEquals(new KeyedBatch.Clock(11_000, 50_000, 50_000), watermarks.clockFor(11_000, 0));
    RUNNER.set(70_000);
    assertEquals(new KeyedBatch.Clock(12_000, 50_000, 70_000), watermarks.clockFor(12_000, 0));
  }

  /**
   * Batches are made on a timer: one made while others are queued can find the runner several
   * batches further on. It still starts where the batch before it ended, or a window it fires would
   * be late for the stage after it in the same batch.
   */
  @Test
  void aBatchStartsWhereTheBatchBeforeItEndedHoweverFarTheRunnerMoved() {
    BatchWatermarks watermarks = watermarks();
    RUNNER.set(0);
    assertEquals(new KeyedBatch.Clock(10_000, -1_000, 0), watermarks.clockFor(10_000, 0));
    RUNNER.set(Long.MAX_VALUE / 2);
    assertEquals(
        new KeyedBatch.Clock(11_000, 0, Long.MAX_VALUE / 2), watermarks.clockFor(11_000, 0));
  }

  @Test
  void everyStageOfABatchReadsTheSameSnapshotOfTheRunnersWatermarks() {
    Map<Integer, SparkWatermarks> first = Map.of(0, sparkWatermarks(1_000, 2_000));
    Map<Integer, SparkWatermarks> advanced = Map.of(0, sparkWatermarks(2_000, 3_000));
    assertEquals(first, BatchWatermarks.snapshotAt(5_000, () -> first));
    assertEquals(first, BatchWatermarks.snapshotAt(5_000, () -> advanced));
    assertEquals(advanced, BatchWatermarks.snapshotAt(6_000, () -> advanced));
  }

  @Test
  void noWatermarksAreReadBeforeABatchOfThisJobHasCompleted() {
    Map<Integer, SparkWatermarks> previousJobs =
        Map.of(0, sparkWatermarks(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2));
    assertEquals(Map.of(), BatchWatermarks.ofThisJob(0, () -> previousJobs));
    Map<Integer, SparkWatermarks> advanced = Map.of(0, sparkWatermarks(1_000, 2_000));
    assertEquals(advanced, BatchWatermarks.ofThisJob(5_000, () -> advanced));
  }

  private static SparkWatermarks sparkWatermarks(long low, long high) {
    return new SparkWatermarks(new Instant(low), new Instant(high), new Instant(high));
  }

  @Test
  void batchesOlderThanWhatTheStreamRemembersAreForgotten() {
    BatchWatermarks watermarks = watermarks();
    RUNNER.set(50_000);
    watermarks.clockFor(10_000, 0);
    watermarks.clockFor(20_000, 15_000);
    RUNNER.set(90_000);
    assertEquals(new KeyedBatch.Clock(10_000, 89_000, 90_000), watermarks.clockFor(10_000, 0));
  }
}
