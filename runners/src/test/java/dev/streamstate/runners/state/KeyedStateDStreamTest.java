package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedList;
import java.util.Queue;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

class KeyedStateDStreamTest {
  @Test
  void theStateIsCachedAsObjectsAndCheckpointedTenBatchesApart() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[1]")
            .setAppName("keyed-state-dstream-test")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.ui.enabled", "false");
    JavaStreamingContext streaming = new JavaStreamingContext(conf, Durations.seconds(1));
    try {
      Queue<JavaRDD<Tuple2<ByteArray, byte[]>>> batches = new LinkedList<>();
      KeyedStateDStream state =
          new KeyedStateDStream(
              streaming.queueStream(batches).dstream(),
              2,
              null,
              null,
              java.util.List.of(),
              KeyedStateDStream.checkpointInterval(Durations.seconds(1), null));
      // Kept serialized (Spark's default for a checkpointed stream), every batch would serialize
      // the whole state into the cache and deserialize it again.
      assertEquals(StorageLevel.MEMORY_ONLY(), state.storageLevel());
      assertEquals(Durations.seconds(10), state.checkpointDuration());
    } finally {
      streaming.stop(true, false);
    }
  }

  @Test
  void theStateIsCheckpointedTenBatchesApartOrAsConfiguredWhereThatIsLonger() {
    assertEquals(Durations.seconds(20), KeyedStateDStream.checkpointInterval(Durations.seconds(2), null));
    // A resumable job checkpoints its source every batch: the state keeps its ten batches.
    assertEquals(Durations.seconds(20), KeyedStateDStream.checkpointInterval(Durations.seconds(2), 2_000L));
    assertEquals(Durations.seconds(60), KeyedStateDStream.checkpointInterval(Durations.seconds(2), 60_000L));
  }
}
