package dev.streamstate.pipelines.runtime;

import dev.streamstate.runners.SparkStreaming;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM (what YARN, Kubernetes and systemd send) stop a streaming job the
 * same way: the job first (its running batch completes and writes its sinks), then whatever it
 * reads from or writes to that the command started (the demo's servers), then the JVM, with the
 * shell's exit code for the signal (130, 143) and one line on stderr, not Spark's stack traces.
 *
 * <p>Left to the JVM's shutdown hooks, Spark's hook stops the streaming context without waiting for
 * the batch in hand (logging each cancelled job with its trace) and races the runner's own stop for
 * the context; servers a command started stopped under the job still writing to them.
 */
final class StopOnSignal {
  private static final List<String> SIGNALS = List.of("INT", "TERM");
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private static final CompletableFuture<PipelineResult> JOB = new CompletableFuture<>();

  /** How long a signal waits for a job that is still starting before the JVM is ended. */
  private static final Duration START_WAIT = Duration.ofSeconds(6);

  private static final String OUR_LOGS = "dev.streamstate";
  private static final Map<SparkStreaming.Stop, String> EXPLAINED =
      Map.of(
          SparkStreaming.Stop.GRACEFUL, "",
          SparkStreaming.Stop.CANCELLED,
              "; batches still running after "
                  + SparkStreaming.STOP_GRACE.toSeconds()
                  + " s were cancelled: a job with --checkpointDir runs them again when it restarts",
          SparkStreaming.Stop.UNFINISHED,
              "; it had not stopped after "
                  + SparkStreaming.STOP_GRACE.plus(SparkStreaming.STOP_CANCELLING).toSeconds()
                  + " s and was ended: a job with --checkpointDir resumes from its last checkpoint");

  private StopOnSignal() {}

  /**
   * From now on, a signal stops the job handed over by {@link #started} (waiting for it while the
   * job starts: a job restarted from its checkpoint recomputes batches before its start returns),
   * then runs {@code afterStop}, then ends the JVM. The caller's thread, returning from waiting on
   * the job, must not end the JVM first: see {@link #awaitExit()}.
   */
  static void install(
      String pipeline, PipelineOptions options, Runnable afterStop, PrintStream err) {
    for (String name : SIGNALS) {
      Signal.handle(
          new Signal(name),
          signal -> {
            if (!STOPPING.compareAndSet(false, true)) {
              return; // a second Ctrl-C while the first one stops the job
            }
            long started = System.nanoTime();
            err.println(
                "streamstate " + pipeline + ": SIG" + signal.getName() + " received, stopping ...");
            quietLogs();
            SparkStreaming.Stop stop = stop(options, startedJob());
            long jobStopped = System.nanoTime();
            afterStop.run();
            int code = 128 + signal.getNumber();
            err.println(
                "streamstate "
                    + pipeline
                    + ": stopped in "
                    + millis(started)
                    + " ms (the job in "
                    + (jobStopped - started) / 1_000_000
                    + " ms"
                    + EXPLAINED.get(stop)
                    + "), exit code "
                    + code);
            if (stop == SparkStreaming.Stop.UNFINISHED) {
              // The runner's own stop still waits (on a source, a batch); the JVM's shutdown hooks
              // would wait on it too.
              Runtime.getRuntime().halt(code);
            }
            System.exit(code);
          });
    }
  }

  /** The job a signal stops, once its start has returned. */
  static void started(PipelineResult result) {
    JOB.complete(result);
  }

  /** The started job, or null if it is still starting after {@link #START_WAIT}. */
  private static PipelineResult startedJob() {
    try {
      return JOB.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static long millis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  /**
   * A stop asked for interrupts a batch, cancels queued ones and leaves clients retrying servers
   * that stop: Spark, Kafka's and Cassandra's clients log each as an error with its stack trace.
   * None of those are the job's errors, so from here on only our own lines are written.
   */
  private static void quietLogs() {
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    Configurator.setLevel(OUR_LOGS, Level.INFO);
  }

  /** Whether a signal is stopping the job. */
  static boolean stopping() {
    return STOPPING.get();
  }

  /** If a signal is stopping the job, waits for its handler to end the JVM. */
  static void awaitExit() {
    while (STOPPING.get()) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static SparkStreaming.Stop stop(PipelineOptions options, PipelineResult result) {
    if (result == null) {
      return SparkStreaming.Stop.UNFINISHED; // never started: nothing to stop gracefully
    }
    try {
      if (SparkStreaming.isSpark(options)) {
        return SparkStreaming.stop(result);
      }
      result.cancel();
      return SparkStreaming.Stop.GRACEFUL;
    } catch (IOException | RuntimeException e) {
      return SparkStreaming.Stop.UNFINISHED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SparkStreaming.Stop.UNFINISHED;
    }
  }
}
