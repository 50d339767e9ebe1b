package dev.streamstate.localstack;

import dev.streamstate.runners.ClusterSubmission;
import dev.streamstate.runners.SparkJvmFlags;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1 from Spark's jars, no download and no installation: a
 * Master and one Worker, each in a JVM of its own ({@link ServerProcess}, so they stop with the JVM
 * that started them), on free ports, with a {@code SPARK_HOME} whose {@code jars/} links to the
 * jars of a Spark 3.5 distribution (the {@code spark-server} module's classpath). The Worker starts
 * its executors from that {@code SPARK_HOME}, as on a real cluster; drivers are submitted with
 * {@link #submit}.
 */
public final class LocalSparkCluster implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final String MASTER = "org.apache.spark.deploy.master.Master";
  private static final String WORKER = "org.apache.spark.deploy.worker.Worker";
  private static final String SUBMIT = "org.apache.spark.deploy.SparkSubmit";

  private final Path dir;
  private final ServerProcess master;
  private final ServerProcess worker;
  private final int masterPort;
  private final int masterWebUiPort;

  private LocalSparkCluster(
      Path dir, ServerProcess master, ServerProcess worker, int masterPort, int masterWebUiPort) {
    this.dir = dir;
    this.master = master;
    this.worker = worker;
    this.masterPort = masterPort;
    this.masterWebUiPort = masterWebUiPort;
  }

  /** Starts the Master on free ports and a Worker offering {@code cores} cores. */
  public static LocalSparkCluster start(Path dir, int cores) {
    return start(dir, ServerProcess.freePort(), ServerProcess.freePort(), cores);
  }

  /**
   * Starts the Master on {@code masterPort} (web UI on {@code webUiPort}) and a Worker offering
   * {@code cores} cores and 2 GB; returns once the Worker has registered with the Master.
   */
  public static LocalSparkCluster start(Path dir, int masterPort, int webUiPort, int cores) {
    ServerProcess.checkFree("the Spark Master", masterPort);
    ServerProcess.checkFree("the Spark Master's web UI", webUiPort);
    Map<String, String> environment = environment(dir);
    ServerProcess master =
        daemon(
            "Spark-Master",
            MASTER,
            List.of(
                "--host",
                ClusterSubmission.LOOPBACK,
                "--port",
                Integer.toString(masterPort),
                "--webui-port",
                Integer.toString(webUiPort)),
            dir.resolve("master"),
            environment);
    ServerProcess worker = null;
    try {
      master.awaitPort(masterPort, READY_WITHIN);
      worker =
          daemon(
              "Spark-Worker",
              WORKER,
              List.of(
                  "--host",
                  ClusterSubmission.LOOPBACK,
                  "--port",
                  Integer.toString(ServerProcess.freePort()),
                  "--webui-port",
                  Integer.toString(ServerProcess.freePort()),
                  "--cores",
                  Integer.toString(cores),
                  "--memory",
                  "2g",
                  "--work-dir",
                  dir.resolve("work").toAbsolutePath().toString(),
                  masterUrl(masterPort)),
              dir.resolve("worker"),
              environment);
      LocalSparkCluster cluster = new LocalSparkCluster(dir, master, worker, masterPort, webUiPort);
      cluster.awaitWorker();
      return cluster;
    } catch (RuntimeException e) {
      if (worker != null) {
        worker.close();
      }
      master.close();
      throw e;
    }
  }

  /** The URL drivers connect to: {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl(masterPort);
  }

  private static String masterUrl(int port) {
    return "spark://" + ClusterSubmission.LOOPBACK + ":" + port;
  }

  /** The Master's web UI; its state as JSON is at {@code /json/}. */
  public String masterWebUi() {
    return "http://" + ClusterSubmission.LOOPBACK + ":" + masterWebUiPort;
  }

  /** The SPARK_HOME the Worker runs executors from; its {@code jars/} is the Spark classpath. */
  public Path sparkHome() {
    return dir.resolve("spark-home").toAbsolutePath();
  }

  /** Where the Worker keeps each application's executors: {@code <app id>/<executor id>/stderr}. */
  public Path workDir() {
    return dir.resolve("work");
  }

  public ServerProcess master() {
    return master;
  }

  public ServerProcess worker() {
    return worker;
  }

  /** The Master's state (workers, running and completed applications) as its JSON text. */
  public String masterState() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(masterWebUi() + "/json/"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Submits {@code mainClass} from {@code jar} with {@code args} in client mode, as {@code
   * spark-submit} does: the driver runs in a JVM of its own (logging to {@code driver.log} in
   * {@code driverDir}, stopped with the JVM that started it), the executors on this cluster.
   */
  public ServerProcess submit(Path jar, String mainClass, List<String> args, Path driverDir) {
    List<String> jvm = new ArrayList<>(SparkJvmFlags.forSpark());
    jvm.add("-Xmx1g");
    return ServerProcess.start(
        "Driver",
        "spark",
        jvm,
        SUBMIT,
        ClusterSubmission.arguments(masterUrl(), ClusterSubmission.LOOPBACK, jar, mainClass, args),
        driverDir,
        environment(dir));
  }

  /** Stops the Worker (and with it its executors), then the Master. */
  @Override
  public void close() {
    worker.close();
    master.close();
  }

  private static ServerProcess daemon(
      String name, String mainClass, List<String> args, Path dir, Map<String, String> environment) {
    List<String> jvm = new ArrayList<>(SparkJvmFlags.forStandaloneDaemon());
    jvm.add("-Xmx512m");
    return ServerProcess.start(name, "spark", jvm, mainClass, args, dir, environment);
  }

  private void awaitWorker() {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!worker.isAlive()) {
        throw new IllegalStateException(
            "the Spark Worker exited before it registered; see " + worker.log());
      }
      try {
        if (masterState().replace(" ", "").contains("\"aliveworkers\":1")) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // the web UI is not up yet
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    close();
    throw new IllegalStateException(
        "the Spark Worker did not register with the Master within "
            + READY_WITHIN.toSeconds()
            + " s; see "
            + worker.log());
  }

  /**
   * What Spark's launch scripts would set for the Master, the Worker (and its executors) and a
   * driver: a SPARK_HOME, the address to bind to, the Scala version of the jars.
   */
  private static Map<String, String> environment(Path dir) {
    return Map.of(
        "SPARK_HOME",
        linkSparkJars(dir.resolve("spark-home")).toString(),
        "SPARK_LOCAL_IP",
        ClusterSubmission.LOOPBACK,
        "SPARK_SCALA_VERSION",
        "2.12");
  }

  /**
   * A SPARK_HOME whose jars/ links to each jar of the Spark classpath, as a distribution has them.
   */
  private static Path linkSparkJars(Path home) {
    Path jars = home.resolve("jars");
    try {
      Files.createDirectories(jars);
      for (String jar : ServerProcess.classpath("spark").split(File.pathSeparator)) {
        Path target = Path.of(jar);
        Path link = jars.resolve(target.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return home.toAbsolutePath();
  }
}
