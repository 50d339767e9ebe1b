package dev.streamstate.transforms.running;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.transforms.common.RecordCoder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class RunningTotalTest {
  @Test
  void aRunningTotalIsEncodedInAFewBytesAndReadBackAsItWas() throws Exception {
    for (RunningTotal total :
        new RunningTotal[] {
          RunningTotal.updated("word", 42),
          RunningTotal.timedOut("", Long.MAX_VALUE),
          RunningTotal.updated("é", -1)
        }) {
      CoderProperties.coderDecodeEncodeEqual(RecordCoder.of(RunningTotal.class), total);
    }
    assertTrue(
        CoderUtils.encodeToByteArray(
                    RecordCoder.of(RunningTotal.class), RunningTotal.updated("word", 42))
                .length
            < 10);
  }

  @Test
  void beamPicksThatCoderForRunningTotals() throws Exception {
    assertEquals(
        RecordCoder.of(RunningTotal.class),
        CoderRegistry.createDefault().getCoder(RunningTotal.class));
  }
}
