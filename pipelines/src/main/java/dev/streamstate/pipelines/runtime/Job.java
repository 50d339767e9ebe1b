package dev.streamstate.pipelines.runtime;

import dev.streamstate.pipelines.io.cassandra.CassandraEndpoint;
import dev.streamstate.pipelines.io.cassandra.CassandraSessions;
import dev.streamstate.pipelines.io.kafka.KafkaClients;
import dev.streamstate.pipelines.io.kafka.ResultKeys;
import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.runners.BatchProgress;
import dev.streamstate.runners.Checkpoints;
import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.JsonLines;
import dev.streamstate.transforms.common.Metered;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline's logic between the source and sink its options choose, with the dead letters of
 * every stage gathered into one output, on the runner its options name. This is the same for every
 * pipeline, so a pipeline is only its logic.
 */
public final class Job {
  private static final String RESULTS = "results";
  private static final String DEAD_LETTERS = "dead_letters";
  private static final java.time.Duration COUNTERS_EVERY = java.time.Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(Job.class);

  private Job() {}

  /**
   * What a finished run wrote, in one line: how many results, and how many dead letters and where
   * they are (each dead letter carries its payload and the reason it could not be used).
   */
  public static String summary(PipelineResult result, StreamStateOptions options) {
    Map<String, Long> counters = Metered.counters(result);
    long results = counters.getOrDefault(RESULTS, 0L);
    long deadLetters = counters.getOrDefault(DEAD_LETTERS, 0L);
    String where =
        deadLetters == 0
            ? ""
            : options.getDeadLetters() == null
                ? ", each with its reason above"
                : ", each with its reason in " + options.getDeadLetters();
    counters.remove(RESULTS);
    counters.remove(DEAD_LETTERS);
    return results
        + (results == 1 ? " result, " : " results, ")
        + deadLetters
        + (deadLetters == 1 ? " dead letter" : " dead letters")
        + where
        + (counters.isEmpty() ? "" : "; " + render(counters));
  }

  private static String render(Map<String, Long> counters) {
    StringBuilder text = new StringBuilder();
    counters.forEach(
        (name, value) ->
            text.append(text.length() == 0 ? "" : ", ").append(name).append(' ').append(value));
    return text.toString();
  }

  /** What a batch's progress line counts: results and dead letters. */
  private static Map<String, Long> progressCounters(PipelineResult result) {
    Map<String, Long> counters = Metered.counters(result);
    Map<String, Long> progress = new LinkedHashMap<>();
    progress.put(RESULTS, counters.getOrDefault(RESULTS, 0L));
    progress.put(DEAD_LETTERS, counters.getOrDefault(DEAD_LETTERS, 0L));
    return progress;
  }

