package dev.streamstate.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.api.java.JavaStreamingListenerWrapper;
import org.apache.spark.streaming.dstream.InputDStream;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The hand-written DStream jobs our users would otherwise write: a running count per key with
 * {@code mapWithState} and with {@code updateStateByKey}, on {@link KeyLoad}'s workload, local[2].
 */
public final class NativeRunningCounts {
  private NativeRunningCounts() {}

  /** The two native state operations. */
  public enum Kind {
    MAP_WITH_STATE,
    UPDATE_STATE_BY_KEY
  }

  /** Runs {@code batches} one-second batches (after the load batch) and returns their times. */
  public static List<Long> run(Kind kind, KeyLoad load, int batches, Path checkpoints) throws InterruptedException {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("native-" + kind.name().toLowerCase())
            .set("spark.ui.enabled", "false");
    JavaStreamingContext streaming = new JavaStreamingContext(conf, Durations.seconds(1));
    streaming.checkpoint(checkpoints.toAbsolutePath().toString());
    BatchTimes times = new BatchTimes();
    streaming.ssc().addStreamingListener(new JavaStreamingListenerWrapper(times));

    ClassTag<String> strings = ClassTag$.MODULE$.apply(String.class);
    JavaPairDStream<String, Long> ones =
        new JavaDStream<>(new Keys(streaming.ssc(), load), strings).mapToPair(key -> new Tuple2<>(key, 1L));
    if (kind == Kind.MAP_WITH_STATE) {
      ones.mapWithState(
              StateSpec.function(
                  (String key, Optional<Long> one, State<Long> count) -> {
                    long next = (count.exists() ? count.get() : 0L) + one.orElse(0L);
                    count.update(next);
                    return next;
                  }))
          .foreachRDD(rdd -> {
            rdd.count();
          });
    } else {
      ones.updateStateByKey(
              (List<Long> increments, Optional<Long> count) ->
                  Optional.of(count.orElse(0L) + increments.size()))
          .foreachRDD(rdd -> {
            rdd.count();
          });
    }
    streaming.start();
    int loaded = 2; // the load batch, and one to settle
    while (times.count() < loaded + batches) {
      Thread.sleep(200);
    }
    streaming.stop(true, false);
    return times.window(loaded, batches);
  }

  /** A batch's keys, made where the batch is computed: all keys first, then the updates. */
  private static final class Keys extends InputDStream<String> {
    private final KeyLoad load;
    private long next;

    Keys(StreamingContext context, KeyLoad load) {
      super(context, ClassTag$.MODULE$.apply(String.class));
      this.load = load;
    }

    @Override
    public void start() {}

    @Override
    public void stop() {}

    @Override
    public Option<RDD<String>> compute(Time validTime) {
      long from = next;
      long count = from == 0 ? load.keys() : load.updatesPerBatch();
      next = from + count;
      JavaSparkContext spark = JavaSparkContext.fromSparkContext(context().sparkContext());
      KeyLoad keys = load;
      JavaRDD<String> batch =
          spark
              .parallelize(LongStream.range(0, 2).boxed().toList(), 2)
              .flatMap(
                  part ->
                      LongStream.range(from, from + count)
                          .filter(i -> i % 2 == part)
                          .mapToObj(keys::key)
                          .iterator());
      return Option.apply(batch.rdd());
    }
  }
}
