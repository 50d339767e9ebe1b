package dev.streamstate.pipelines.commands;

import dev.streamstate.localstack.LocalSparkCluster;
import dev.streamstate.runners.ClusterSubmission;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 in one command, from Spark's jars: a Master and a Worker,
 * the master URL printed with the command that submits the cluster jar to it; both stop on Ctrl-C.
 * Work and logs go under {@code target/local-cluster}.
 */
public final class LocalClusterCommand {
  private LocalClusterCommand() {}

  /** Options of local-cluster. */
  public interface Options extends PipelineOptions {
    @Description("Port of the Spark Master")
    @Default.Integer(7077)
    int getMasterPort();

    void setMasterPort(int masterPort);

    @Description("Port of the Master's web UI")
    @Default.Integer(8080)
    int getWebUiPort();

    void setWebUiPort(int webUiPort);

    @Description("Cores the Worker offers to executors")
    @Default.Integer(2)
    int getCores();

    void setCores(int cores);
  }

  /**
   * Starts the cluster and prints the submit command of the entry point {@code mainClass}; returns
   * when the JVM stops.
   */
  public static void run(Options options, String mainClass) throws InterruptedException {
    Path dir =
        Path.of("target", "local-cluster", Long.toString(System.currentTimeMillis()))
            .toAbsolutePath();
    System.err.println("streamstate: starting a Spark Master and Worker under " + dir + " ...");
    LocalSparkCluster cluster =
        LocalSparkCluster.start(
            dir, options.getMasterPort(), options.getWebUiPort(), options.getCores());
    CountDownLatch stopped = LocalStackCommand.stopOnExit("the Spark Worker and Master", cluster);
    List<String> submit =
        ClusterSubmission.arguments(
            cluster.masterUrl(),
            ClusterSubmission.LOOPBACK,
            Path.of("pipelines", "target", "streamstate-cluster.jar"),
            mainClass,
            List.of("word-count", "--runner=SparkRunner"));
    System.out.println(
        "spark master  " + cluster.masterUrl() + "   web UI: " + cluster.masterWebUi());
    System.out.println("submit (from the checkout, after mvn package):");
    System.out.println(
        "  java @.mvn/jvm.config -cp '"
            + cluster.sparkHome().resolve("jars")
            + "/*' org.apache.spark.deploy.SparkSubmit "
            + String.join(" ", submit).replace(Path.of("").toAbsolutePath() + "/", ""));
    System.out.println("Ctrl-C stops both.");
    stopped.await();
  }
}
