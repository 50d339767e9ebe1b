package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.spark.coders.CoderHelpers;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class StatefulBatchTest {

  /**
   * A time-sorted buffer that has been flushed leaves only its end-of-time cell: that goes, so the
   * key can go; a buffer still waiting keeps its earliest time, and the DoFn's own cells stay.
   */
  @Test
  void forgetsTheEarliestTimeOfAFlushedSortBufferOnly() {
    String minStamp =
        StateTags.makeSystemTagInternal(StateTags.value("sortBufferMinStamp", InstantCoder.of()))
            .getId();
    byte[] waiting = CoderHelpers.toByteArray(new Instant(42), InstantCoder.of());
    Table<String, String, byte[]> cells = HashBasedTable.create();
    cells.put(
        "/flushed/",
        minStamp,
        CoderHelpers.toByteArray(BoundedWindow.TIMESTAMP_MAX_VALUE, InstantCoder.of()));
    cells.put("/waiting/", minStamp, waiting);
    cells.put("/flushed/", "lefts", new byte[] {1});

    StatefulBatch.forgetFlushedSortBuffers(cells);

    assertEquals(2, cells.size());
    assertEquals(waiting, cells.get("/waiting/", minStamp));
    assertEquals(1, cells.get("/flushed/", "lefts").length);
  }
}
