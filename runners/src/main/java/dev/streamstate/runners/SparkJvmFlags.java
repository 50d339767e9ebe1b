package dev.streamstate.runners;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags Spark 3.5 needs on Java 17 (the {@code --add-opens} list of Spark's own {@code
 * JavaModuleOptions}), for the JVMs we start ourselves: a standalone Master and Worker, a driver
 * submitted to them. The list has one home, the project's {@code .mvn/jvm.config}; the build copies
 * it into this module's classes, so it is read the same from a checkout and from a jar.
 */
public final class SparkJvmFlags {
  private static final String RESOURCE = "jvm.config";

  /** The standalone Master and Worker need {@code jdk.internal.ref} opened as well. */
  private static final String DAEMON_EXTRA = "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED";

  private SparkJvmFlags() {}

  /** The flags for a JVM that runs Spark: a driver, or {@code SparkSubmit}. */
  public static List<String> forSpark() {
    try (InputStream in = SparkJvmFlags.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource " + RESOURCE + ": build the runners module with Maven");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      return List.of(text.split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The flags for a standalone Master or Worker. */
  public static List<String> forStandaloneDaemon() {
    List<String> flags = new ArrayList<>(forSpark());
    flags.add(DAEMON_EXTRA);
    return flags;
  }
}
