package dev.streamstate.runners;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of {@code spark-submit} (or of its main class, {@code
 * org.apache.spark.deploy.SparkSubmit}) that run a pipeline from the cluster jar on a Spark cluster
 * in client mode: the driver runs where it is submitted, the executors on the cluster.
 *
 * <p>Under spark-submit, Beam's Spark runner builds its context from the {@code spark.*} properties
 * spark-submit sets, and {@code spark.master} wins over {@code --sparkMaster}; so the master is
 * named once, here, and the pipeline arguments need no {@code --sparkMaster}.
 */
public final class ClusterSubmission {
  /** The driver's address for the executors; the only one a machine without a network has. */
  public static final String LOOPBACK = "127.0.0.1";

  private ClusterSubmission() {}

  /**
   * {@code --master masterUrl --deploy-mode client --class mainClass [--conf …] jar args…}, with
   * the driver bound to {@code driverHost}.
   */
  public static List<String> arguments(
      String masterUrl, String driverHost, Path jar, String mainClass, List<String> args) {
    List<String> submit = new ArrayList<>();
    submit.addAll(List.of("--master", masterUrl, "--deploy-mode", "client", "--class", mainClass));
    submit.addAll(List.of("--conf", "spark.driver.host=" + driverHost));
    submit.addAll(List.of("--conf", "spark.driver.bindAddress=" + driverHost));
    submit.add(jar.toAbsolutePath().toString());
    submit.addAll(args);
    return submit;
  }
}