  /**
   * A stream logs its counters every {@link #COUNTERS_EVERY}, so a run's log shows its progress.
   */
  private static ScheduledExecutorService logCounters(String pipeline, PipelineResult result) {
    ScheduledExecutorService logger =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "streamstate-counters");
              thread.setDaemon(true);
              return thread;
            });
    logger.scheduleAtFixedRate(
        () -> {
          try {
            Map<String, Long> counters =
                StopOnSignal.stopping() ? Map.of() : Metered.counters(result);
            if (!counters.isEmpty()) {
              LOG.info("{} counters: {}", pipeline, render(counters));
            }
          } catch (RuntimeException e) {
            LOG.debug("counters not available yet", e);
          }
        },
        COUNTERS_EVERY.getSeconds(),
        COUNTERS_EVERY.getSeconds(),
        TimeUnit.SECONDS);
    return logger;
  }

  /**
   * Where dead letters of a Kafka source go in Kafka: --deadLetterTopic, or {@code
   * <topic>-dead-letters}.
   */
  public static String deadLetterTopic(StreamStateOptions options) {
    return options.getDeadLetterTopic() == null || options.getDeadLetterTopic().isBlank()
        ? options.getTopic() + "-dead-letters"
        : options.getDeadLetterTopic();
  }

  /** Checks the options (failing fast with what to fix), builds, runs and waits. */
  public static <O extends StreamStateOptions> PipelineResult run(PipelineSpec<O> spec, O options) {
    return run(spec, options, () -> {});
  }

  /**
   * As {@link #run(PipelineSpec, StreamStateOptions)}; on Ctrl-C or SIGTERM, {@code afterStop} runs
   * once the job is stopped and before the JVM exits (to stop servers the job was reading from).
   */
  public static <O extends StreamStateOptions> PipelineResult run(
      PipelineSpec<O> spec, O options, Runnable afterStop) {
    Sources source = Sources.named(options.getSource());
    AtomicReference<ScheduledExecutorService> counters = new AtomicReference<>();
    if (!source.finite()) {
      // Before the start: a job restarted from its checkpoint runs batches while it starts.
      StopOnSignal.install(
          spec.name(),
          options,
          () -> {
            if (counters.get() != null) {
              counters.get().shutdownNow();
            }
            CassandraSessions.closeAll();
            afterStop.run();
          },
          System.err);
    }
    PipelineResult result;
    try {
      result = start(spec, options);
    } catch (RuntimeException e) {
      StopOnSignal.awaitExit(); // a start a signal cut short: the signal's handler ends the JVM
      throw e;
    }
    if (source.streaming(options) && SparkStreaming.isSpark(options) && !options.getQuiet()) {
      BatchProgress.attach(
          spec.name(),
          Seconds.positive("batchSeconds", options.getBatchSeconds()).getMillis(),
          () -> progressCounters(result));
    }
    if (!source.finite()) {
      counters.set(logCounters(spec.name(), result));
      StopOnSignal.started(result);
    } else if (source.streaming(options) && SparkStreaming.isSpark(options)) {
      // A Spark stream runs until stopped, even once its input has ended.
      SparkStreaming.stopAtEndOfInput(
          result, Seconds.positive("batchSeconds", options.getBatchSeconds()));
    }
    try {
      result.waitUntilFinish();
    } finally {
      // A job stopped by a signal returns here, or fails with the batches cancelled: the signal's
      // handler ends the JVM with the signal's exit code once what the command started is stopped.
      StopOnSignal.awaitExit();
    }
    return result;
  }

  /** Checks the options, builds and starts the pipeline; a stream then runs until cancelled. */
  public static <O extends StreamStateOptions> PipelineResult start(
      PipelineSpec<O> spec, O options) {
    Pipeline pipeline = build(spec, options);
    Sources source = Sources.named(options.getSource());
    Duration batch = Seconds.positive("batchSeconds", options.getBatchSeconds());
    SparkStreaming.configure(options, batch, source.streaming(options));
    if (!SparkStreaming.isSpark(options) || !source.streaming(options)) {
      return pipeline.run();
    }
    SparkPipelineOptions spark = options.as(SparkPipelineOptions.class);
    Checkpoints.claim(spark, spec.name(), identity(spec.optionsType(), options));
    try {
      return pipeline.run();
    } catch (RuntimeException e) {
      String unreadable = Checkpoints.unreadable(spark, e);
      throw unreadable == null ? e : new IllegalArgumentException(unreadable, e);
    }
  }

  /**
   * Checks the options (failing fast with what to fix) and builds the job's whole graph, source to
   * sinks and dead letters, without running it.
   */
  public static <O extends StreamStateOptions> Pipeline build(PipelineSpec<O> spec, O options) {
    Sources source = Sources.named(options.getSource());
    Sinks sink = Sinks.named(options.getSink());
    Seconds.positive(
        "batchSeconds", options.getBatchSeconds()); // a bad one is named before any server is asked
    KafkaClients.check(options);
    CassandraEndpoint.of(options);
    sink.check(options);
    source.check(options, Sources.Stream.main(options));

    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple payloads =
        source.read(
            pipeline, options, Sources.Stream.main(options), spec.generator().apply(options));
    PCollectionTuple results =
        payloads
            .get(Outputs.MAIN)
            .apply(
                spec.name(),
                PTransform.compose((PCollection<String> in) -> spec.logic().apply(in, options)));
    PCollection<String> main = results.get(Outputs.MAIN).apply("CountResults", Metered.as(RESULTS));
    boolean keyed = sink == Sinks.CASSANDRA || sink == Sinks.KAFKA;
    sink.write(
        keyed && results.has(Outputs.ROWS) ? results.get(Outputs.ROWS) : main,
        options,
        !source.finite(),
        ResultKeys.of(spec.identity()));

    PCollectionList<DeadLetter> deadLetters = PCollectionList.empty(pipeline);
    for (PCollectionTuple stage : new PCollectionTuple[] {payloads, results}) {
      if (stage.has(DeadLetter.TAG)) {
        deadLetters = deadLetters.and(stage.get(DeadLetter.TAG));
      }
    }
    if (deadLetters.size() > 0) {
      PCollection<String> unreadable =
          deadLetters
              .apply("AllDeadLetters", Flatten.pCollections())
              .apply("CountDeadLetters", Metered.as(DEAD_LETTERS))
              .apply("DeadLettersAsJson", JsonLines.deadLetters());
      if (options.getDeadLetters() == null) {
        unreadable.apply("PrintToStderr", Sinks.stderr());
      } else {
        Sinks.writeFiles(
            "DeadLettersToFiles", unreadable, options.getDeadLetters(), !source.finite());
      }
      if (source == Sources.KAFKA) {
        Sinks.writeKafka(
            "DeadLettersToKafka",
            unreadable,
            options,
            deadLetterTopic(options),
            ResultKeys.DEAD_LETTERS);
      }
    }
    return pipeline;
  }

  /**
   * What identifies a job for its checkpoint: every option of ours its logic, source and sink read
   * (runner options aside), secrets only as a digest.
   */
  static Map<String, String> identity(
      Class<? extends StreamStateOptions> type, StreamStateOptions options) {
    Map<String, String> identity = new TreeMap<>();
    PipelineOptions typed = options.as(type);
    for (Method getter : type.getMethods()) {
      String name = getter.getName();
      boolean ours = getter.getDeclaringClass().getPackageName().startsWith("dev.streamstate");
      if (!ours
          || getter.getParameterCount() > 0
          || !(name.startsWith("get") || name.startsWith("is"))) {
        continue;
      }
      String option =
          Character.toLowerCase(name.charAt(name.startsWith("is") ? 2 : 3))
              + name.substring(name.startsWith("is") ? 3 : 4);
      try {
        Object value = getter.invoke(typed);
        if (value != null) {
          identity.put(
              option, SECRET.matcher(option).find() ? digest(value.toString()) : value.toString());
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return identity;
  }

  private static final Pattern SECRET = Pattern.compile("(?i)password|secret|properties");

  private static String digest(String secret) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
