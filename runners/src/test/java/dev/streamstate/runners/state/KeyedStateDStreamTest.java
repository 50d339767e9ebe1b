package dev.streamstate.runners.state;

import static dev.streamstate.runners.TestAids.localSpark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.api.java.JavaStreamingListener;
import org.apache.spark.streaming.api.java.JavaStreamingListenerBatchCompleted;
import org.apache.spark.streaming.api.java.JavaStreamingListenerWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;
import scala.collection.JavaConverters;

class KeyedStateDStreamTest {
  @Test
  void theStateIsCachedAsObjectsAndCheckpointedTenBatchesApart() {
    JavaStreamingContext streaming =
        new JavaStreamingContext(localSpark("keyed-state-dstream-test"), Durations.seconds(1));
    try {
      Queue<JavaRDD<Tuple2<ByteArray, byte[]>>> batches = new LinkedList<>();
      KeyedStateDStream state =
          new KeyedStateDStream(
              streaming.queueStream(batches).dstream(),
              2,
              null,
              null,
              List.of(),
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
  void batchClocksAreKeptBackToTheCheckpointBeingWrittenHoweverFarBehindItIs() {
    JavaStreamingContext streaming =
        new JavaStreamingContext(localSpark("keyed-state-dstream-test"), Durations.seconds(1));
    try {
      AtomicLong runner = new AtomicLong();
      KeyedStateDStream state =
          new KeyedStateDStream(
              streaming.queueStream(new LinkedList<JavaRDD<Tuple2<ByteArray, byte[]>>>()).dstream(),
              2,
              null,
              new BatchWatermarks(batchMillis -> new long[] {runner.get(), runner.get()}),
              List.of(),
              KeyedStateDStream.checkpointInterval(Durations.seconds(1), null));
      for (long batch = 1_000; batch <= 40_000; batch += 1_000) {
        runner.set(batch);
        state.clockFor(batch);
        if (batch == 5_000) {
          // The checkpoint of the batch at 5 s, written while batches up to 40 s are being made.
          state.updateCheckpointData(new Time(batch));
        }
      }
      // A restart from that checkpoint recomputes the batch at 5 s with its first clock.
      runner.set(Long.MIN_VALUE / 2);
      assertEquals(new KeyedBatch.Clock(5_000, 4_000, 5_000), state.clockFor(5_000));
    } finally {
      streaming.stop(true, false);
    }
  }

  @Test
  void theStateIsCheckpointedTenBatchesApartOrAsConfiguredWhereThatIsLonger() {
    assertEquals(
        Durations.seconds(20), KeyedStateDStream.checkpointInterval(Durations.seconds(2), null));
    // A resumable job checkpoints its source every batch: the state keeps its ten batches.
    assertEquals(
        Durations.seconds(20), KeyedStateDStream.checkpointInterval(Durations.seconds(2), 2_000L));
    assertEquals(
        Durations.seconds(60), KeyedStateDStream.checkpointInterval(Durations.seconds(2), 60_000L));
  }

  @Test
  void batchesBeforeTheLatestStateCheckpointAreDroppedFromTheCacheButRemembered(
      @TempDir Path checkpoints) throws InterruptedException {
    JavaStreamingContext streaming =
        new JavaStreamingContext(
            localSpark("keyed-state-dstream-test"), Durations.milliseconds(200));
    try {
      streaming.sparkContext().setCheckpointDir(checkpoints.toString());
      KeyedStateDStream state =
          new KeyedStateDStream(
              streaming.queueStream(new LinkedList<JavaRDD<Tuple2<ByteArray, byte[]>>>()).dstream(),
              2,
              (clock, previous, elements) -> new PartitionRecord(previous, List.of(), Map.of()),
              null,
              List.of(),
              KeyedStateDStream.checkpointInterval(Durations.milliseconds(200), null));
      state.register();
      CountDownLatch batches = new CountDownLatch(30);
      streaming
          .ssc()
          .addStreamingListener(
              new JavaStreamingListenerWrapper(
                  new JavaStreamingListener() {
                    @Override
                    public void onBatchCompleted(JavaStreamingListenerBatchCompleted completed) {
                      batches.countDown();
                    }
                  }));
      streaming.start();
      assertTrue(batches.await(2, TimeUnit.MINUTES), "30 batches did not complete");
      streaming.stop(false, false);

      Collection<RDD<PartitionRecord>> remembered =
          JavaConverters.asJavaCollection(state.generatedRDDs().values());
      long cached =
          remembered.stream()
              .filter(rdd -> !rdd.getStorageLevel().equals(StorageLevel.NONE()))
              .count();
      // Spark remembers twice the checkpoint interval, 20 batches; only those from the latest
      // state checkpoint on are still needed, at most 11 (12 if the last batch wrote a checkpoint
      // and was stopped before it cleared).
      assertTrue(remembered.size() >= 20, "remembered " + remembered.size());
      assertTrue(
          cached >= 1 && cached <= 12,
          cached + " of " + remembered.size() + " remembered batches cached");
    } finally {
      streaming.stop(true, false);
    }
  }
}
