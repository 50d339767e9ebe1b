package dev.streamstate.benchmarks;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.dstream.InputDStream;
import org.apache.spark.streaming.scheduler.StreamInputInfo;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * A {@link Workload} as a native input stream, one line a record ({@link Workload.Lines}: a word,
 * or a keyed record), one batch of the workload per micro-batch, made where the batch is computed
 * (no receiver, nothing buffered), in two partitions like the local[2] master; batch {@code b} is
 * the one due {@code b + 1} intervals after the stream started. Each batch's record count goes to
 * Spark's input tracker, as a real source's does, so {@link BatchTimes} sees native and Beam
 * batches alike.
 */
final class WorkloadStream extends InputDStream<String> {
  /**
   * Compiled once, as in {@code SplitWords}: a hand-written job would not compile it per line
   * either.
   */
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final Workload workload;
  private final Workload.Lines format;

  private WorkloadStream(StreamingContext context, Workload workload, Workload.Lines format) {
    super(context, ClassTag$.MODULE$.apply(String.class));
    this.workload = workload;
    this.format = format;
  }

  /**
   * The words of the workload's lines paired with a count of one: the start of the DStream word
   * counts ({@code flatMap} on whitespace, {@code mapToPair}).
   */
  static JavaPairDStream<String, Long> wordOnes(JavaStreamingContext streaming, Workload workload) {
    return wordOnes(lines(streaming, workload, Workload.Lines.WORDS));
  }

  /**
   * The workload as a stream of keyed records, each record's key with its number: one side of a
   * join, each line ({@link Workload#keyedRecord}) parsed as Beam's side parses it. Each call is an
   * input stream of its own, as two joined streams are.
   */
  static JavaPairDStream<String, Long> keyedRecords(
      JavaStreamingContext streaming, Workload workload) {
    return lines(streaming, workload, Workload.Lines.KEYED_RECORDS)
        .mapToPair(
            line -> {
              int space = line.indexOf(' ');
              return new Tuple2<>(
                  line.substring(0, space), Long.parseLong(line.substring(space + 1)));
            });
  }

  private static JavaDStream<String> lines(
      JavaStreamingContext streaming, Workload workload, Workload.Lines format) {
    JavaDStream<String> lines =
        new JavaDStream<>(
            new WorkloadStream(streaming.ssc(), workload, format),
            ClassTag$.MODULE$.apply(String.class));
    // Spark makes an input's batch only when an output needs it: a window only at its slides, for
    // every batch since at once. An output that does nothing makes each batch when it is due, as a
    // real source's is, so that its records are counted with their own batch.
    lines.foreachRDD(batch -> {});
    return lines;
  }

  /**
   * The words of any input's lines paired with a count of one, as {@link
   * #wordOnes(JavaStreamingContext, Workload)}.
   */
  static JavaPairDStream<String, Long> wordOnes(JavaDStream<String> lines) {
    return lines
        .flatMap(
            line ->
                Arrays.stream(WHITESPACE.split(line)).filter(word -> !word.isEmpty()).iterator())
        .mapToPair(word -> new Tuple2<>(word, 1L));
  }

  @Override
  public void start() {}

  @Override
  public void stop() {}

  @Override
  public Option<RDD<String>> compute(Time validTime) {
    long batch = validTime.minus(zeroTime()).milliseconds() / slideDuration().milliseconds() - 1;
    long from = batch == 0 ? 0 : workload.endOfBatch(batch - 1);
    long to = workload.endOfBatch(batch);
    context()
        .scheduler()
        .inputInfoTracker()
        .reportInfo(
            validTime,
            new StreamInputInfo(id(), to - from, scala.collection.immutable.Map$.MODULE$.empty()));
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context().sparkContext());
    Workload records = workload;
    Workload.Lines lineOf = format;
    JavaRDD<String> lines =
        spark
            .parallelize(LongStream.range(0, 2).boxed().toList(), 2)
            .flatMap(
                part ->
                    LongStream.range(from, to)
                        .filter(i -> i % 2 == part)
                        .mapToObj(i -> lineOf.line(records, i))
                        .iterator());
    return Option.apply(lines.rdd());
  }
}
