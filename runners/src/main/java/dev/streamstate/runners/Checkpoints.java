package dev.streamstate.runners;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.beam.runners.spark.SparkCommonPipelineOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint recovery on the Spark runner, made safe to use. With {@code --checkpointDir} the
 * runner restarts a job through {@code JavaStreamingContext.getOrCreate}: state and source
 * positions come back, and so does the job <em>as it was checkpointed</em> — Spark restores the old
 * job graph and ignores how the new one was built. So a checkpoint is only resumed by the same job:
 * each checkpoint directory records the identity of the job that wrote it (the pipeline and the
 * options its logic, sources and sinks read), and a job with another identity is refused in one
 * line instead of silently running the old one.
 *
 * <p>Without {@code --checkpointDir} the runner checkpoints to a new directory per job, so a
 * restarted job starts empty; that is worth a warning for a stream.
 */
public final class Checkpoints {
  /** The file in the checkpoint directory that names the job that writes it. */
  public static final String IDENTITY_FILE = "streamstate-job.properties";

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  private Checkpoints() {}

  /**
   * Before a streaming job starts on the Spark runner: warns when it has no checkpoint directory of
   * its own, records {@code identity} in a new one, and refuses a directory another job wrote.
   */
  public static void claim(
      SparkPipelineOptions options, String pipeline, Map<String, String> identity) {
    if (!isExplicit(options)) {
      LOG.warn(
          "{} keeps its state under {}, new for every run: a restarted job starts empty. Give"
              + " --checkpointDir=DIR (on storage that outlives the driver) to resume after a crash.",
          pipeline,
          options.getCheckpointDir());
      return;
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put("pipeline", pipeline);
    wanted.putAll(identity);
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(options.getCheckpointDir(), IDENTITY_FILE);
    try {
      FileSystem fs = file.getFileSystem(new Configuration());
      if (!fs.exists(file)) {
        if (hasSparkCheckpoint(fs, options.getCheckpointDir())) {
          throw new IllegalArgumentException(
              "--checkpointDir="
                  + options.getCheckpointDir()
                  + " holds a checkpoint of an unknown job:"
                  + " use a new directory");
        }
        try (FSDataOutputStream out = fs.create(file, false)) {
          out.write(render(wanted).getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      Map<String, String> recorded;
      try (FSDataInputStream in = fs.open(file)) {
        recorded = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      List<String> differences = differences(recorded, wanted);
      if (!differences.isEmpty()) {
        throw new IllegalArgumentException(
            "--checkpointDir="
                + options.getCheckpointDir()
                + " holds the checkpoint of another job ("
                + String.join(", ", differences)
                + "); Spark would resume that job as it was, so a"
                + " changed pipeline needs a new --checkpointDir (or run it with the same options)");
      }
      LOG.info("{} resumes from its checkpoint in {}", pipeline, options.getCheckpointDir());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "--checkpointDir=" + options.getCheckpointDir() + " cannot be used: " + e.getMessage(),
          e);
    }
  }

  /**
   * The one line for a checkpoint Spark could not read back, e.g. one written by another build of
   * the pipeline; {@code null} when {@code failure} is something else.
   */
  public static String unreadable(SparkPipelineOptions options, Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("Failed to read checkpoint from directory")) {
        Throwable root = cause;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return "--checkpointDir="
            + options.getCheckpointDir()
            + " holds a checkpoint this build cannot"
            + " read ("
            + root.getClass().getSimpleName()
            + ": "
            + firstLine(root.getMessage())
            + "): it was"
            + " written by another version of the pipeline; use a new --checkpointDir";
      }
    }
    return null;
  }

  /** Whether a job with {@code options} resumes from a checkpoint of its own when restarted. */
  public static boolean resumable(PipelineOptions options) {
    return SparkStreaming.isSpark(options) && isExplicit(options.as(SparkPipelineOptions.class));
  }

  /**
   * Whether the job names its checkpoint directory, rather than getting the runner's per-job one.
   */
  static boolean isExplicit(SparkPipelineOptions options) {
    return !Objects.equals(
        options.getCheckpointDir(),
        new SparkCommonPipelineOptions.TmpCheckpointDirFactory().create(options));
  }

  private static boolean hasSparkCheckpoint(FileSystem fs, String dir) throws IOException {
    org.apache.hadoop.fs.Path spark = new org.apache.hadoop.fs.Path(dir, "spark-checkpoint");
    return fs.exists(spark) && fs.listStatus(spark).length > 0;
  }

  private static List<String> differences(
      Map<String, String> recorded, Map<String, String> wanted) {
    List<String> differences = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(recorded.keySet());
    names.addAll(wanted.keySet());
    for (String name : names) {
      String then = recorded.get(name);
      String now = wanted.get(name);
      if (!Objects.equals(then, now)) {
        differences.add(
            name.equals("pipeline")
                ? "pipeline " + then + ", now " + now
                : "--" + name + " was " + shown(then) + ", now " + shown(now));
      }
    }
    return differences;
  }

  private static String shown(String value) {
    return value == null ? "not given" : "'" + value + "'";
  }

  private static String render(Map<String, String> identity) throws IOException {
    Properties properties = new Properties();
    properties.putAll(identity);
    StringWriter text = new StringWriter();
    properties.store(text, "the job that writes this checkpoint");
    return text.toString();
  }

  private static Map<String, String> parse(String text) throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    Map<String, String> identity = new LinkedHashMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> identity.put(name, properties.getProperty(name)));
    return identity;
  }

  private static String firstLine(String message) {
    return message == null ? "no reason given" : message.lines().findFirst().orElse(message);
  }
}
