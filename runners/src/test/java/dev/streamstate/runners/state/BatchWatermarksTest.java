package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BatchWatermarksTest {
  /** The runner's watermark, as a test moves it; static, so a deserialized reader sees it too. */
  private static final AtomicLong RUNNER = new AtomicLong();

  private static BatchWatermarks watermarks() {
    return new BatchWatermarks(() -> new long[] {RUNNER.get() - 1_000, RUNNER.get()});
  }

  @Test
  void aBatchMadeAgainAfterARestartGetsTheWatermarkOfItsFirstRun() throws Exception {
    BatchWatermarks watermarks = watermarks();
    RUNNER.set(50_000);
    assertEquals(new KeyedBatch.Clock(10_000, 49_000, 50_000), watermarks.clockFor(10_000, 0));

    BatchWatermarks restored = roundTrip(watermarks);
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
    assertEquals(new KeyedBatch.Clock(12_000, 69_000, 70_000), watermarks.clockFor(12_000, 0));
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

  private static BatchWatermarks roundTrip(BatchWatermarks watermarks) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(watermarks);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (BatchWatermarks) in.readObject();
    }
  }
}
